import { describe, expect, it } from 'vitest';
import { tf } from '../../../src/compute/tf.js';
import { glorotUniform, orthogonal } from '../../../src/model/init.js';
import { LanguageModel } from '../../../src/model/languageModel.js';
import { Rng, combineSeeds } from '../../../src/model/rng.js';
import { initWeights, weightEntries, weightShapes } from '../../../src/model/weights.js';
import { useBackend } from '../../helpers/tf.js';

describe('initialisers', () => {
  it('orthogonal [H, 4H] has orthonormal rows; [4H, H] orthonormal columns', () => {
    for (const [rows, cols] of [
      [6, 24],
      [24, 6],
      [7, 7],
    ] as const) {
      const q = orthogonal(rows, cols, new Rng(3));
      const n = Math.min(rows, cols);
      for (let a = 0; a < n; a++) {
        for (let b = 0; b < n; b++) {
          let dot = 0;
          for (let k = 0; k < Math.max(rows, cols); k++) {
            dot += rows <= cols ? q[a * cols + k]! * q[b * cols + k]! : q[k * cols + a]! * q[k * cols + b]!;
          }
          expect(dot).toBeCloseTo(a === b ? 1 : 0, 5);
        }
      }
    }
  });

  it('glorot uniform stays within ±sqrt(6 / (fanIn + fanOut))', () => {
    const w = glorotUniform(10, 40, new Rng(1));
    const limit = Math.sqrt(6 / 50);
    expect(Math.max(...w.map(Math.abs))).toBeLessThanOrEqual(limit);
    expect(Math.max(...w.map(Math.abs))).toBeGreaterThan(0.8 * limit);
  });

  it('seeds: same seed same stream, combined seeds differ', () => {
    expect(new Rng(5).next()).toBe(new Rng(5).next());
    expect(new Rng(5).next()).not.toBe(new Rng(6).next());
    expect(combineSeeds(1, 2)).not.toBe(combineSeeds(2, 1));
  });

  it('LSTM bias is zero except a forget-gate bias of 1; shapes follow the config', async () => {
    await useBackend('cpu');
    const config = { vocabSize: 13, embedDim: 3, hiddenSize: 4, layers: 2, cell: 'lstm' as const, dropout: 0 };
    const weights = initWeights(config, 0);
    const bias = Array.from(weights.layers[1]!.bias.dataSync());
    expect(bias).toEqual([0, 0, 0, 0, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    expect(weightEntries(weights).map(([n, t]) => [n, t.shape])).toEqual(weightShapes(config));
    tf.dispose(weightEntries(weights).map(([, t]) => t));
  });

  it('the same seed gives the same model on cpu and wasm', async () => {
    const config = { vocabSize: 7, embedDim: 3, hiddenSize: 5, layers: 1, cell: 'gru' as const, dropout: 0 };
    const values: number[][] = [];
    for (const backend of ['cpu', 'wasm'] as const) {
      await useBackend(backend);
      const model = LanguageModel.init(config, 11);
      values.push(model.variables().flatMap((v) => Array.from(v.dataSync())));
      model.dispose();
    }
    expect(values[0]).toEqual(values[1]);
  });

  it('rejects inconsistent configs and weights', async () => {
    await useBackend('cpu');
    expect(() => LanguageModel.init({ vocabSize: 0, embedDim: 3, hiddenSize: 5, layers: 1, cell: 'lstm', dropout: 0 })).toThrow(/vocabSize/);
    expect(() => LanguageModel.init({ vocabSize: 4, embedDim: 3, hiddenSize: 5, layers: 1, cell: 'lstm', dropout: 1 })).toThrow(/dropout/);
    const config = { vocabSize: 4, embedDim: 3, hiddenSize: 5, layers: 1, cell: 'lstm' as const, dropout: 0 };
    const weights = initWeights(config, 1);
    expect(() => LanguageModel.fromWeights({ ...config, hiddenSize: 6 }, weights)).toThrow(/layers\.0\.kernel has shape \[3, 20\], expected \[3, 24\]/);
    tf.dispose(weightEntries(weights).map(([, t]) => t));
  });
});
