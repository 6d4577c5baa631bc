import { describe, expect, it } from 'vitest';
import { tf } from '../../../../src/compute/tf.js';
import type { LanguageModelConfig } from '../../../../src/model/types.js';
import { initWeights, weightEntries } from '../../../../src/model/weights.js';
import { initialWeights } from '../../../../src/train/lm/init.js';

const config: LanguageModelConfig = { vocabSize: 200, embedDim: 64, hiddenSize: 64, layers: 2, cell: 'lstm', dropout: 0 };

const values = (weights: ReturnType<typeof initialWeights>) => {
  const out = Object.fromEntries(weightEntries(weights).map(([name, t]) => [name, Array.from(t.dataSync())]));
  tf.dispose(weightEntries(weights).map(([, t]) => t));
  return out;
};

describe('initial weights', () => {
  it('keras is the engine’s own initialisation', () => {
    expect(values(initialWeights(config, 3, 'keras'))).toEqual(values(initWeights(config, 3)));
  });

  it('torch follows PyTorch’s defaults: N(0, 1) embedding, U(±1/√H) elsewhere, two biases summed', () => {
    const w = values(initialWeights(config, 3, 'torch'));
    const k = 1 / Math.sqrt(64);
    const embedding = w.embedding!;
    const mean = embedding.reduce((a, b) => a + b, 0) / embedding.length;
    const std = Math.sqrt(embedding.reduce((a, b) => a + (b - mean) ** 2, 0) / embedding.length);
    expect(Math.abs(mean)).toBeLessThan(0.05);
    expect(std).toBeGreaterThan(0.95);
    expect(std).toBeLessThan(1.05);
    for (const name of ['layers.0.kernel', 'layers.1.recurrentKernel', 'dense.kernel', 'dense.bias']) {
      const xs = w[name]!;
      expect(Math.max(...xs.map(Math.abs))).toBeLessThanOrEqual(k);
      expect(Math.max(...xs.map(Math.abs))).toBeGreaterThan(0.9 * k);
    }
    expect(Math.max(...w['layers.0.bias']!.map(Math.abs))).toBeGreaterThan(k);
    expect(Math.max(...w['layers.0.bias']!.map(Math.abs))).toBeLessThanOrEqual(2 * k);
    expect(w['layers.0.kernel']).toHaveLength(64 * 256);
  });

  it('is seeded: the same seed gives the same weights', () => {
    expect(values(initialWeights(config, 5, 'torch'))).toEqual(values(initialWeights(config, 5, 'torch')));
    expect(values(initialWeights(config, 5, 'torch')).embedding).not.toEqual(values(initialWeights(config, 6, 'torch')).embedding);
  });
});
