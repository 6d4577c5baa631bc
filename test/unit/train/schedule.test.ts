import { describe, expect, it } from 'vitest';
import { type LrSchedule, learningRate, validateSchedule } from '../../../src/train/schedule.js';

const base: LrSchedule = { peak: 1, warmupSteps: 4, decay: 'cosine', minFraction: 0.1 };

describe('learning-rate schedule', () => {
  it.each([
    // warm-up: step k uses (k + 1) / warmup of the peak, whatever the decay
    ['cosine', 0, 0, 0.25],
    ['cosine', 1, 0.01, 0.5],
    ['cosine', 3, 0.03, 1],
    ['inverse-sqrt', 2, 0.02, 0.75],
    // cosine from the end of warm-up (progress 0.2) to the floor at progress 1
    ['cosine', 4, 0.2, 1],
    ['cosine', 10, 0.6, 0.1 + 0.9 * 0.5],
    ['cosine', 20, 1, 0.1],
    ['cosine', 30, 1.5, 0.1],
    ['linear', 10, 0.6, 0.1 + 0.9 * 0.5],
    ['linear', 16, 0.8, 0.1 + 0.9 * 0.25],
    ['constant', 100, 0.9, 1],
    // inverse square root: peak · √(warmup / (step + 1)), floored
    ['inverse-sqrt', 3, 0.5, 1],
    ['inverse-sqrt', 15, 0.5, 0.5],
    ['inverse-sqrt', 399, 0.5, 0.1],
  ] as const)('%s at step %i, progress %f → %f', (decay, step, progress, expected) => {
    expect(learningRate({ ...base, decay }, { step, progress, warmupEnd: 0.2 })).toBeCloseTo(expected, 12);
  });

  it('starts at the peak without warm-up and uses the whole run for the decay', () => {
    const s: LrSchedule = { peak: 2e-3, warmupSteps: 0, decay: 'cosine', minFraction: 0 };
    expect(learningRate(s, { step: 0, progress: 0 })).toBe(2e-3);
    expect(learningRate(s, { step: 50, progress: 0.5 })).toBeCloseTo(1e-3, 15);
    expect(learningRate(s, { step: 100, progress: 1 })).toBe(0);
  });

  it('refuses bad settings with a message naming them', () => {
    expect(() => validateSchedule({ ...base, peak: 0 })).toThrow(/learning rate/);
    expect(() => validateSchedule({ ...base, warmupSteps: 1.5 })).toThrow(/warm-up/);
    expect(() => validateSchedule({ ...base, minFraction: 2 })).toThrow(/floor/);
    expect(() => validateSchedule({ ...base, decay: 'step' as never })).toThrow(/decay/);
  });
});
