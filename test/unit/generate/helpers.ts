/**
 * Tiny models for the generation tests, built in setup: a char LSTM trained for a moment on a repetitive text
 * (so it writes words, spaces and full stops), random models for any tokenizer, and temp checkpoint dirs.
 * The trained weights are kept as plain arrays so each backend gets its own copy of the same model.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect } from 'vitest';
import { tf } from '../../../src/compute/tf.js';
import { saveLanguageModelCheckpoint } from '../../../src/model/checkpoint/index.js';
import { LanguageModel } from '../../../src/model/languageModel.js';
import type { LanguageModelConfig, LayerState } from '../../../src/model/types.js';
import { mapWeights, weightEntries } from '../../../src/model/weights.js';
import { type Tokenizer, trainTokenizer } from '../../../src/text/tokenizers/index.js';
import { createTrainer } from '../../../src/train/lm/step.js';

export const CORPUS = 'the cat sat on the mat. the dog sat on the log. a cat saw a dog. the dog ran home.\n'.repeat(12);

export const charTokenizer = (): Tokenizer => trainTokenizer('char', CORPUS);

export const tinyConfig = (vocabSize: number, overrides: Partial<LanguageModelConfig> = {}): LanguageModelConfig => ({
  vocabSize,
  embedDim: 8,
  hiddenSize: 24,
  layers: 1,
  cell: 'lstm',
  dropout: 0,
  ...overrides,
});

interface PlainWeights {
  config: LanguageModelConfig;
  /** In `variables()` order. */
  values: { shape: number[]; values: Float32Array }[];
}

let trained: PlainWeights | null = null;

/** A char LSTM that has learnt CORPUS well enough to write its words (trained once per test file). */
export function trainedCharModel(): { model: LanguageModel; tokenizer: Tokenizer } {
  const tokenizer = charTokenizer();
  if (!trained) {
    const config = tinyConfig(tokenizer.vocabSize);
    const model = LanguageModel.init(config, 7);
    const trainer = createTrainer(model, { optimizer: 'adam', lr: 0.05, clipNorm: 5 });
    const ids = tokenizer.encode(CORPUS);
    const [batch, steps] = [8, 32];
    for (let step = 0; step < 60; step++) {
      const x: number[] = [];
      const y: number[] = [];
      for (let b = 0; b < batch; b++) {
        const start = (step * 131 + b * 197) % (ids.length - steps - 1);
        x.push(...ids.slice(start, start + steps));
        y.push(...ids.slice(start + 1, start + steps + 1));
      }
      const xt = tf.tensor2d(x, [batch, steps], 'int32');
      const yt = tf.tensor2d(y, [batch, steps], 'int32');
      trainer.step(xt, yt);
      tf.dispose([xt, yt]);
    }
    trained = { config, values: model.variables().map((v) => ({ shape: [...v.shape], values: Float32Array.from(v.dataSync()) })) };
    trainer.dispose();
    model.dispose();
  }
  const model = LanguageModel.init(trained.config, 0);
  model.variables().forEach((v, i) => {
    const value = tf.tensor(trained!.values[i]!.values, trained!.values[i]!.shape);
    v.assign(value);
    value.dispose();
  });
  return { model, tokenizer };
}

/** A freshly initialised model for `tokenizer` with larger weights (peaky, varied predictions). */
export function randomModel(tokenizer: Tokenizer, seed = 1, overrides: Partial<LanguageModelConfig> = {}): LanguageModel {
  const config = tinyConfig(tokenizer.vocabSize, overrides);
  const base = LanguageModel.init(config, seed);
  const tensors = mapWeights(base.weights, (v) => tf.mul(v, 3));
  base.dispose();
  try {
    return LanguageModel.fromWeights(config, tensors);
  } finally {
    tf.dispose(weightEntries(tensors).map(([, t]) => t));
  }
}

export async function tempDir(prefix = 'longhand-gen-'): Promise<string> {
  return fs.mkdtemp(path.join(os.tmpdir(), prefix));
}

/** Saves `model` with its tokenizer as a Longhand checkpoint in `dir`; returns the checkpoint's sha256. */
export async function saveModel(dir: string, model: LanguageModel, tokenizer: Tokenizer): Promise<string> {
  const digest = await saveLanguageModelCheckpoint(dir, {
    config: model.config,
    weights: model.weights,
    tokenizer: tokenizer.toJSON(),
    step: 10,
    metrics: { loss: 1 },
  });
  return digest.sha256;
}

/** log-softmax rows [T, V] of `forward` over `ids` from a zero state (float64). */
export function forwardLogProbs(model: LanguageModel, ids: readonly number[]): number[][] {
  const x = tf.tensor2d([...ids], [1, ids.length], 'int32');
  const { logits, state } = model.forward(x);
  const rows = (logits.arraySync() as number[][][])[0]!;
  tf.dispose([x, logits]);
  disposeLayerState(state);
  return rows.map(logSoftmax);
}

/** Raw logits rows [T, V] of `forward` over `ids` from a zero state. */
export function forwardLogits(model: LanguageModel, ids: readonly number[]): number[][] {
  const x = tf.tensor2d([...ids], [1, ids.length], 'int32');
  const { logits, state } = model.forward(x);
  const rows = (logits.arraySync() as number[][][])[0]!;
  tf.dispose([x, logits]);
  disposeLayerState(state);
  return rows;
}

export function logSoftmax(row: readonly number[]): number[] {
  const max = Math.max(...row);
  const z = max + Math.log(row.reduce((sum, x) => sum + Math.exp(x - max), 0));
  return row.map((x) => x - z);
}

export function disposeLayerState(state: LayerState[]): void {
  tf.dispose(state.flatMap((s) => (s.c ? [s.h, s.c] : [s.h])));
}

export function expectRowsClose(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: number, what = ''): void {
  expect(actual.length, what).toBe(expected.length);
  let worst = 0;
  for (let i = 0; i < actual.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - expected[i]!));
  expect(worst, `${what}: max |diff| ${worst}`).toBeLessThanOrEqual(tol);
}
