/**
 * The one training job, for every model kind and every caller: given a spec (./jobSpec.ts), it resumes from the
 * best checkpoint it can use, prepares the kind's task, runs the loop and reports everything as JobEvents. No
 * store, no console, no worker: the CLI runs it in-process and the app runs this very function inside the
 * worker; what they do with the events (record them — ./recorder.ts) is theirs.
 */
import { oneLine, SetupError } from './errors.js';
import { CheckpointDir, type ResumePoint, type SavedWithPruned } from './checkpointDir.js';
import type { PreparedTask, TrainingKind } from './kind.js';
import type { JobEvent, JobResult, TrainingJobSpec } from './jobSpec.js';
import { lmKind } from './lm/job.js';
import { type LoopHooks, type LoopOptions, type LoopResult, budgetSteps, runTrainingLoop } from './loop.js';
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

async function runKind<S extends TrainingJobSpec, P extends ResumePoint>(
  kind: TrainingKind<S, P>,
  spec: S,
  hooks: JobHooks,
  overrides: Partial<LoopOptions>,
): Promise<JobResult> {
  const emit = (event: JobEvent) => hooks.onEvent?.(event);

  // Resume: the newest known checkpoint that verifies; the record forgets what comes after it.
  const checkpoints = new CheckpointDir(spec.checkpointDir, (dir, sha) => kind.loadResumePoint(dir, sha));
  const { point, kept, rejected } = await checkpoints.resume(spec.resumeFrom);
  emit({ type: 'resumed', step: point?.step ?? null, kept, rejected });
  const resumedFrom = point ? { step: point.step, loop: point.loop } : null;
  const warnings = rejected.map((r) => `could not use checkpoint at ${r}`);
  if (!point && rejected.length > 0) warnings.push('no usable checkpoint is left: training starts again from step 0');

  // The kind's task, fresh or from the checkpoint. Bad data fails the run; on a resume it stays resumable.
  let prepared: PreparedTask;
  try {
    prepared = await kind.prepare(spec, point);
  } catch (error) {
    if (!(error instanceof SetupError)) throw error;
    return { ...emptyResult(resumedFrom, warnings), outcome: 'failed', reason: oneLine(error), ...(resumedFrom ? { resumable: true } : {}) };
  }

  const { task, settings } = prepared;
  try {
    const options: LoopOptions = {
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
      logEvery: settings.logEvery,
      progressIntervalMs: PROGRESS_INTERVAL_MS,
      smoothing: SMOOTHING,
      testAtEnd: kind.testAtEnd,
      ...overrides,
    };
    const loop = await runTrainingLoop(
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
        onCheckpoint: (c) => emit({ type: 'checkpoint', checkpoint: c as SavedWithPruned }),
      },
      checkpoints,
      resumedFrom?.loop,
    );
    return resultOf(loop, task, options, prepared, resumedFrom, [...warnings, ...prepared.warnings]);
  } finally {
    task.dispose();
  }
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
