/**
 * Initial weights for training. 'keras' is the engine's own (src/model/weights.ts: Keras initialisers,
 * embedding U(±0.05), unit forget bias). 'torch' is PyTorch's defaults for the same layers — embedding
 * N(0, 1); LSTM/GRU kernels and biases U(±1/√H) (PyTorch's two biases b_ih + b_hh summed); dense kernel
 * and bias U(±1/√H) — which learns markedly faster in the first thousand steps of a character model (see
 * docs/performance.md, "Training quality"): the large embedding feeds the LSTM a strong signal from step 1.
 * Both are seeded in JS, so the same seed gives the same weights on every backend.
 */
import { tf } from '../../compute/tf.js';
import { Rng } from '../../model/rng.js';
import type { LanguageModelConfig, LanguageModelWeights, RecurrentLayerWeights } from '../../model/types.js';
import { initWeights } from '../../model/weights.js';

export const INIT_SCHEMES = ['keras', 'torch'] as const;
export type InitScheme = (typeof INIT_SCHEMES)[number];

/** New tensors the caller owns. */
export function initialWeights(config: LanguageModelConfig, seed: number, scheme: InitScheme): LanguageModelWeights<tf.Tensor> {
  if (scheme === 'keras') return initWeights(config, seed);
  const rng = new Rng(seed);
  const { vocabSize: v, embedDim: e, hiddenSize: h } = config;
  const gates = config.cell === 'lstm' ? 4 : 3;
  const k = 1 / Math.sqrt(h);
  const uniform = (n: number) => Float32Array.from({ length: n }, () => rng.uniform(-k, k));
  const embedding = tf.tensor2d(Float32Array.from({ length: v * e }, () => rng.normal()), [v, e]);
  const layers: RecurrentLayerWeights<tf.Tensor>[] = [];
  for (let l = 0; l < config.layers; l++) {
    const input = l === 0 ? e : h;
    const bias = uniform(gates * h);
    const second = uniform(gates * h);
    for (let i = 0; i < bias.length; i++) bias[i] = bias[i]! + second[i]!;
    layers.push({
      kernel: tf.tensor2d(uniform(input * gates * h), [input, gates * h]),
      recurrentKernel: tf.tensor2d(uniform(h * gates * h), [h, gates * h]),
      bias: tf.tensor1d(bias),
    });
  }
  const dense = { kernel: tf.tensor2d(uniform(h * v), [h, v]), bias: tf.tensor1d(uniform(v)) };
  return { embedding, layers, dense };
}
