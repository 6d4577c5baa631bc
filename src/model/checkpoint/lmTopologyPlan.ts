/**
 * Reading a model.json topology as a Longhand language model: checks that it is a Sequential
 *   [InputLayer] → Embedding → LSTM|GRU (one or more, same cell, units and gate activation) → Dense(V) [→ Activation]
 * with Dropout / SpatialDropout1D anywhere after the embedding and the Dense possibly wrapped in TimeDistributed
 * (as Keras conversions produce), and that every layer computes what Longhand's engine computes. Anything else is
 * refused with a message naming the layer and what was found. Works on the raw JSON (snake_case as written by
 * Keras and tfjs-layers; camelCase accepted) so that the message can be precise before TF.js sees the model.
 *
 * Missing activation fields take tfjs-layers' defaults, because tfjs-layers is what would run the file (so an
 * LSTM without recurrent_activation has hard-sigmoid gates, as tf.layers.lstm's default). Gates may be sigmoid
 * or hard_sigmoid (tfjs-layers' clip(0.2·x + 0.5, 0, 1)); the config records the activation when it is not the
 * cell's default. Layers without a bias (use_bias false) are accepted: their bias is zero.
 */
import { CELL_ACTIVATIONS, type CellKind, DEFAULT_RECURRENT_ACTIVATION, type LanguageModelConfig, type RecurrentActivation } from '../types.js';
import { CheckpointError } from './errors.js';
import { MODEL_FILE } from './fileIO.js';

/** Where each part of the language model is among the model's layers (InputLayer excluded, 0-based). */
export interface LanguageModelPlan {
  config: LanguageModelConfig;
  /** Class names of the layers as tf.loadLayersModel builds them (InputLayer excluded), for a sanity check. */
  classNames: string[];
  embedding: number;
  recurrent: number[];
  dense: number;
}

type Json = Record<string, unknown>;

const SHAPE = 'Longhand loads Embedding → LSTM/GRU… → Dense models';
const DROPOUTS = new Set(['Dropout', 'SpatialDropout1D']);
const HINTS: Record<string, string> = {
  Bidirectional: ' (Longhand language models read text left to right only)',
  SimpleRNN: ' (Longhand runs LSTM and GRU cells only)',
  CuDNNLSTM: ' (CuDNN layers keep two bias vectors; re-save the model with a plain LSTM layer)',
  CuDNNGRU: ' (CuDNN layers keep two bias vectors; re-save the model with a plain GRU layer)',
  ConvLSTM2D: ' (Longhand runs LSTM and GRU cells over token sequences only)',
};

/** Gate activations the engine runs, by normalised name. */
const GATE_ACTIVATIONS = new Map<string, RecurrentActivation>([
  ['sigmoid', 'sigmoid'],
  ['hardsigmoid', 'hard_sigmoid'],
]);

/** Normalised activation names: 'hard_sigmoid', 'hardSigmoid' → 'hardsigmoid'. */
function activationName(value: unknown, fallback: string): string {
  if (value == null) return fallback;
  const name = typeof value === 'string' ? value : typeof value === 'object' ? (field(value as Json, 'class_name') as string | undefined) : undefined;
  return typeof name === 'string' ? name.replace(/_/g, '').toLowerCase() : JSON.stringify(value);
}

function field(config: Json, snake: string): unknown {
  if (snake in config) return config[snake];
  return config[snake.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase())];
}

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function planLanguageModel(modelTopology: unknown, dir: string): LanguageModelPlan {
  const where = `${MODEL_FILE} in ${dir}`;
  const fail = (code: 'unsupported' | 'invalid', message: string) => new CheckpointError(code, `${where}: ${message}`, dir, MODEL_FILE);

  let topology = isObject(modelTopology) && isObject(modelTopology.model_config) ? modelTopology.model_config : modelTopology;
  if (!isObject(topology)) throw fail('invalid', 'modelTopology is not an object');
  const modelClass = field(topology, 'class_name');
  if (modelClass === 'Model' || modelClass === 'Functional') {
    throw fail('unsupported', `the model is a functional model (${String(modelClass)}); ${SHAPE} built as Sequential`);
  }
  if (modelClass !== 'Sequential') throw fail('unsupported', `the model is ${JSON.stringify(modelClass)}, not Sequential; ${SHAPE}`);
  topology = topology.config;
  const rawLayers = Array.isArray(topology) ? topology : isObject(topology) ? topology.layers : undefined;
  if (!Array.isArray(rawLayers)) throw fail('invalid', 'the Sequential model has no layer list');

  const classNames: string[] = [];
  const recurrent: LanguageModelPlan['recurrent'] = [];
  let embedding = -1;
  let dense: number | null = null;
  let vocabSize = 0;
  let embedDim = 0;
  let hiddenSize = 0;
  let cell: CellKind | null = null;
  let gateActivation: RecurrentActivation | null = null;
  let dropout = 0;
  let sawActivation = false;

  rawLayers.forEach((raw: unknown, rawIndex) => {
    if (!isObject(raw) || !isObject(raw.config)) throw fail('invalid', `layer ${rawIndex + 1} is not a {class_name, config} object`);
    const cls = String(field(raw, 'class_name'));
    if (cls === 'InputLayer' && rawIndex === 0) return;
    const index = classNames.length;
    classNames.push(cls);
    let config = raw.config;
    const label = `layer ${index + 1}${typeof config.name === 'string' ? ` ("${config.name}")` : ''}`;
    const refuse = (why: string) => fail('unsupported', `${label} ${why}`);
    let kind = cls;
    if (cls === 'TimeDistributed') {
      const inner = config.layer;
      const innerClass = isObject(inner) ? String(field(inner, 'class_name')) : 'nothing';
      if (innerClass !== 'Dense' || !isObject(inner) || !isObject(inner.config)) throw refuse(`is TimeDistributed(${innerClass}); ${SHAPE}`);
      kind = 'Dense';
      config = inner.config;
    }
    const afterDense = dense !== null;
    if (index === 0 && kind !== 'Embedding') throw refuse(`is ${cls}, not Embedding; ${SHAPE}`);

    if (kind === 'Embedding') {
      if (index !== 0) throw refuse(`is a second Embedding; ${SHAPE}`);
      if (field(config, 'mask_zero') === true) {
        throw refuse('is an Embedding with mask_zero: true (token 0 skipped by the recurrent layers); Longhand does not mask, so its predictions would differ');
      }
      vocabSize = positiveInt(field(config, 'input_dim'), `${label} input_dim`, fail);
      embedDim = positiveInt(field(config, 'output_dim'), `${label} output_dim`, fail);
      embedding = index;
    } else if (kind === 'LSTM' || kind === 'GRU') {
      if (afterDense) throw refuse(`is ${cls} after the Dense output layer; ${SHAPE}`);
      const thisCell: CellKind = kind === 'LSTM' ? 'lstm' : 'gru';
      if (cell !== null && cell !== thisCell) throw refuse(`is ${kind} but the layers before it are ${cell.toUpperCase()}; Longhand models use one cell kind throughout`);
      cell = thisCell;
      const activation = checkRecurrent(config, thisCell, refuse);
      if (gateActivation !== null && activation !== gateActivation) {
        throw refuse(`is ${kind} with recurrent_activation ${activation} but the layers before it use ${gateActivation}; Longhand models use one gate activation throughout`);
      }
      gateActivation = activation;
      const units = positiveInt(field(config, 'units'), `${label} units`, fail);
      if (hiddenSize !== 0 && units !== hiddenSize) {
        throw refuse(`has ${units} units but the layer before it has ${hiddenSize}; Longhand models use one hidden size throughout`);
      }
      hiddenSize = units;
      recurrent.push(index);
    } else if (DROPOUTS.has(kind)) {
      const rate = field(config, 'rate');
      if (typeof rate !== 'number' || !(rate >= 0 && rate < 1)) throw fail('invalid', `${label} has dropout rate ${JSON.stringify(rate)}`);
      dropout = Math.max(dropout, rate);
    } else if (kind === 'Dense') {
      if (recurrent.length === 0) throw refuse(`is Dense but no LSTM/GRU layer comes before it; ${SHAPE}`);
      if (afterDense) throw refuse(`is a second Dense layer; ${SHAPE}`);
      const units = positiveInt(field(config, 'units'), `${label} units`, fail);
      if (units !== vocabSize) {
        throw fail('unsupported', `the output layer (${label}) has ${units} units but the embedding has ${vocabSize} rows; a language model predicts the vocabulary it reads`);
      }
      checkOutputActivation(field(config, 'activation'), refuse);
      dense = index;
    } else if (kind === 'Activation' && afterDense && !sawActivation) {
      checkOutputActivation(field(config, 'activation'), refuse);
      sawActivation = true;
    } else {
      throw refuse(`is ${cls}${HINTS[cls] ?? ''}; ${SHAPE}`);
    }
  });

  if (embedding < 0) throw fail('unsupported', `the model has no layers; ${SHAPE}`);
  if (recurrent.length === 0) throw fail('unsupported', `the model has no LSTM or GRU layer; ${SHAPE}`);
  if (dense === null) throw fail('unsupported', `the model has no Dense output layer after its ${cell!.toUpperCase()} layers; ${SHAPE}`);
  const config: LanguageModelConfig = { vocabSize, embedDim, hiddenSize, layers: recurrent.length, cell: cell!, dropout };
  if (gateActivation !== DEFAULT_RECURRENT_ACTIVATION[cell!]) config.recurrentActivation = gateActivation!;
  return {
    config,
    classNames,
    embedding,
    recurrent,
    dense,
  };
}

/** Checks a recurrent layer's config and returns its gate activation. */
function checkRecurrent(config: Json, cell: CellKind, refuse: (why: string) => CheckpointError): RecurrentActivation {
  const want = CELL_ACTIVATIONS[cell];
  const kind = cell.toUpperCase();
  const activation = activationName(field(config, 'activation'), 'tanh');
  if (activation !== activationName(want.activation, '')) throw refuse(`is ${kind} with activation ${activation}; Longhand's ${kind} uses tanh`);
  // tfjs-layers' default for both cells, and what it would run when the field is missing.
  const recurrentActivation = activationName(field(config, 'recurrent_activation'), 'hardsigmoid');
  const gates = GATE_ACTIVATIONS.get(recurrentActivation);
  if (!gates) throw refuse(`is ${kind} with recurrent_activation ${recurrentActivation}; Longhand's gates are sigmoid or hard_sigmoid`);
  if (cell === 'gru' && field(config, 'reset_after') === true) {
    throw refuse('is a GRU with reset_after: true (the TF2 Keras default); Longhand and tfjs-layers run the reset_after: false GRU, whose weights differ');
  }
  if (field(config, 'return_sequences') !== true) {
    throw refuse(`is ${kind} with return_sequences false; a Longhand language model predicts the next token at every position`);
  }
  for (const flag of ['return_state', 'go_backwards', 'time_major'] as const) {
    if (field(config, flag) === true) throw refuse(`is ${kind} with ${flag}: true; Longhand's ${kind} reads tokens in order and returns only its outputs`);
  }
  return gates;
}

function checkOutputActivation(value: unknown, refuse: (why: string) => CheckpointError): void {
  const activation = activationName(value, 'linear');
  if (activation !== 'softmax' && activation !== 'linear') {
    throw refuse(`has activation ${activation}; the output of a Longhand language model is softmax (or linear logits)`);
  }
}

function positiveInt(value: unknown, what: string, fail: (code: 'invalid', message: string) => CheckpointError): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw fail('invalid', `${what} is ${JSON.stringify(value)}, not a positive integer`);
  return value;
}
