/**
 * The seq2seq model's weights: their names, shapes and initial values. Names are stable keys for the
 * optimizer state, the gradients and the checkpoint topology (seq2seq.json). LSTM weights use the Keras layout
 * (kernel [in, 4H], recurrent [H, 4H], bias [4H], gates i, f, c, o) like the language model's.
 *
 *   embedding                      [Vt, E] target embedding (source too when shared)
 *   source.embedding               [Vs, E] when not shared
 *   encoder.<l>.fw|bw.kernel …     LSTM per layer and direction (bw only when bidirectional), h = H or H/2;
 *                                  layer 0 reads [E] or, with sourceCounts, [E + 1]
 *   bridge.<l>.h.kernel/bias       [H, H] / [H]  decoder h0 = tanh(encoder final h · W + b)
 *   bridge.<l>.c.kernel/bias       [H, H] / [H]  decoder c0 = encoder final c · W + b
 *   decoder.<l>.kernel …           LSTM; layer 0 reads [embedding; previous attentional state] (input feeding)
 *   attention.query                Luong general [H, H]; Bahdanau [H, A]
 *   attention.memory/bias/v        Bahdanau [H, A], [A], [A, 1]
 *   attention.coverage             Bahdanau [1, A]; Luong [1, 1] (only with coverage)
 *   output.context/state/bias      attentional state h̃ = tanh(ctx·Wc + s·Ws + b), [H, H], [H, H], [H]
 *   projection.kernel/bias         [H, Vt], [Vt]
 *   copy.context/state/input/bias  p_gen = σ(ctx·wc + s·ws + x·wx + b): [H, 1], [H, 1], [E, 1], [1]
 */
import { tf } from '../../compute/tf.js';
import { glorotUniform, orthogonal, uniform } from '../init.js';
import { Rng } from '../rng.js';
import type { Seq2seqConfig, Weights } from './types.js';

export function encoderHidden(config: Seq2seqConfig): number {
  return config.bidirectional ? config.hiddenSize / 2 : config.hiddenSize;
}

/** The first encoder layer reads the embedding, and with `sourceCounts` one more column: ln(count). */
export function encoderInputSize(config: Seq2seqConfig): number {
  return config.embedDim + (config.sourceCounts ? 1 : 0);
}

export function directions(config: Seq2seqConfig): ('fw' | 'bw')[] {
  return config.bidirectional ? ['fw', 'bw'] : ['fw'];
}

export function validateSeq2seqConfig(config: Seq2seqConfig): void {
  const positive = ['sourceVocabSize', 'targetVocabSize', 'embedDim', 'hiddenSize', 'layers', 'maxSourceLen', 'maxTargetLen'] as const;
  for (const key of positive) {
    const value = config[key];
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw new Error(`Seq2seq config: ${key} must be a positive integer (got ${String(value)})`);
    }
  }
  if (config.bidirectional && config.hiddenSize % 2 !== 0) {
    throw new Error(`Seq2seq config: a bidirectional encoder needs an even hiddenSize (got ${config.hiddenSize})`);
  }
  if (config.sharedEmbedding && config.sourceVocabSize !== config.targetVocabSize) {
    throw new Error('Seq2seq config: a shared embedding needs the same source and target vocabulary');
  }
  if (config.attention !== 'bahdanau' && config.attention !== 'luong') throw new Error(`Seq2seq config: unknown attention ${String(config.attention)}`);
  if (config.luongScore !== 'general' && config.luongScore !== 'dot') throw new Error(`Seq2seq config: unknown Luong score ${String(config.luongScore)}`);
  if (!(config.dropout >= 0 && config.dropout < 1)) throw new Error('Seq2seq config: dropout must be in [0, 1)');
  const { pad, bos, eos, unk } = config.specials;
  for (const [name, id] of Object.entries({ pad, bos, eos, unk })) {
    if (!Number.isInteger(id) || id < 0 || id >= config.targetVocabSize) throw new Error(`Seq2seq config: special ${name} id ${id} is outside the target vocabulary`);
  }
  for (const [name, id] of Object.entries(config.sourceSpecials)) {
    if (!Number.isInteger(id) || id < 0 || id >= config.sourceVocabSize) throw new Error(`Seq2seq config: source special ${name} id ${id} is outside the source vocabulary`);
  }
}

type Init = 'embedding' | 'glorot' | 'orthogonal' | 'zeros' | 'lstm-bias';

/** Every weight in a fixed order, with its shape and how it is initialised. */
export function weightSpecs(config: Seq2seqConfig): { name: string; shape: number[]; init: Init }[] {
  const { embedDim: e, hiddenSize: h, layers } = config;
  const he = encoderHidden(config);
  const out: { name: string; shape: number[]; init: Init }[] = [];
  const add = (name: string, shape: number[], init: Init) => out.push({ name, shape, init });
  const lstm = (prefix: string, input: number, hidden: number) => {
    add(`${prefix}.kernel`, [input, 4 * hidden], 'glorot');
    add(`${prefix}.recurrent`, [hidden, 4 * hidden], 'orthogonal');
    add(`${prefix}.bias`, [4 * hidden], 'lstm-bias');
  };
  add('embedding', [config.targetVocabSize, e], 'embedding');
  if (!config.sharedEmbedding) add('source.embedding', [config.sourceVocabSize, e], 'embedding');
  for (let l = 0; l < layers; l++) {
    for (const dir of directions(config)) lstm(`encoder.${l}.${dir}`, l === 0 ? encoderInputSize(config) : h, he);
  }
  for (let l = 0; l < layers; l++) {
    add(`bridge.${l}.h.kernel`, [h, h], 'glorot');
    add(`bridge.${l}.h.bias`, [h], 'zeros');
    add(`bridge.${l}.c.kernel`, [h, h], 'glorot');
    add(`bridge.${l}.c.bias`, [h], 'zeros');
  }
  for (let l = 0; l < layers; l++) lstm(`decoder.${l}`, l === 0 ? e + h : h, h);
  if (config.attention === 'bahdanau') {
    add('attention.query', [h, h], 'glorot');
    add('attention.memory', [h, h], 'glorot');
    add('attention.bias', [h], 'zeros');
    add('attention.v', [h, 1], 'glorot');
    if (config.coverage) add('attention.coverage', [1, h], 'glorot');
  } else {
    if (config.luongScore === 'general') add('attention.query', [h, h], 'glorot');
    if (config.coverage) add('attention.coverage', [1, 1], 'zeros');
  }
  add('output.context', [h, h], 'glorot');
  add('output.state', [h, h], 'glorot');
  add('output.bias', [h], 'zeros');
  add('projection.kernel', [h, config.targetVocabSize], 'glorot');
  add('projection.bias', [config.targetVocabSize], 'zeros');
  if (config.copy) {
    add('copy.context', [h, 1], 'glorot');
    add('copy.state', [h, 1], 'glorot');
    add('copy.input', [e, 1], 'glorot');
    add('copy.bias', [1], 'zeros');
  }
  return out;
}

/** Fresh weights, computed in JS from a seeded Rng (the same on every backend). */
export function initSeq2seqWeights(config: Seq2seqConfig, seed: number): Weights {
  validateSeq2seqConfig(config);
  const rng = new Rng(seed);
  const out: Weights = {};
  for (const { name, shape, init } of weightSpecs(config)) {
    const size = shape.reduce((a, b) => a * b, 1);
    let data: Float32Array;
    switch (init) {
      case 'embedding':
        data = uniform(size, -0.1, 0.1, rng);
        break;
      case 'glorot':
        data = glorotUniform(shape[0]!, shape[1]!, rng);
        break;
      case 'orthogonal':
        data = orthogonal(shape[0]!, shape[1]!, rng);
        break;
      case 'zeros':
        data = new Float32Array(size);
        break;
      case 'lstm-bias': {
        // Keras' unit_forget_bias: 1 on the forget gate.
        data = new Float32Array(size);
        const h = size / 4;
        data.fill(1, h, 2 * h);
        break;
      }
    }
    out[name] = tf.tensor(data, shape);
  }
  return out;
}

/** Throws a one-line error naming the first missing, extra or misshapen weight. */
export function checkSeq2seqWeights(config: Seq2seqConfig, weights: Weights): void {
  const specs = weightSpecs(config);
  const expected = new Set(specs.map((s) => s.name));
  for (const name of Object.keys(weights)) {
    if (!expected.has(name)) throw new Error(`Seq2seq weights: unexpected weight ${name} for this config`);
  }
  for (const { name, shape } of specs) {
    const tensor = weights[name];
    if (!tensor) throw new Error(`Seq2seq weights: ${name} is missing`);
    const got = tensor.shape;
    if (got.length !== shape.length || got.some((d, k) => d !== shape[k])) {
      throw new Error(`Seq2seq weights: ${name} has shape [${got.join(', ')}], expected [${shape.join(', ')}]`);
    }
  }
}
