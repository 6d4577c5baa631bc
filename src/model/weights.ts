/**
 * Building, naming and walking a language model's weights (Keras / TF.js Layers layout, see ./types.ts).
 * The names are stable keys for optimizer state and tests; checkpoint I/O maps them to Layers names.
 */
import { tf } from '../compute/tf.js';
import { glorotUniform, orthogonal, uniform } from './init.js';
import { Rng } from './rng.js';
import { type LanguageModelConfig, type LanguageModelWeights, RECURRENT_ACTIVATIONS, type RecurrentLayerWeights } from './types.js';

/** Gates per recurrent cell: LSTM i, f, c, o; GRU z, r, h. */
export function gateCount(config: Pick<LanguageModelConfig, 'cell'>): number {
  return config.cell === 'lstm' ? 4 : 3;
}

export function validateConfig(config: LanguageModelConfig): void {
  const positive: (keyof LanguageModelConfig)[] = ['vocabSize', 'embedDim', 'hiddenSize', 'layers'];
  for (const key of positive) {
    const value = config[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw new Error(`Model config: ${key} must be a positive integer (got ${String(value)})`);
    }
  }
  if (config.cell !== 'lstm' && config.cell !== 'gru') throw new Error(`Model config: unknown cell ${String(config.cell)}`);
  if (!(config.dropout >= 0 && config.dropout < 1)) throw new Error(`Model config: dropout must be in [0, 1)`);
  const activation = config.recurrentActivation;
  if (activation !== undefined && !RECURRENT_ACTIVATIONS.includes(activation)) {
    throw new Error(`Model config: recurrentActivation must be ${RECURRENT_ACTIVATIONS.join(' or ')} (got ${String(activation)})`);
  }
}

/** Fresh weights as Keras initialises them: uniform(±0.05) embedding, glorot-uniform kernels, orthogonal
 * recurrent kernels, zero biases except an LSTM forget-gate bias of 1. */
export function initWeights(config: LanguageModelConfig, seed: number): LanguageModelWeights<tf.Tensor> {
  validateConfig(config);
  const rng = new Rng(seed);
  const { vocabSize: v, embedDim: e, hiddenSize: h } = config;
  const gates = gateCount(config);
  const embedding = tf.tensor2d(uniform(v * e, -0.05, 0.05, rng), [v, e]);
  const layers: RecurrentLayerWeights<tf.Tensor>[] = [];
  for (let l = 0; l < config.layers; l++) {
    const input = l === 0 ? e : h;
    const bias = new Float32Array(gates * h);
    if (config.cell === 'lstm') bias.fill(1, h, 2 * h);
    layers.push({
      kernel: tf.tensor2d(glorotUniform(input, gates * h, rng), [input, gates * h]),
      recurrentKernel: tf.tensor2d(orthogonal(h, gates * h, rng), [h, gates * h]),
      bias: tf.tensor1d(bias),
    });
  }
  const dense = { kernel: tf.tensor2d(glorotUniform(h, v, rng), [h, v]), bias: tf.zeros([v]) };
  return { embedding, layers, dense };
}

/** Expected shape of every weight, in weightEntries order. */
export function weightShapes(config: LanguageModelConfig): [string, number[]][] {
  const { vocabSize: v, embedDim: e, hiddenSize: h } = config;
  const gates = gateCount(config);
  const out: [string, number[]][] = [['embedding', [v, e]]];
  for (let l = 0; l < config.layers; l++) {
    out.push([`layers.${l}.kernel`, [l === 0 ? e : h, gates * h]]);
    out.push([`layers.${l}.recurrentKernel`, [h, gates * h]]);
    out.push([`layers.${l}.bias`, [gates * h]]);
  }
  out.push(['dense.kernel', [h, v]], ['dense.bias', [v]]);
  return out;
}

/** The weights as (name, tensor) pairs in a fixed order: embedding, layers.N.{kernel,recurrentKernel,bias},
 * dense.{kernel,bias}. */
export function weightEntries<T extends tf.Tensor>(weights: LanguageModelWeights<T>): [string, T][] {
  const out: [string, T][] = [['embedding', weights.embedding]];
  weights.layers.forEach((layer, l) => {
    out.push([`layers.${l}.kernel`, layer.kernel]);
    out.push([`layers.${l}.recurrentKernel`, layer.recurrentKernel]);
    out.push([`layers.${l}.bias`, layer.bias]);
  });
  out.push(['dense.kernel', weights.dense.kernel], ['dense.bias', weights.dense.bias]);
  return out;
}

export function mapWeights<T extends tf.Tensor, U extends tf.Tensor>(
  weights: LanguageModelWeights<T>,
  fn: (tensor: T, name: string) => U,
): LanguageModelWeights<U> {
  return {
    embedding: fn(weights.embedding, 'embedding'),
    layers: weights.layers.map((layer, l) => ({
      kernel: fn(layer.kernel, `layers.${l}.kernel`),
      recurrentKernel: fn(layer.recurrentKernel, `layers.${l}.recurrentKernel`),
      bias: fn(layer.bias, `layers.${l}.bias`),
    })),
    dense: { kernel: fn(weights.dense.kernel, 'dense.kernel'), bias: fn(weights.dense.bias, 'dense.bias') },
  };
}

/** Throws a one-line error naming the first weight whose shape does not fit the config. */
export function checkWeightShapes(config: LanguageModelConfig, weights: LanguageModelWeights<tf.Tensor>): void {
  const expected = weightShapes(config);
  const actual = weightEntries(weights);
  if (actual.length !== expected.length) {
    throw new Error(`Model weights: expected ${expected.length} tensors for ${config.layers} layers, got ${actual.length}`);
  }
  expected.forEach(([name, shape], i) => {
    const got = actual[i]![1].shape;
    if (got.length !== shape.length || got.some((d, k) => d !== shape[k])) {
      throw new Error(`Model weights: ${name} has shape [${got.join(', ')}], expected [${shape.join(', ')}]`);
    }
  });
}
