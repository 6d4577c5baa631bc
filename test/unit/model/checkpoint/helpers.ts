/** Shared bits for the checkpoint tests: temp dirs, small random models, tfjs-layers twins, tensor equality. */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { tf } from '../../../../src/compute/tf.js';
import { type LanguageModelConfig, type LanguageModelWeights, recurrentActivationOf } from '../../../../src/model/types.js';
import { gateCount, weightEntries } from '../../../../src/model/weights.js';

export async function tempDir(): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), 'longhand-ckpt-'));
}

export const smallConfig = (overrides: Partial<LanguageModelConfig> = {}): LanguageModelConfig => ({
  vocabSize: 9,
  embedDim: 3,
  hiddenSize: 5,
  layers: 2,
  cell: 'lstm',
  dropout: 0,
  ...overrides,
});

export function charTokenizer(size: number): { level: 'char'; tokens: string[] } {
  return { level: 'char', tokens: Array.from({ length: size }, (_, i) => String.fromCharCode(97 + i)) };
}

/** Random weights of the right shapes (seeded: the same on every backend). */
export function randomWeights(config: LanguageModelConfig, seed = 1): LanguageModelWeights<tf.Tensor> {
  const { vocabSize: v, embedDim: e, hiddenSize: h } = config;
  const g = gateCount(config) * h;
  let s = seed;
  const rnd = (shape: number[]) => tf.randomNormal(shape, 0, 0.5, 'float32', s++);
  return {
    embedding: rnd([v, e]),
    layers: Array.from({ length: config.layers }, (_, l) => ({ kernel: rnd([l === 0 ? e : h, g]), recurrentKernel: rnd([h, g]), bias: rnd([g]) })),
    dense: { kernel: rnd([h, v]), bias: rnd([v]) },
  };
}

export function disposeWeights(weights: LanguageModelWeights<tf.Tensor>): void {
  tf.dispose(weightEntries(weights).map(([, t]) => t));
}

export function expectBitwiseEqual(actual: tf.Tensor, expected: tf.Tensor, what = ''): void {
  expect(actual.shape, what).toEqual(expected.shape);
  expect(actual.dtype, what).toBe(expected.dtype);
  expect(bytesOf(actual.dataSync() as Float32Array).equals(bytesOf(expected.dataSync() as Float32Array)), `${what} differs`).toBe(true);
}

export function bytesOf(array: Float32Array): Buffer {
  return Buffer.from(array.buffer, array.byteOffset, array.byteLength);
}

export function expectClose(actual: tf.Tensor, expected: tf.Tensor, tol: number, what = ''): void {
  expect(actual.shape, what).toEqual(expected.shape);
  const a = actual.dataSync();
  const b = expected.dataSync();
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i]! - b[i]!));
  expect(worst, `${what}: max |diff| ${worst}`).toBeLessThanOrEqual(tol);
}

export function expectWeightsBitwiseEqual(actual: LanguageModelWeights<tf.Tensor>, expected: LanguageModelWeights<tf.Tensor>): void {
  const a = weightEntries(actual);
  const b = weightEntries(expected);
  expect(a.map(([n]) => n)).toEqual(b.map(([n]) => n));
  a.forEach(([name, t], i) => expectBitwiseEqual(t, b[i]![1], name));
}

/** The same model built with tfjs-layers itself, weights copied in: the reference for what a Layers model computes. */
export function tfjsLayersTwin(config: LanguageModelConfig, weights: LanguageModelWeights<tf.Tensor>): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.embedding({ inputDim: config.vocabSize, outputDim: config.embedDim, inputShape: [null] }));
  const recurrentActivation = recurrentActivationOf(config) === 'sigmoid' ? 'sigmoid' : 'hardSigmoid';
  for (let l = 0; l < config.layers; l++) {
    const args = { units: config.hiddenSize, returnSequences: true, kernelInitializer: 'zeros', recurrentInitializer: 'zeros', recurrentActivation } as const;
    model.add(config.cell === 'lstm' ? tf.layers.lstm(args) : tf.layers.gru(args));
  }
  model.add(tf.layers.dense({ units: config.vocabSize, activation: 'softmax' }));
  model.setWeights(weightEntries(weights).map(([, t]) => t));
  return model;
}

/** A batch of token ids [B, T] as the float tensor tfjs-layers' Embedding takes. */
export function tokenBatch(config: LanguageModelConfig, batch = 3, steps = 6): tf.Tensor2D {
  const ids = Array.from({ length: batch * steps }, (_, i) => (i * 7 + 3) % config.vocabSize);
  return tf.tensor2d(ids, [batch, steps]);
}

export async function flipByte(file: string, offset: number): Promise<void> {
  const data = await fs.readFile(file);
  data[offset] = data[offset]! ^ 0xff;
  await fs.writeFile(file, data);
}
