/**
 * The one training job, for every model kind and every caller: given a spec (./jobSpec.ts), it resumes from the
 * best checkpoint it can use, prepares the kind's task, runs the loop and reports everything as JobEvents. When
 * the run diverges it goes back to its last good checkpoint and goes on with a lower learning rate, once
 * (DIVERGENCE_RECOVERY in ./config.ts); a second divergence ends it. No
 * store, no console, no worker: the CLI runs it in-process and the app runs this very function inside the
 * worker; what they do with the events (record them — ./recorder.ts) is theirs.
 */
import { DIVERGENCE_RECOVERY, FIRST_CHECKPOINT_MINUTES } from './config.js';
import { CheckpointError } from '../model/checkpoint/index.js';
import { UnusableCheckpointError, oneLine, SetupError } from './errors.js';
import { CheckpointDir, type ResumePoint, type SavedWithPruned } from './checkpointDir.js';
import type { PreparedTask, TrainingKind } from './kind.js';
import type { JobEvent, JobResult, TrainingJobSpec } from './jobSpec.js';
import { lmKind } from './lm/job.js';
import { type LoopHooks, type LoopOptions, type LoopResult, budgetSteps, initialLoopState, runTrainingLoop } from './loop.js';
import { seq2seqKind } from './seq2seq/job.js';
import type { LoopState, TrainingTask } from './task.js';

/** Progress reports at most this often (evaluations, samples and the final one always go out). */
export const PROGRESS_INTERVAL_MS = 250;
/** Weight of the newest loss in the smoothed train loss. */
const SMOOTHING = 0.05;

/** How the caller steers a job and hears from it. None of these may throw. */
export interface JobHooks {
  signal?: AbortSignal;
  readonly pauseRequested?: boolean;
  waitIfPaused?: () => void | Promise<void>;
  onEvent?: (event: JobEvent) => void;
  /** Each phase of each checkpoint write (tests use it to kill a writer mid-write). */
  onCheckpointWrite?: LoopHooks['onCheckpointWrite'];
}

export async function runTrainingJob(spec: TrainingJobSpec, hooks: JobHooks = {}, overrides: Partial<LoopOptions> = {}): Promise<JobResult> {
  return spec.kind === 'lm' ? runKind(lmKind, spec, hooks, overrides) : runKind(seq2seqKind, spec, hooks, overrides);
}

export async function runKind<S extends TrainingJobSpec, P extends ResumePoint>(
  kind: TrainingKind<S, P>,
  spec: S,
  hooks: JobHooks,
  overrides: Partial<LoopOptions>,
): Promise<JobResult> {
  const emit = (event: JobEvent) => hooks.onEvent?.(event);

  // Resume: the newest known checkpoint that verifies; the record forgets what comes after it.
  const checkpoints = new CheckpointDir(spec.checkpointDir, (dir, sha) => kind.loadResumePoint(dir, sha));
  const { point: resumed, kept, rejected } = await checkpoints.resume(spec.resumeFrom);
  emit({ type: 'resumed', step: resumed?.step ?? null, kept, rejected });
  const resumedFrom = resumed ? { step: resumed.step, loop: resumed.loop } : null;
  const warnings = rejected.map((r) => `could not use checkpoint at ${r}`);
  if (!resumed && rejected.length > 0) warnings.push('no usable checkpoint is left: training starts again from step 0');

  // The checkpoints a divergence can roll back to: what the job resumed from and what it writes.
  const known = new Map<number, Rollback>();
  for (const c of spec.resumeFrom) if (resumed && (c.step === kept?.best || c.step === kept?.last)) known.set(c.step, { ...c, trainLoss: c.step === resumed.step ? resumed.loop.smoothedLoss : null });

  let point: P | null = resumed;
  let loopState: LoopState | undefined = resumedFrom?.loop;
  for (;;) {
    // The kind's task, fresh or from the checkpoint. Bad data fails the run; on a resume it stays resumable.
    let prepared: PreparedTask;
    try {
      prepared = await kind.prepare(spec, point);
    } catch (error) {
      if (!(error instanceof SetupError)) throw error;
      return { ...emptyResult(resumedFrom, warnings), outcome: 'failed', reason: oneLine(error), ...(resumedFrom ? { resumable: true } : {}) };
    }
    const { task, settings } = prepared;
    let loop: LoopResult;
    let options: LoopOptions;
    try {
      options = {
        budget: settings.budget,
        schedule: { peak: settings.lr, warmupSteps: settings.warmupSteps, decay: settings.decay, minFraction: settings.minLrFraction },
        evalEvery: settings.evalEvery,
        evalMaxTokens: settings.evalMaxTokens,
        patience: settings.patience,
        minDelta: 0,
        divergenceFactor: settings.divergenceFactor,
        sampleEvery: settings.sampleEvery,
        checkpointEvery: settings.checkpointEvery,
        checkpointMinutes: settings.checkpointMinutes,
        firstCheckpointMinutes: FIRST_CHECKPOINT_MINUTES,
        logEvery: settings.logEvery,
        progressIntervalMs: PROGRESS_INTERVAL_MS,
        smoothing: SMOOTHING,
        testAtEnd: kind.testAtEnd,
        ...overrides,
      };
      loop = await runTrainingLoop(
        task,
        options,
        {
          ...(hooks.signal ? { signal: hooks.signal } : {}),
          // A getter does not survive a spread: read the caller's flag each time.
          get pauseRequested() {
            return hooks.pauseRequested;
          },
          ...(hooks.waitIfPaused ? { waitIfPaused: hooks.waitIfPaused } : {}),
          ...(hooks.onCheckpointWrite ? { onCheckpointWrite: hooks.onCheckpointWrite } : {}),
          onPauseChange: (paused) => emit({ type: 'paused', paused }),
          onProgress: (progress) => emit({ type: 'progress', progress }),
          onMetrics: (points) => emit({ type: 'metrics', points }),
          onSample: (s) => emit({ type: 'sample', step: s.step, text: s.text }),
          onCheckpoint: (c) => {
            const saved = c as SavedWithPruned;
            for (const step of saved.prunedSteps) known.delete(step);
            known.set(saved.step, { step: saved.step, dir: saved.dir, sha256: saved.sha256, trainLoss: saved.metrics.trainLoss ?? null });
            emit({ type: 'checkpoint', checkpoint: saved });
          },
        },
        checkpoints,
        loopState,
      );
    } finally {
      task.dispose();
    }

    // A divergence: back to the last good checkpoint with a lower learning rate, once; the second one ends the run.
    const s = loop.state;
    if (loop.outcome !== 'diverged' || (s.rollbacks ?? 0) >= DIVERGENCE_RECOVERY.rollbacks) {
      return resultOf(loop, task, options, prepared, resumedFrom, [...warnings, ...prepared.warnings]);
    }
    let to = rollbackTarget(known, checkpoints.keptSteps, s, options.divergenceFactor);
    const prunedSteps = await checkpoints.rollBack(to?.step ?? null);
    for (const step of known.keys()) if (to === null || step > to.step) known.delete(step);
    const target = to;
    point = target ? await loadOrNull(() => kind.loadResumePoint(target.dir, target.sha256)) : null;
    if (to && !point) {
      prunedSteps.push(...(await checkpoints.rollBack(null)));
      known.clear();
      to = null;
    }
    const lrScale = (s.lrScale ?? 1) * DIVERGENCE_RECOVERY.lrFactor;
    // The time spent since that checkpoint still counts against a minutes budget: it was spent.
    loopState = { ...(point ? structuredClone(point.loop) : initialLoopState()), elapsedMs: s.elapsedMs, lrScale, rollbacks: (s.rollbacks ?? 0) + 1 };
    const toStep = to?.step ?? 0;
    emit({ type: 'rolledBack', fromStep: s.step, toStep, reason: loop.reason ?? 'diverged', lrScale, prunedSteps });
    warnings.push(`${loop.reason ?? 'diverged'}; went back to ${to ? `the checkpoint at step ${toStep}` : 'step 0'} and went on with the learning rate × ${lrScale}`);
  }
}

/** A checkpoint read back, or null when it no longer verifies (the rollback then starts again from step 0). */
async function loadOrNull<P>(load: () => Promise<P>): Promise<P | null> {
  try {
    return await load();
  } catch (error) {
    if (error instanceof CheckpointError || error instanceof UnusableCheckpointError) return null;
    throw error;
  }
}

/** A checkpoint the job may roll back to, with the smoothed train loss it was saved at. */
interface Rollback {
  step: number;
  dir: string;
  sha256: string;
  trainLoss: number | null;
}

/**
 * Where to go back to after a divergence: the newest checkpoint kept (the last, else the best) whose smoothed
 * train loss was well inside the divergence rule (below half-way from the best to the limit) — a checkpoint
 * written while the loss was already rising is not good; null when there is none (training starts again).
 */
function rollbackTarget(known: Map<number, Rollback>, kept: { best: number | null; last: number | null }, s: LoopState, factor: number): Rollback | null {
  const best = s.bestSmoothedLoss;
  const limit = best === null ? Infinity : factor > 0 ? Math.max(factor * best, best + 1) : best + 1;
  const good = (c: Rollback | undefined): c is Rollback =>
    c !== undefined && (best === null || c.trainLoss === null || (Number.isFinite(c.trainLoss) && c.trainLoss <= best + (limit - best) / 2));
  const candidates = [kept.last, kept.best].filter((step): step is number => step !== null).map((step) => known.get(step));
  return candidates.find(good) ?? null;
}

function resultOf(
  r: LoopResult,
  task: TrainingTask,
  options: LoopOptions,
  prepared: PreparedTask,
  resumedFrom: { step: number } | null,
  warnings: string[],
): JobResult {
  const s = r.state;
  return {
    outcome: r.outcome,
    ...(r.reason ? { reason: r.reason } : {}),
    step: s.step,
    totalSteps: budgetSteps(options.budget, task.stepsPerEpoch),
    epoch: s.step / task.stepsPerEpoch,
    resumedFromStep: resumedFrom?.step ?? null,
    trainLoss: s.smoothedLoss,
    finalValLoss: r.finalValLoss,
    bestValLoss: s.bestValLoss,
    testLoss: r.testLoss,
    tokensPerSec: r.sessionTrainMs > 0 ? (r.sessionTokens * 1000) / r.sessionTrainMs : null,
    elapsedSeconds: s.elapsedMs / 1000,
    vocabSize: prepared.vocabSize,
    parameters: prepared.parameters,
    replicas: prepared.replicas ?? 1,
    warnings,
  };
}

function emptyResult(resumedFrom: { step: number; loop: LoopState } | null, warnings: string[]): Omit<JobResult, 'outcome'> {
  const s = resumedFrom?.loop;
  return {
    step: s?.step ?? 0,
    totalSteps: null,
    epoch: 0,
    resumedFromStep: resumedFrom?.step ?? null,
    trainLoss: s?.smoothedLoss ?? null,
    finalValLoss: null,
    bestValLoss: s?.bestValLoss ?? null,
    testLoss: null,
    tokensPerSec: null,
    elapsedSeconds: (s?.elapsedMs ?? 0) / 1000,
    vocabSize: 0,
    parameters: 0,
    warnings,
  };
}
