/**
 * Training a stored run in this process (`longhand train`, tests): the same job the app's worker runs
 * (./job.ts), recorded by the same RunRecorder, under the run's lock (`models/<run>/train.lock`, so the app
 * leaves a run alone that a terminal is training). Resuming continues from the newest checkpoint whose files
 * match its row, with the same weights, optimiser, sampler and loop state, so a resumed run ends exactly where
 * an uninterrupted one would (step and epoch budgets; bit for bit on one backend).
 *
 * The caller chooses the compute backend first (initCompute); the run records the backend in use.
 */
import path from 'node:path';
import { backendName } from '../compute/backend.js';
import type { ApiEvent } from '../contract/index.js';
import { INTERRUPTED_REASON, type RunStatus, type Store } from '../store/index.js';
import { SetupError, oneLine } from './errors.js';
import { exportCheckpoint } from './exportCheckpoint.js';
import { type JobHooks, runTrainingJob } from './job.js';
import type { JobEvent, JobResult, SavedCheckpoint } from './jobSpec.js';
import type { LoopOptions } from './loop.js';
import { RunRecorder } from './recorder.js';
import { acquireRunLock } from './runLock.js';
import { jobSpecFor } from './runSpec.js';

export type FinalStatus = Extract<RunStatus, 'finished' | 'failed' | 'cancelled' | 'interrupted'>;

/** A precondition the caller broke (no such run, a run that cannot be resumed, data that changed): the run is left resumable. */
export class TrainingError extends Error {
  override name = 'TrainingError';
}

export interface TrainRunOptions {
  /** Continue the run (interrupted, or running/paused with a dead owner) instead of starting it (queued). */
  resume?: boolean;
  /** After a finished run, a verified copy of the best checkpoint goes here (missing, empty, or a checkpoint). */
  outDir?: string;
  signal?: AbortSignal;
  /** A pause, as the app asks for one (the CLI does not): read between steps. */
  readonly pauseRequested?: boolean;
  waitIfPaused?: JobHooks['waitIfPaused'];
  /** Every job event, after it was recorded. */
  onEvent?: (event: JobEvent) => void;
  /** Every status change, after the row was updated. */
  onStatus?: (status: { status: RunStatus; error?: string }) => void;
  onCheckpointWrite?: JobHooks['onCheckpointWrite'];
  /** Threads to train on (absent: the default of src/train/config.ts). */
  threads?: number;
  /** Loop settings the run's config does not carry (tests inject a clock, an unthrottled progress interval…). */
  loop?: Partial<LoopOptions>;
}

export interface TrainingResult extends JobResult {
  runId: number;
  status: FinalStatus;
  backend: string;
  /** One line, when the run failed. */
  error?: string;
  /** From the run's rows, across sessions. */
  bestCheckpoint: (SavedCheckpoint & { id: number }) | null;
  lastCheckpoint: (SavedCheckpoint & { id: number }) | null;
  /** The verified copy of the best checkpoint (when `outDir` was given and the run finished). */
  outDir?: string;
}

const RESUMABLE: readonly RunStatus[] = ['queued', 'interrupted', 'running', 'paused'];

export async function trainRun(store: Store, runId: number, options: TrainRunOptions = {}): Promise<TrainingResult> {
  const run = store.runs.get(runId);
  if (!run) throw new TrainingError(`there is no run ${runId}`);
  if (options.resume && !RESUMABLE.includes(run.status)) {
    throw new TrainingError(`run ${runId} is ${run.status}; only interrupted (or queued) runs can be resumed`);
  }
  if (!options.resume && run.status !== 'queued') throw new TrainingError(`run ${runId} is ${run.status}, not queued (resume it instead)`);

  const recorder = new RunRecorder(store, runId, { emit: statusListener(options.onStatus) });
  const lock = acquireRunLock(recorder.checkpointDir, runId);
  const backend = await backendName();
  try {
    // We hold the lock, so a run still marked running or paused has lost its process.
    if (run.status === 'running' || run.status === 'paused') recorder.transition('interrupted', { error: INTERRUPTED_REASON });
    let spec;
    try {
      spec = jobSpecFor(store, run, recorder, options.threads);
    } catch (error) {
      if (!(error instanceof SetupError)) throw error;
      if (options.resume) throw new TrainingError(`cannot resume run ${runId}: ${error.message}`);
      recorder.fail(error.message);
      return resultOf(recorder, backend, { outcome: 'failed', reason: error.message, step: 0, totalSteps: null, epoch: 0, resumedFromStep: null, trainLoss: null, finalValLoss: null, bestValLoss: null, testLoss: null, tokensPerSec: null, elapsedSeconds: 0, vocabSize: 0, parameters: 0, warnings: [] }, 'failed');
    }

    recorder.transition('running', { backend });
    let job: JobResult;
    try {
      job = await runTrainingJob(
        spec,
        {
          ...(options.signal ? { signal: options.signal } : {}),
          ...(options.onCheckpointWrite ? { onCheckpointWrite: options.onCheckpointWrite } : {}),
          ...(options.waitIfPaused ? { waitIfPaused: options.waitIfPaused } : {}),
          get pauseRequested() {
            return options.pauseRequested;
          },
          onEvent: (event) => {
            recorder.record(event);
            options.onEvent?.(event);
          },
        },
        options.loop,
      );
    } catch (error) {
      // Something unexpected (a bug, a full disk): the run fails with the message, and the error goes on.
      recorder.fail(oneLine(error));
      throw error;
    }
    // The copy for --out is part of finishing: a run whose copy failed has failed.
    let outDir: string | undefined;
    if ((job.outcome === 'completed' || job.outcome === 'early-stopped') && options.outDir) {
      const best = store.checkpoints.best(runId);
      try {
        if (!best) throw new Error('the run has no checkpoint');
        await exportCheckpoint(recorder.absolute(best), best.sha256, options.outDir);
        outDir = path.resolve(options.outDir);
      } catch (error) {
        const message = `training finished, but writing the best checkpoint to ${options.outDir} failed: ${oneLine(error)}`;
        recorder.fail(message);
        return { ...resultOf(recorder, backend, job, 'failed'), error: message };
      }
    }
    const status = recorder.finish(job) as FinalStatus;
    if (job.outcome === 'failed' && job.resumable) throw new TrainingError(`cannot resume run ${runId}: ${job.reason}`);
    return { ...resultOf(recorder, backend, job, status), ...(outDir ? { outDir } : {}) };
  } finally {
    lock.release();
  }
}

function resultOf(recorder: RunRecorder, backend: string, job: JobResult, status: FinalStatus): TrainingResult {
  const { store, runId } = recorder;
  const best = store.checkpoints.best(runId);
  const last = store.checkpoints.last(runId);
  const failed = status === 'failed' && job.reason ? { error: job.reason } : {};
  return {
    ...job,
    ...failed,
    runId,
    status,
    backend,
    bestCheckpoint: best ? recorder.saved(best) : null,
    lastCheckpoint: last ? recorder.saved(last) : null,
  };
}

function statusListener(onStatus: TrainRunOptions['onStatus']): ((event: ApiEvent) => void) | undefined {
  if (!onStatus) return undefined;
  return (event) => {
    if (event.name === 'run.status') onStatus({ status: event.payload.status, ...(event.payload.error ? { error: event.payload.error } : {}) });
  };
}
