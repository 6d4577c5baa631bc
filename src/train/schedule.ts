/**
 * Learning-rate schedules: linear warm-up from 0 to the peak over `warmupSteps`, then a decay to a floor
 * (`minFraction` × peak):
 *
 *   cosine        peak → floor along half a cosine over the rest of the run (needs to know how far along the
 *                 run is: steps done / total steps, or elapsed / budget minutes for a wall-clock budget)
 *   linear        peak → floor in a straight line over the rest of the run (same)
 *   inverse-sqrt  peak · √(warmup / step), never below the floor; needs no end, so it suits open budgets
 *   constant      peak after warm-up
 *
 * `progress` in [0, 1] is the fraction of the budget used; the decays that need an end reach their floor at 1.
 */

export const LR_DECAYS = ['cosine', 'linear', 'inverse-sqrt', 'constant'] as const;
export type LrDecay = (typeof LR_DECAYS)[number];

export interface LrSchedule {
  /** Peak learning rate (reached at the end of warm-up). */
  peak: number;
  /** Steps of linear warm-up; 0 starts at the peak. */
  warmupSteps: number;
  decay: LrDecay;
  /** The floor as a fraction of the peak, in [0, 1]. */
  minFraction: number;
}

export interface ScheduleProgress {
  /** Optimiser steps done before this one (0 for the first step). */
  step: number;
  /** Fraction of the budget used so far, in [0, 1]; where the warm-up ends in this measure is `warmupEnd`. */
  progress: number;
  /** `progress` at the end of warm-up, so the decay runs over the rest; 0 when unknown. */
  warmupEnd?: number;
}

export function validateSchedule(s: LrSchedule): void {
  if (!(s.peak > 0 && Number.isFinite(s.peak))) throw new RangeError(`learning rate must be a positive number (got ${s.peak})`);
  if (!(Number.isInteger(s.warmupSteps) && s.warmupSteps >= 0)) throw new RangeError(`warm-up steps must be a non-negative integer (got ${s.warmupSteps})`);
  if (!LR_DECAYS.includes(s.decay)) throw new RangeError(`unknown learning-rate decay ${JSON.stringify(s.decay)} (expected ${LR_DECAYS.join(', ')})`);
  if (!(s.minFraction >= 0 && s.minFraction <= 1)) throw new RangeError(`learning-rate floor must be a fraction in [0, 1] (got ${s.minFraction})`);
}

/** The learning rate for the step about to run. */
export function learningRate(s: LrSchedule, at: ScheduleProgress): number {
  const floor = s.peak * s.minFraction;
  // Step k (0-based) of the warm-up uses (k + 1) / warmup, so the first step already moves and the last
  // warm-up step is at the peak.
  if (at.step < s.warmupSteps) return (s.peak * (at.step + 1)) / s.warmupSteps;
  switch (s.decay) {
    case 'constant':
      return s.peak;
    case 'inverse-sqrt':
      return Math.max(floor, s.peak * Math.sqrt(Math.max(1, s.warmupSteps) / Math.max(1, at.step + 1)));
    case 'cosine':
    case 'linear': {
      const start = Math.min(Math.max(at.warmupEnd ?? 0, 0), 1);
      const span = 1 - start;
      const t = span > 0 ? clamp01((at.progress - start) / span) : 1;
      const shape = s.decay === 'cosine' ? 0.5 * (1 + Math.cos(Math.PI * t)) : 1 - t;
      return floor + (s.peak - floor) * shape;
    }
  }
}

function clamp01(x: number): number {
  return x < 0 ? 0 : x > 1 ? 1 : x;
}
