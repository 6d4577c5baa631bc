/** Shared bits for the model tests: nested-array comparison with a tolerance and the PyTorch golden file. */
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { tf } from '../../../src/compute/tf.js';
import type { LanguageModelConfig, LanguageModelWeights } from '../../../src/model/types.js';

export type Nested = number | Nested[];

export function flat(x: Nested): number[] {
  return Array.isArray(x) ? x.flatMap(flat) : [x];
}

/** Largest absolute difference, after checking the element counts agree. */
export function maxAbsDiff(actual: tf.Tensor | Nested, expected: tf.Tensor | Nested): number {
  const a = actual instanceof tf.Tensor ? Array.from(actual.dataSync()) : flat(actual);
  const e = expected instanceof tf.Tensor ? Array.from(expected.dataSync()) : flat(expected);
  expect(a.length).toBe(e.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - e[i]!));
  return worst;
}

export function expectClose(actual: tf.Tensor | Nested, expected: tf.Tensor | Nested, tol: number, what = ''): void {
  const diff = maxAbsDiff(actual, expected);
  expect(diff, `${what}: max |diff| ${diff}`).toBeLessThanOrEqual(tol);
}

interface GoldenLayer {
  kernel: Nested;
  recurrent_kernel: Nested;
  bias: Nested;
  grad: { kernel: Nested; recurrent_kernel: Nested; bias: Nested };
}

export interface Golden {
  sizes: { vocab: number; embedding: number; hidden: number; layers: number; batch: number; steps: number };
  weights: { embedding: Nested; lstm: GoldenLayer[]; dense: { kernel: Nested; bias: Nested } };
  inputs: { x: Nested; y: Nested; h0: Nested[]; c0: Nested[] };
  outputs: { logits: Nested; h_last: Nested[]; c_last: Nested[]; loss: number };
  grads: { embedding: Nested; dense: { kernel: Nested; bias: Nested } };
}

export function loadGolden(): Golden {
  return JSON.parse(readFileSync(new URL('../../fixtures/lstm-lm-pytorch.json', import.meta.url), 'utf8')) as Golden;
}

export function goldenConfig(g: Golden): LanguageModelConfig {
  return {
    vocabSize: g.sizes.vocab,
    embedDim: g.sizes.embedding,
    hiddenSize: g.sizes.hidden,
    layers: g.sizes.layers,
    cell: 'lstm',
    dropout: 0,
  };
}

export function goldenWeights(g: Golden): LanguageModelWeights<tf.Tensor> {
  const t = (x: Nested) => tf.tensor(x as number[]);
  return {
    embedding: t(g.weights.embedding),
    layers: g.weights.lstm.map((l) => ({ kernel: t(l.kernel), recurrentKernel: t(l.recurrent_kernel), bias: t(l.bias) })),
    dense: { kernel: t(g.weights.dense.kernel), bias: t(g.weights.dense.bias) },
  };
}
