/**
 * The training loop, for any TrainingTask (language model now, seq2seq later). It owns the schedule, the
 * budget, evaluation, early stopping, the divergence guard, samples, checkpoint cadence, metrics batching and
 * progress events; the task owns the model, optimiser and data. No console, no UI, no SQL: everything goes out
 * through hooks and the Checkpointer.
 *
 * Per step: check abort and pause → lr from the schedule → task.trainStep(lr) → divergence guard → metrics →
 * evaluation / sample / checkpoint when due → early stopping → progress. After the loop: a final evaluation
 * and checkpoint (finished runs), or a checkpoint only (interrupted), or nothing (cancelled, diverged: the last
 * good checkpoint stays).
 *
 * A checkpoint carries `LoopState`, so a resumed loop continues exactly: same schedule position, smoothing,
 * early-stopping counters and metric windows. With a step or epoch budget the run is deterministic; with a
 * minutes budget the schedule follows elapsed time, which no run repeats exactly.
 */
import type { CheckpointDigest } from '../model/checkpoint/index.js';
import type { MetricPoint } from '../store/index.js';
import { type LrSchedule, learningRate, validateSchedule } from './schedule.js';
import {
  type Budget,
  INTERRUPT,
  type LoopState,
  type SavedCheckpoint,
  type TrainingHooks,
  type TrainingProgress,
  type TrainingTask,
} from './task.js';

export interface LoopOptions {
  budget: Budget;
  schedule: LrSchedule;
  /** Evaluate on the validation split every this many steps (0: only at the end). */
  evalEvery: number;
  /** Positions evaluated each time (the whole split when absent). */
  evalMaxTokens?: number;
  /** Stop after this many evaluations in a row without improving the best validation loss (0: never). */
  patience: number;
  /** An evaluation improves on the best only if lower by more than this. */
  minDelta: number;
  /** Diverged when a step's loss exceeds this multiple of the best smoothed train loss (0: no such check). */
  divergenceFactor: number;
  /** Generate a sample every this many steps (0: never). */
  sampleEvery: number;
  /** Save a checkpoint every this many steps (0: not by steps) … */
  checkpointEvery: number;
  /** … and when this many minutes of training passed since the last one (0: not by time). Checkpoints are also
   * saved after an evaluation that improves the best validation loss, and at the end. */
  checkpointMinutes: number;
  /** Record the mean train loss (and lr, tokens/s, gradient norm) every this many steps. */
  logEvery: number;
  /** At most one progress event per this many milliseconds (evaluations, samples and the final event excepted). */
  progressIntervalMs: number;
  /** Weight of the newest loss in the smoothed train loss. */
  smoothing: number;
  /** Evaluate the test split at the end (when it has data). */
  testAtEnd: boolean;
  /** Milliseconds, monotonic (tests inject one). Default performance.now. */
  clock?: () => number;
}

/** The settings of a run that the loop reads (language-model and seq2seq configs both have them). */
export interface LoopSettings {
  budget: Budget;
  lr: number;
  warmupSteps: number;
  decay: LrSchedule['decay'];
  minLrFraction: number;
  evalEvery: number;
  evalMaxTokens?: number;
  patience: number;
  divergenceFactor: number;
  sampleEvery: number;
  checkpointEvery: number;
  checkpointMinutes: number;
  logEvery: number;
}

/** Loop options from a run's settings; `overrides` last (tests shorten intervals with them). */
export function loopOptionsFor(
  config: LoopSettings,
  how: { progressIntervalMs: number; testAtEnd: boolean },
  overrides: Partial<LoopOptions> = {},
): LoopOptions {
  return {
    budget: config.budget,
    schedule: { peak: config.lr, warmupSteps: config.warmupSteps, decay: config.decay, minFraction: config.minLrFraction },
    evalEvery: config.evalEvery,
    ...(config.evalMaxTokens !== undefined ? { evalMaxTokens: config.evalMaxTokens } : {}),
    patience: config.patience,
    minDelta: 0,
    divergenceFactor: config.divergenceFactor,
    sampleEvery: config.sampleEvery,
    checkpointEvery: config.checkpointEvery,
    checkpointMinutes: config.checkpointMinutes,
    logEvery: config.logEvery,
    smoothing: 0.05,
    ...how,
    ...overrides,
  };
}

export const DEFAULT_LOOP_OPTIONS: Omit<LoopOptions, 'budget' | 'schedule'> = {
  evalEvery: 250,
  patience: 5,
  minDelta: 0,
  divergenceFactor: 4,
  sampleEvery: 500,
  checkpointEvery: 0,
  checkpointMinutes: 10,
  logEvery: 10,
  progressIntervalMs: 250,
  smoothing: 0.05,
  testAtEnd: true,
};

/** Where checkpoints go (./checkpoints.ts records them in the store and keeps only the best and the last). */
export interface Checkpointer {
  /**
   * Saves a checkpoint for `step`: `write(dir)` writes it; the result says whether it is now best and last.
   * `best` is true when its validation loss is the lowest so far.
   */
  save(step: number, metrics: Record<string, number>, best: boolean, write: (dir: string) => Promise<CheckpointDigest>): Promise<SavedCheckpoint>;
}

export type LoopHooks = Omit<TrainingHooks, 'onStatus'> & {
  /** The loop paused (true) or went on (false); the caller records the status. */
  onPauseChange?: (paused: boolean) => void;
};

export type LoopOutcome = 'completed' | 'early-stopped' | 'diverged' | 'cancelled' | 'interrupted';

export interface LoopResult {
  outcome: LoopOutcome;
  /** One line for diverged runs ("diverged at step N: …") and early stops. */
  reason?: string;
  state: LoopState;
  /** Validation loss of the final weights (null without a validation split, or when the run did not finish). */
  finalValLoss: number | null;
  testLoss: number | null;
  bestCheckpoint: SavedCheckpoint | null;
  lastCheckpoint: SavedCheckpoint | null;
  /** Steps run in this session, the tokens they trained on and the time spent in `trainStep`. */
  sessionSteps: number;
  sessionTokens: number;
  sessionTrainMs: number;
}

export function initialLoopState(): LoopState {
  return {
    version: 1,
    step: 0,
    tokens: 0,
    elapsedMs: 0,
    smoothedLoss: null,
    bestSmoothedLoss: null,
    bestValLoss: null,
    bestValStep: null,
    lastValLoss: null,
    lastValStep: null,
    badEvaluations: 0,
    warmupEndProgress: null,
    window: { loss: 0, gradNorm: 0, count: 0 },
  };
}

/** Steps the budget allows, when it is counted in steps (null for minutes). */
export function budgetSteps(budget: Budget, stepsPerEpoch: number): number | null {
  if ('steps' in budget) return budget.steps;
  if ('epochs' in budget) return Math.max(1, Math.round(budget.epochs * stepsPerEpoch));
  return null;
}

export function validateBudget(budget: Budget): void {
  const [key, value] = (Object.entries(budget)[0] ?? ['', NaN]) as [string, number];
  if (key === 'steps' && !(Number.isInteger(value) && value > 0)) throw new RangeError(`the step budget must be a positive integer (got ${value})`);
  if ((key === 'epochs' || key === 'minutes') && !(Number.isFinite(value) && value > 0)) throw new RangeError(`the ${key} budget must be a positive number (got ${value})`);
  if (key !== 'steps' && key !== 'epochs' && key !== 'minutes') throw new RangeError('a budget is { steps }, { epochs } or { minutes }');
}

export async function runTrainingLoop(
  task: TrainingTask,
  options: LoopOptions,
  hooks: LoopHooks = {},
  checkpointer: Checkpointer | null = null,
  resume?: LoopState,
): Promise<LoopResult> {
  validateSchedule(options.schedule);
  validateBudget(options.budget);
  const clock = options.clock ?? (() => performance.now());
  const s: LoopState = resume ? structuredClone(resume) : initialLoopState();
  const totalSteps = budgetSteps(options.budget, task.stepsPerEpoch);
  const budgetMs = 'minutes' in options.budget ? options.budget.minutes * 60_000 : null;
  const hasValidation = task.hasSplit('validation');

  const sessionStart = clock();
  let pausedMs = 0;
  const elapsedBase = s.elapsedMs;
  /** Set when training ends: the final evaluation and checkpoint are not training time. */
  let endedAt: number | null = null;
  const elapsed = () => endedAt ?? elapsedBase + (clock() - sessionStart - pausedMs);
  const progressOf = () => {
    if (totalSteps !== null) return Math.min(1, s.step / totalSteps);
    return Math.min(1, elapsed() / budgetMs!);
  };

  let metrics: MetricPoint[] = [];
  let lastFlush = clock();
  const flush = () => {
    if (metrics.length === 0) return;
    const batch = metrics;
    metrics = [];
    lastFlush = clock();
    hooks.onMetrics?.(batch);
  };

  let sessionSteps = 0;
  let sessionTokens = 0;
  let sessionTrainMs = 0;
  let stepTimeEma: number | null = null;
  let lastTokensPerStep = 0;
  let lr = 0;
  let lastEmit = -Infinity;
  let lastCheckpointStep = resume ? s.step : -1;
  let lastCheckpointAt = resume ? s.elapsedMs : 0;
  const saved: { best: SavedCheckpoint | null; last: SavedCheckpoint | null } = { best: null, last: null };

  const tokensPerSec = () => (stepTimeEma && stepTimeEma > 0 ? (lastTokensPerStep * 1000) / stepTimeEma : null);
  const etaSeconds = (): number | null => {
    if (budgetMs !== null) return Math.max(0, (budgetMs - elapsed()) / 1000);
    if (sessionSteps < 2) return null;
    const perStep = (elapsed() - elapsedBase) / sessionSteps;
    return Math.max(0, ((totalSteps! - s.step) * perStep) / 1000);
  };
  const emit = (extra: Partial<TrainingProgress> = {}, force = false) => {
    const now = clock();
    if (!force && now - lastEmit < options.progressIntervalMs) return;
    lastEmit = now;
    hooks.onProgress?.({
      step: s.step,
      totalSteps,
      epoch: s.step / task.stepsPerEpoch,
      trainLoss: s.smoothedLoss,
      valLoss: s.lastValLoss,
      bestValLoss: s.bestValLoss,
      lr,
      tokensPerSec: tokensPerSec(),
      etaSeconds: etaSeconds(),
      elapsedSeconds: elapsed() / 1000,
      ...extra,
    });
  };

  /** Evaluates validation at the current step; true when it improved the best. */
  const evaluate = async (): Promise<boolean> => {
    const result = await task.evaluate('validation', options.evalMaxTokens !== undefined ? { maxTokens: options.evalMaxTokens } : {});
    s.lastValStep = s.step;
    s.lastValLoss = result.loss;
    metrics.push({ step: s.step, split: 'validation', name: 'loss', value: result.loss });
    for (const [name, value] of Object.entries(result.metrics)) metrics.push({ step: s.step, split: 'validation', name, value });
    const improved = Number.isFinite(result.loss) && (s.bestValLoss === null || result.loss < s.bestValLoss - options.minDelta);
    if (improved) {
      s.bestValLoss = result.loss;
      s.bestValStep = s.step;
      s.badEvaluations = 0;
    } else {
      s.badEvaluations++;
    }
    flush();
    return improved;
  };

  const checkpoint = async (best: boolean): Promise<void> => {
    if (!checkpointer) return;
    flush(); // metrics up to this step are stored before the checkpoint that a resume would start from
    s.elapsedMs = elapsed();
    const cpMetrics: Record<string, number> = { epoch: s.step / task.stepsPerEpoch, lr, tokens: s.tokens };
    if (s.smoothedLoss !== null) cpMetrics.trainLoss = s.smoothedLoss;
    if (s.lastValStep === s.step && s.lastValLoss !== null) cpMetrics.valLoss = s.lastValLoss;
    const loopState = structuredClone(s);
    const step = s.step;
    const written = await checkpointer.save(step, cpMetrics, best || !hasValidation, (dir) =>
      task.save(dir, { step, metrics: cpMetrics, loopState }, {
        onPhase: hooks.onCheckpointWrite ? (event) => hooks.onCheckpointWrite!({ ...event, step }) : undefined,
      }),
    );
    lastCheckpointStep = step;
    lastCheckpointAt = s.elapsedMs;
    saved.last = written;
    if (written.isBest) saved.best = written;
    hooks.onCheckpoint?.(written);
  };

  const abortOutcome = (): LoopOutcome | null => {
    const signal = hooks.signal;
    if (!signal?.aborted) return null;
    return signal.reason === INTERRUPT ? 'interrupted' : 'cancelled';
  };

  let outcome: LoopOutcome | null = null;
  let reason: string | undefined;

  while (outcome === null) {
    if (totalSteps !== null && s.step >= totalSteps) {
      outcome = 'completed';
      break;
    }
    if (budgetMs !== null && elapsed() >= budgetMs) {
      outcome = 'completed';
      break;
    }
    outcome = abortOutcome();
    if (outcome) break;
    const pausing = hooks.pauseRequested === true;
    const pausedAt = clock();
    if (pausing) {
      hooks.onPauseChange?.(true);
      if (s.step > lastCheckpointStep) await checkpoint(false);
    }
    const wait = hooks.waitIfPaused?.();
    if (wait) await untilSettledOrAborted(wait, hooks.signal);
    if (pausing) pausedMs += clock() - pausedAt;
    outcome = abortOutcome();
    if (outcome) break;
    if (pausing) {
      hooks.onPauseChange?.(false);
      continue; // check the budget and the pause request again
    }

    if (s.warmupEndProgress === null && s.step >= options.schedule.warmupSteps) s.warmupEndProgress = progressOf();
    lr = learningRate(options.schedule, { step: s.step, progress: progressOf(), warmupEnd: s.warmupEndProgress ?? 0 });
    const started = clock();
    const r = await task.trainStep(lr);
    const took = clock() - started;
    // A synchronous step awaited is only a microtask: without a macrotask turn, a Ctrl-C handler, a worker's
    // pause/cancel message or a timer would wait for the whole budget.
    await new Promise<void>((resolve) => setImmediate(resolve));
    s.step++;
    sessionSteps++;
    sessionTokens += r.tokens;
    sessionTrainMs += took;
    s.tokens += r.tokens;
    lastTokensPerStep = r.tokens;
    stepTimeEma = stepTimeEma === null ? took : stepTimeEma + 0.1 * (took - stepTimeEma);

    const diverged = divergence(r, s.bestSmoothedLoss, options.divergenceFactor);
    if (diverged) {
      metrics.push({ step: s.step, split: 'train', name: 'loss', value: r.loss });
      outcome = 'diverged';
      reason = `diverged at step ${s.step}: ${diverged}`;
      break;
    }
    s.smoothedLoss = s.smoothedLoss === null ? r.loss : s.smoothedLoss + options.smoothing * (r.loss - s.smoothedLoss);
    if (s.bestSmoothedLoss === null || s.smoothedLoss < s.bestSmoothedLoss) s.bestSmoothedLoss = s.smoothedLoss;
    s.window.loss += r.loss;
    s.window.gradNorm += r.gradNorm;
    s.window.count++;
    if (s.step % options.logEvery === 0) {
      const n = s.window.count;
      metrics.push({ step: s.step, split: 'train', name: 'loss', value: s.window.loss / n });
      metrics.push({ step: s.step, split: 'train', name: 'grad_norm', value: s.window.gradNorm / n });
      metrics.push({ step: s.step, split: 'train', name: 'lr', value: lr });
      const tps = tokensPerSec();
      if (tps !== null) metrics.push({ step: s.step, split: 'train', name: 'tokens_per_s', value: tps });
      s.window = { loss: 0, gradNorm: 0, count: 0 };
    }

    const last = totalSteps !== null && s.step >= totalSteps;
    let improved = false;
    let evaluated = false;
    if (hasValidation && options.evalEvery > 0 && s.step % options.evalEvery === 0 && !last) {
      improved = await evaluate();
      evaluated = true;
    }
    let sample: string | undefined;
    if (options.sampleEvery > 0 && s.step % options.sampleEvery === 0 && !last) {
      sample = await task.sample({ step: s.step });
      hooks.onSample?.({ step: s.step, text: sample });
    }
    const dueBySteps = options.checkpointEvery > 0 && s.step % options.checkpointEvery === 0;
    const dueByTime = options.checkpointMinutes > 0 && elapsed() - lastCheckpointAt >= options.checkpointMinutes * 60_000;
    if (!last && (improved || dueBySteps || dueByTime)) await checkpoint(improved);
    if (evaluated && options.patience > 0 && s.badEvaluations >= options.patience) {
      outcome = 'early-stopped';
      reason = `early stop at step ${s.step}: no improvement on ${s.bestValLoss?.toFixed(4)} (step ${s.bestValStep}) in ${s.badEvaluations} evaluations`;
    }
    if (clock() - lastFlush > 5000 || metrics.length >= 500) flush();
    emit({ ...(evaluated ? { evaluated: true } : {}), ...(sample !== undefined ? { sample } : {}) }, evaluated || sample !== undefined);
  }

  endedAt = elapsed();
  let finalValLoss: number | null = null;
  let testLoss: number | null = null;
  if (outcome === 'completed' || outcome === 'early-stopped') {
    let improved = false;
    if (hasValidation) {
      if (s.lastValStep !== s.step) improved = await evaluate();
      finalValLoss = s.lastValLoss;
    }
    if (options.testAtEnd && task.hasSplit('test')) {
      const test = await task.evaluate('test');
      testLoss = test.loss;
      metrics.push({ step: s.step, split: 'test', name: 'loss', value: test.loss });
      for (const [name, value] of Object.entries(test.metrics)) metrics.push({ step: s.step, split: 'test', name, value });
    }
    if (s.step > lastCheckpointStep || (improved && saved.last?.step !== s.step)) await checkpoint(improved);
  } else if (outcome === 'interrupted') {
    if (s.step > lastCheckpointStep) await checkpoint(false);
  }
  s.elapsedMs = elapsed();
  flush();
  emit({ final: true }, true);
  return { outcome, ...(reason ? { reason } : {}), state: s, finalValLoss, testLoss, bestCheckpoint: saved.best, lastCheckpoint: saved.last, sessionSteps, sessionTokens, sessionTrainMs };
}

/** Why a step counts as divergence, or null. */
function divergence(r: { loss: number; gradNorm: number; applied: boolean }, best: number | null, factor: number): string | null {
  if (!Number.isFinite(r.loss)) return `loss is ${r.loss}`;
  if (!Number.isFinite(r.gradNorm)) return `gradient norm is ${r.gradNorm}`;
  if (!r.applied) return 'the update was skipped';
  if (factor > 0 && best !== null && r.loss > factor * best) {
    return `loss ${r.loss.toFixed(3)} is over ${factor}× the best smoothed loss ${best.toFixed(3)}`;
  }
  return null;
}

/** Waits for the pause hook; a rejection after the signal was aborted is how a cancel arrives, not an error. */
async function untilSettledOrAborted(wait: Promise<void>, signal: AbortSignal | undefined): Promise<void> {
  const settled = wait.catch((error: unknown) => {
    if (!signal?.aborted) throw error;
  });
  if (!signal) return settled;
  if (signal.aborted) return;
  let onAbort: () => void = () => undefined;
  const aborted = new Promise<void>((resolve) => {
    onAbort = resolve;
    signal.addEventListener('abort', onAbort, { once: true });
  });
  try {
    await Promise.race([settled, aborted]);
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
