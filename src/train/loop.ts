/**
 * The training loop, for any TrainingTask (language model, encoder–decoder). It owns the schedule, the budget,
 * evaluation, early stopping, the divergence guard, samples, checkpoint cadence, metrics and progress; the task
 * owns the model, optimiser and data. No console, no UI, no SQL: everything goes out through hooks and the
 * Checkpointer. In the spirit of nanoGPT's train.py, `run()` reads top to bottom as short phases:
 *
 *   clock and budget → pause → one optimiser step (divergence guard) → metric window → validation → sample
 *   → checkpoint → early stop → progress
 *
 * After the loop: a final evaluation, test and checkpoint (finished runs), a checkpoint only (interrupted), or
 * nothing (cancelled, diverged: the last good checkpoint stays).
 *
 * A checkpoint carries `LoopState`, so a resumed loop continues exactly: same schedule position, smoothing,
 * early-stopping counters and metric windows. With a step or epoch budget the run is deterministic; with a
 * minutes budget the schedule follows elapsed time, which no run repeats exactly.
 */
import type { CheckpointDigest, WritePhase } from '../model/checkpoint/index.js';
import type { MetricPoint } from '../store/index.js';
import type { JobProgress } from './jobSpec.js';
import { LoopClock } from './loopClock.js';
import { MetricLog } from './metricLog.js';
import { type LrSchedule, learningRate, validateSchedule } from './schedule.js';
import { type Budget, INTERRUPT, type LoopState, type SavedCheckpoint, type TrainStepResult, type TrainingTask } from './task.js';

export { budgetSteps } from './loopClock.js';

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
  /** Diverged when the smoothed train loss rises past this multiple of its best (and at least 1 nat above it):
   * a sustained rise, not a spike (0: no such check). */
  divergenceFactor: number;
  /** Generate a sample every this many steps (0: never). */
  sampleEvery: number;
  /** Save a checkpoint every this many steps (0: not by steps) … */
  checkpointEvery: number;
  /** … and when this many minutes of training passed since the last one (0: not by time). Checkpoints are also
   * saved after an evaluation that improves the best validation loss, and at the end. */
  checkpointMinutes: number;
  /** A run that has no checkpoint yet saves one after this many minutes of training (0: not early), so a run
   * that fails or is killed in its first quarter of an hour does not leave nothing. */
  firstCheckpointMinutes?: number;
  /** Record the mean train loss (and lr, tokens/s, gradient norm) every this many steps. */
  logEvery: number;
  /** At most one progress report per this many milliseconds (evaluations, samples and the final one excepted). */
  progressIntervalMs: number;
  /** Weight of the newest loss in the smoothed train loss. */
  smoothing: number;
  /** Evaluate the test split at the end (when it has data). */
  testAtEnd: boolean;
  /** Milliseconds, monotonic (tests inject one). Default performance.now. */
  clock?: () => number;
}

/** A run's progress in the contract's shape, as the loop reports it, with what this report brings. */
export type LoopProgress = JobProgress;

/** Where checkpoints go (./checkpointDir.ts keeps the best and the last of a run's directory). */
export interface Checkpointer {
  /** Saves a checkpoint for `step`: `write(dir)` writes it. `best`: its validation loss is the lowest so far. */
  save(step: number, metrics: Record<string, number>, best: boolean, write: (dir: string) => Promise<CheckpointDigest>): Promise<SavedCheckpoint>;
}

/** What the loop tells its caller, and how the caller steers it. None may throw (that fails the run). */
export interface LoopHooks {
  /** Abort to stop between steps. `signal.reason === INTERRUPT` saves a checkpoint (resumable); any other
   * reason cancels (no new checkpoint). */
  signal?: AbortSignal;
  /** True while a pause is wanted: the loop saves a checkpoint, calls onPauseChange(true) and awaits waitIfPaused(). */
  readonly pauseRequested?: boolean;
  /** Awaited between steps when it returns a promise (it may just yield to the event loop); while paused it
   * settles on resume, and it may reject once `signal` is aborted. Paused time does not count. */
  waitIfPaused?: () => void | Promise<void>;
  onPauseChange?: (paused: boolean) => void;
  /** Throttled (LoopOptions.progressIntervalMs), except reports with a validation loss or sample and the final one. */
  onProgress?: (progress: LoopProgress) => void;
  /** Metric points in batches, in the order they were measured. */
  onMetrics?: (points: MetricPoint[]) => void;
  onCheckpoint?: (checkpoint: SavedCheckpoint) => void;
  onSample?: (sample: { step: number; text: string }) => void;
  /** Each phase of each checkpoint write (diagnostics; tests use it to kill a writer mid-write). */
  onCheckpointWrite?: (event: WritePhase & { step: number }) => void | Promise<void>;
}

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

export function runTrainingLoop(
  task: TrainingTask,
  options: LoopOptions,
  hooks: LoopHooks = {},
  checkpointer: Checkpointer | null = null,
  resume?: LoopState,
): Promise<LoopResult> {
  return new TrainingLoop(task, options, hooks, checkpointer, resume).run();
}

/** Why training stopped, once it has. */
type End = { outcome: LoopOutcome; reason?: string };

class TrainingLoop {
  private readonly s: LoopState;
  private readonly now: () => number;
  private readonly clock: LoopClock;
  private readonly log: MetricLog;
  private readonly hasValidation: boolean;
  // This session's throughput and bookkeeping (not resumed).
  private sessionSteps = 0;
  private sessionTokens = 0;
  private sessionTrainMs = 0;
  private stepMsEma: number | null = null;
  private lastStepTokens = 0;
  private lr = 0;
  private lastReport = -Infinity;
  private lastCheckpointStep: number;
  private lastCheckpointAt: number;
  private best: SavedCheckpoint | null = null;
  private last: SavedCheckpoint | null = null;

  constructor(
    private readonly task: TrainingTask,
    private readonly o: LoopOptions,
    private readonly hooks: LoopHooks,
    private readonly checkpointer: Checkpointer | null,
    resume: LoopState | undefined,
  ) {
    validateSchedule(o.schedule);
    this.s = resume ? structuredClone(resume) : initialLoopState();
    this.now = o.clock ?? (() => performance.now());
    this.clock = new LoopClock(this.now, o.budget, task.stepsPerEpoch, this.s.elapsedMs);
    this.log = new MetricLog(this.now, hooks.onMetrics);
    this.hasValidation = task.hasSplit('validation');
    // A resume continues after its checkpoint; a run started again from step 0 (a rollback with nothing to roll
    // back to) has none.
    this.lastCheckpointStep = resume && resume.step > 0 ? this.s.step : -1;
    this.lastCheckpointAt = resume ? this.s.elapsedMs : 0;
  }

  async run(): Promise<LoopResult> {
    const { s, o } = this;
    let end: End | null = null;
    while (end === null) {
      // Clock and budget; a cancel or interrupt from outside.
      if (this.clock.spent(s.step)) end = { outcome: 'completed' };
      end ??= this.aborted();
      if (end) break;

      // Pause: checkpointed first, and the time paused is not training time.
      if (this.pauseRequested()) {
        end = await this.pause();
        continue;
      }
      end = this.aborted() ?? (await this.yieldBetweenSteps());
      if (end) break;
      if (this.pauseRequested()) continue; // asked for while we yielded: pause before another step

      // One optimiser step; a NaN or exploding loss ends the run (the last good checkpoint stays).
      const r = await this.trainStep();
      end = this.divergence(r);
      if (end) break;
      this.smooth(r.loss);
      this.log.trainStep(s, r, this.lr, this.tokensPerSec(), o.logEvery);

      // Validation, sample, checkpoint and early stop, each when due (the last step's are done after the loop).
      const lastStep = this.clock.isLastStep(s.step);
      const evaluated = !lastStep && this.hasValidation && due(s.step, o.evalEvery);
      const improved = evaluated ? await this.validate() : false;
      const sample = !lastStep && due(s.step, o.sampleEvery) ? await this.sample() : undefined;
      if (!lastStep && (improved || this.checkpointDue())) await this.checkpoint(improved);
      if (evaluated) end = this.earlyStop();

      this.log.maybeFlush();
      this.report({ ...(evaluated ? { evaluated: true } : {}), ...(sample !== undefined ? { sample } : {}) }, evaluated || sample !== undefined);
    }
    return this.finish(end);
  }

  // ---- the step ----

  /** Gives timers, signals and worker messages a turn (a synchronous step awaited is only a microtask). */
  private async yieldBetweenSteps(): Promise<End | null> {
    const wait = this.hooks.waitIfPaused?.();
    if (wait) await untilSettledOrAborted(wait, this.hooks.signal);
    else await new Promise<void>((resolve) => setImmediate(resolve));
    return this.aborted();
  }

  private async trainStep(): Promise<TrainStepResult> {
    const { s, o } = this;
    if (s.warmupEndProgress === null && s.step >= o.schedule.warmupSteps) s.warmupEndProgress = this.clock.fraction(s.step);
    const scheduled = learningRate(o.schedule, { step: s.step, progress: this.clock.fraction(s.step), warmupEnd: s.warmupEndProgress ?? 0 });
    this.lr = scheduled * (s.lrScale ?? 1);
    const started = this.now();
    const r = await this.task.trainStep(this.lr);
    const took = this.now() - started;
    s.step++;
    s.tokens += r.tokens;
    this.sessionSteps++;
    this.sessionTokens += r.tokens;
    this.sessionTrainMs += took;
    this.lastStepTokens = r.tokens;
    this.stepMsEma = this.stepMsEma === null ? took : this.stepMsEma + 0.1 * (took - this.stepMsEma);
    return r;
  }

  private divergence(r: TrainStepResult): End | null {
    const why = divergenceOf(r, this.s, this.o.divergenceFactor, this.o.smoothing);
    if (!why) return null;
    this.log.lastLoss(this.s.step, r.loss);
    return { outcome: 'diverged', reason: `diverged at step ${this.s.step}: ${why}` };
  }

  private smooth(loss: number): void {
    const { s } = this;
    s.smoothedLoss = s.smoothedLoss === null ? loss : s.smoothedLoss + this.o.smoothing * (loss - s.smoothedLoss);
    if (s.bestSmoothedLoss === null || s.smoothedLoss < s.bestSmoothedLoss) s.bestSmoothedLoss = s.smoothedLoss;
  }

  private tokensPerSec(): number | null {
    return this.stepMsEma && this.stepMsEma > 0 ? (this.lastStepTokens * 1000) / this.stepMsEma : null;
  }

  // ---- validation, samples, early stop ----

  /** Evaluates validation at the current step; true when it improved the best. */
  private async validate(): Promise<boolean> {
    const { s, o } = this;
    const result = await this.task.evaluate('validation', o.evalMaxTokens !== undefined ? { maxTokens: o.evalMaxTokens } : {});
    s.lastValStep = s.step;
    s.lastValLoss = result.loss;
    this.log.evaluation(s.step, 'validation', result);
    const improved = Number.isFinite(result.loss) && (s.bestValLoss === null || result.loss < s.bestValLoss - o.minDelta);
    if (improved) {
      s.bestValLoss = result.loss;
      s.bestValStep = s.step;
      s.badEvaluations = 0;
    } else {
      s.badEvaluations++;
    }
    this.log.flush();
    return improved;
  }

  private async sample(): Promise<string> {
    const text = await this.task.sample({ step: this.s.step });
    this.hooks.onSample?.({ step: this.s.step, text });
    return text;
  }

  private earlyStop(): End | null {
    const { s, o } = this;
    if (!(o.patience > 0 && s.badEvaluations >= o.patience)) return null;
    return {
      outcome: 'early-stopped',
      reason: `early stop at step ${s.step}: no improvement on ${s.bestValLoss?.toFixed(4)} (step ${s.bestValStep}) in ${s.badEvaluations} evaluations`,
    };
  }

  // ---- checkpoints ----

  private checkpointDue(): boolean {
    const { o } = this;
    const bySteps = due(this.s.step, o.checkpointEvery);
    const sinceLast = this.clock.elapsed() - this.lastCheckpointAt;
    const byTime = o.checkpointMinutes > 0 && sinceLast >= o.checkpointMinutes * 60_000;
    const first = this.lastCheckpointStep < 0 && (o.firstCheckpointMinutes ?? 0) > 0 && sinceLast >= o.firstCheckpointMinutes! * 60_000;
    return bySteps || byTime || first;
  }

  private async checkpoint(best: boolean): Promise<void> {
    const { s, task, hooks, checkpointer } = this;
    if (!checkpointer) return;
    this.log.flush(); // the metrics up to this step are out before the checkpoint a resume would start from
    s.elapsedMs = this.clock.elapsed();
    const metrics: Record<string, number> = { epoch: s.step / task.stepsPerEpoch, lr: this.lr, tokens: s.tokens };
    if (s.smoothedLoss !== null) metrics.trainLoss = s.smoothedLoss;
    if (s.lastValStep === s.step && s.lastValLoss !== null) metrics.valLoss = s.lastValLoss;
    const loopState = structuredClone(s);
    const step = s.step;
    const onPhase = hooks.onCheckpointWrite ? (event: WritePhase) => hooks.onCheckpointWrite!({ ...event, step }) : undefined;
    const written = await checkpointer.save(step, metrics, best || !this.hasValidation, (dir) =>
      task.save(dir, { step, metrics, loopState }, onPhase ? { onPhase } : {}),
    );
    this.lastCheckpointStep = step;
    this.lastCheckpointAt = s.elapsedMs;
    this.last = written;
    if (written.isBest) this.best = written;
    hooks.onCheckpoint?.(written);
  }

  // ---- pause and abort ----

  private async pause(): Promise<End | null> {
    const pausedAt = this.now();
    this.hooks.onPauseChange?.(true);
    this.report({}, true); // the figures of the step it pauses at, before the checkpoint is announced
    if (this.s.step > this.lastCheckpointStep) await this.checkpoint(false);
    this.log.flush();
    const wait = this.hooks.waitIfPaused?.();
    if (wait) await untilSettledOrAborted(wait, this.hooks.signal);
    this.clock.addPause(this.now() - pausedAt);
    const end = this.aborted();
    if (!end) this.hooks.onPauseChange?.(false);
    return end;
  }

  /** Read afresh each time: a pause may be asked for whenever the loop yields. */
  private pauseRequested(): boolean {
    return this.hooks.pauseRequested === true;
  }

  private aborted(): End | null {
    const signal = this.hooks.signal;
    if (!signal?.aborted) return null;
    return { outcome: signal.reason === INTERRUPT ? 'interrupted' : 'cancelled' };
  }

  // ---- progress ----

  private report(extra: Pick<LoopProgress, 'sample' | 'evaluated' | 'final'>, force: boolean): void {
    const now = this.now();
    if (!force && now - this.lastReport < this.o.progressIntervalMs) return;
    this.lastReport = now;
    const { s } = this;
    this.hooks.onProgress?.({
      step: s.step,
      totalSteps: this.clock.totalSteps,
      epoch: s.step / this.task.stepsPerEpoch,
      trainLoss: finiteOrNull(s.smoothedLoss),
      valLoss: finiteOrNull(s.lastValLoss),
      bestValLoss: finiteOrNull(s.bestValLoss),
      tokensPerSec: this.tokensPerSec(),
      elapsedSeconds: this.clock.elapsed() / 1000,
      etaSeconds: this.clock.etaSeconds(s.step, this.sessionSteps),
      ...extra,
    });
  }

  // ---- the end ----

  private async finish(end: End): Promise<LoopResult> {
    const { s, o, task } = this;
    this.clock.stop();
    let finalValLoss: number | null = null;
    let testLoss: number | null = null;
    if (end.outcome === 'completed' || end.outcome === 'early-stopped') {
      let improved = false;
      if (this.hasValidation) {
        if (s.lastValStep !== s.step) improved = await this.validate();
        finalValLoss = s.lastValLoss;
      }
      if (o.testAtEnd && task.hasSplit('test')) {
        const test = await task.evaluate('test');
        testLoss = test.loss;
        this.log.evaluation(s.step, 'test', test);
      }
      if (s.step > this.lastCheckpointStep || (improved && this.last?.step !== s.step)) await this.checkpoint(improved);
    } else if (end.outcome === 'interrupted') {
      if (s.step > this.lastCheckpointStep) await this.checkpoint(false);
    }
    s.elapsedMs = this.clock.elapsed();
    this.log.flush();
    this.report({ final: true }, true);
    return {
      ...end,
      state: s,
      finalValLoss,
      testLoss,
      bestCheckpoint: this.best,
      lastCheckpoint: this.last,
      sessionSteps: this.sessionSteps,
      sessionTokens: this.sessionTokens,
      sessionTrainMs: this.sessionTrainMs,
    };
  }
}

/** Whether something every `every` steps is due at `step` (0: never). */
function due(step: number, every: number): boolean {
  return every > 0 && step % every === 0;
}

function finiteOrNull(v: number | null): number | null {
  return v !== null && Number.isFinite(v) ? v : null;
}

/**
 * Why a step counts as divergence, or null. A non-finite loss or gradient is; so is a sustained rise — the
 * smoothed loss (an average over the last ~1/smoothing steps) climbing past `factor` × its best and at least a
 * nat above it. A single spike is not: at a low loss (0.05 nats) a batch at 5 nats is a spike to forgive, not a
 * reason to throw a run away, and it moves the smoothed loss by a few hundredths only.
 */
function divergenceOf(r: TrainStepResult, s: LoopState, factor: number, smoothing: number): string | null {
  if (!Number.isFinite(r.loss)) return `loss is ${r.loss}`;
  if (!Number.isFinite(r.gradNorm)) return `gradient norm is ${r.gradNorm}`;
  if (!r.applied) return 'the update was skipped';
  const best = s.bestSmoothedLoss;
  if (factor > 0 && best !== null && s.smoothedLoss !== null) {
    const smoothed = s.smoothedLoss + smoothing * (r.loss - s.smoothedLoss);
    if (smoothed > Math.max(factor * best, best + 1)) return `the smoothed loss rose to ${smoothed.toFixed(3)}, over ${factor}× its best ${best.toFixed(3)}`;
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
