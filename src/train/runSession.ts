/**
 * One training session of a run recorded in the store, whatever the model: the run's lock, its status
 * transitions, the loop with metrics, samples and progress stored as they come, the best checkpoint exported
 * to `outDir`, and the result. The kinds (src/train/trainLanguageModel.ts, src/train/seq2seq/run.ts) only say
 * how a run is prepared: its settings, its data, a fresh model or the one to resume.
 */
import path from 'node:path';
import { INTERRUPTED_REASON, type RunKind, type RunRow, type RunStatus, type Store } from '../store/index.js';
import { RunCheckpoints, exportCheckpoint, runModelsDir, toSaved } from './checkpoints.js';
import { backendName, oneLine } from './lmSetup.js';
import { type LoopOptions, type LoopOutcome, type LoopResult, type LoopSettings, budgetSteps, loopOptionsFor, runTrainingLoop } from './loop.js';
import { acquireRunLock } from './runLock.js';
import { RunProgressRecorder } from './runProgress.js';
import type { LoopState, SavedCheckpoint, TrainingHooks, TrainingTask } from './task.js';

export type FinalStatus = Extract<RunStatus, 'finished' | 'failed' | 'cancelled' | 'interrupted'>;

export interface TrainingResult {
  runId: number;
  status: FinalStatus;
  /** How the loop ended; 'error' when an exception or bad input stopped the run. */
  outcome: LoopOutcome | 'error';
  /** One line, when the run failed. */
  error?: string;
  /** One line, when the loop stopped early (early stopping, divergence). */
  reason?: string;
  backend: string;
  step: number;
  totalSteps: number | null;
  epoch: number;
  /** The checkpoint step this session started from (null: from scratch). */
  resumedFromStep: number | null;
  trainLoss: number | null;
  finalValLoss: number | null;
  bestValLoss: number | null;
  testLoss: number | null;
  /** Training tokens per second of training time this session (evaluations and checkpoints excluded). */
  tokensPerSec: number | null;
  /** Active training time across sessions. */
  elapsedSeconds: number;
  bestCheckpoint: SavedCheckpoint | null;
  lastCheckpoint: SavedCheckpoint | null;
  /** The verified copy of the best checkpoint (when `outDir` was given and the run finished). */
  outDir?: string;
  vocabSize: number;
  parameters: number;
  /** Things the user should know (checkpoints that could not be used when resuming…). */
  warnings: string[];
}

/** A precondition the caller broke (no such run, run not resumable, text changed): the run was left as it was. */
export class TrainingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainingError';
  }
}

/** Thrown while preparing: the run fails with this one-line message (bad text, no usable pairs…). */
export class RunFailure extends Error {}

export interface RunSessionSpec {
  runId: number;
  /** Continue the run from its last usable checkpoint, with its stored settings. */
  resume?: boolean;
  outDir?: string;
  /** Loop settings to override (tests shorten intervals with them). */
  loop?: Partial<LoopOptions>;
}

/** What a kind hands the session: the settings, the task to train, where it starts, and its size. */
export interface PreparedRun {
  config: LoopSettings;
  task: TrainingTask;
  /** Where this session starts (null: from scratch). */
  resumed: { step: number; loop: LoopState } | null;
  vocabSize: number;
  parameters: number;
}

const RESUMABLE: readonly RunStatus[] = ['queued', 'interrupted', 'running', 'paused'];

export abstract class RunSession<P extends PreparedRun> {
  protected readonly warnings: string[] = [];
  private status: RunStatus = 'queued';
  private readonly backend = backendName();
  private readonly progress: RunProgressRecorder;

  constructor(
    protected readonly store: Store,
    protected readonly spec: RunSessionSpec,
    protected readonly hooks: TrainingHooks,
    private readonly kind: { kind: RunKind; noun: string; testAtEnd: boolean },
  ) {
    this.progress = new RunProgressRecorder(store, spec.runId);
  }

  /** The settings, data and task of this session; RunFailure fails the run, TrainingError leaves it as it was. */
  protected abstract prepare(run: RunRow): Promise<P>;

  async run(): Promise<TrainingResult> {
    const { store, spec } = this;
    const run = this.checkRun();
    this.status = run.status;
    const lock = acquireRunLock(runModelsDir(store, spec.runId), spec.runId);
    let prepared: P | null = null;
    try {
      // We hold the lock, so a run still marked running or paused has lost its process.
      if (this.status === 'running' || this.status === 'paused') this.setStatus('interrupted', INTERRUPTED_REASON);
      try {
        prepared = await this.prepare(run);
      } catch (error) {
        if (!(error instanceof RunFailure)) throw error;
        this.setStatus('failed', error.message);
        return this.result('failed', 'error', null, { error: error.message });
      }
      this.setStatus('running', undefined, this.backend);
      return await this.train(prepared);
    } catch (error) {
      if (error instanceof TrainingError) throw error;
      // Something unexpected (a bug, a full disk): the run fails with the message, and the error goes on.
      this.failQuietly(oneLine(error));
      throw error;
    } finally {
      prepared?.task.dispose();
      lock.release();
    }
  }

  /** After choosing the checkpoint to resume from: what came after it (metrics, samples) is dropped. */
  protected forgetAfter(step: number | null): void {
    this.store.metrics.deleteAfter(this.spec.runId, step ?? -1);
    this.store.samples.deleteAfter(this.spec.runId, step ?? -1);
  }

  private checkRun(): RunRow {
    const { runId, resume } = this.spec;
    const run = this.store.runs.get(runId);
    if (!run) throw new TrainingError(`there is no run ${runId}`);
    if (run.kind !== this.kind.kind) throw new TrainingError(`run ${runId} is a ${run.kind} run, not ${this.kind.noun}`);
    if (resume && !RESUMABLE.includes(run.status)) {
      throw new TrainingError(`run ${runId} is ${run.status}; only interrupted (or queued) runs can be resumed`);
    }
    if (!resume && run.status !== 'queued') throw new TrainingError(`run ${runId} is ${run.status}, not queued (resume it instead)`);
    return run;
  }

  private async train(p: P): Promise<TrainingResult> {
    const { store, spec, hooks } = this;
    const options = loopOptionsFor(p.config, { progressIntervalMs: 250, testAtEnd: this.kind.testAtEnd }, spec.loop);
    let result: LoopResult;
    try {
      result = await runTrainingLoop(
        p.task,
        options,
        {
          ...hooks,
          // A getter does not survive the spread: read the caller's flag each time.
          get pauseRequested() {
            return hooks.pauseRequested;
          },
          onMetrics: (points) => {
            store.metrics.add(spec.runId, points);
            hooks.onMetrics?.(points);
          },
          onSample: (sample) => {
            store.samples.add(spec.runId, sample.step, sample.text);
            hooks.onSample?.(sample);
          },
          onProgress: (progress) => {
            this.progress.save(progress);
            hooks.onProgress?.(progress);
          },
          onPauseChange: (paused) => this.setStatus(paused ? 'paused' : 'running'),
        },
        new RunCheckpoints(store, spec.runId),
        p.resumed?.loop,
      );
    } catch (error) {
      const message = oneLine(error);
      this.failQuietly(message);
      return this.result('failed', 'error', null, { error: message }, p);
    }
    const final: FinalStatus =
      result.outcome === 'completed' || result.outcome === 'early-stopped' ? 'finished' : result.outcome === 'diverged' ? 'failed' : result.outcome;
    let outDir: string | undefined;
    if (final === 'finished' && spec.outDir) {
      const best = store.checkpoints.best(spec.runId);
      try {
        if (!best) throw new Error('the run has no checkpoint');
        await exportCheckpoint(toSaved(store, best).dir, best.sha256, spec.outDir);
        outDir = path.resolve(spec.outDir);
      } catch (error) {
        const message = `training finished, but writing the best checkpoint to ${spec.outDir} failed: ${oneLine(error)}`;
        this.failQuietly(message);
        return this.result('failed', result.outcome, result, { error: message }, p);
      }
    }
    // Only an abort ends the loop while paused; paused → finished is not a transition, the others are.
    if (this.status === 'paused' && final === 'finished') this.setStatus('running');
    if (final === 'failed') this.setStatus('failed', result.reason);
    else if (final === 'interrupted') this.setStatus('interrupted', 'stopped before the end; it can be resumed from its last checkpoint');
    else if (this.status !== final) this.setStatus(final);
    return this.result(final, result.outcome, result, {
      ...(final === 'failed' && result.reason ? { error: result.reason } : {}),
      ...(result.reason ? { reason: result.reason } : {}),
      ...(outDir ? { outDir } : {}),
    }, p);
  }

  private setStatus(to: RunStatus, error?: string, backend?: string): void {
    const row = this.store.runs.transition(this.spec.runId, to, { ...(error ? { error } : {}), ...(backend ? { backend } : {}) });
    this.status = row.status;
    this.hooks.onStatus?.({ status: to, ...(error ? { error } : {}) });
  }

  /** Marks the run failed if its status allows it (never throws: it reports another failure). */
  private failQuietly(message: string): void {
    try {
      if (this.status !== 'failed' && this.status !== 'finished' && this.status !== 'cancelled') this.setStatus('failed', message);
    } catch {
      // the original error matters more
    }
  }

  private result(status: FinalStatus, outcome: LoopOutcome | 'error', r: LoopResult | null, extra: Partial<TrainingResult>, p?: P): TrainingResult {
    const { store, spec } = this;
    const best = store.checkpoints.best(spec.runId);
    const last = store.checkpoints.last(spec.runId);
    const state = r?.state ?? p?.resumed?.loop ?? null;
    const perEpoch = p?.task.stepsPerEpoch ?? 1;
    return {
      runId: spec.runId,
      status,
      outcome,
      backend: this.backend,
      step: state?.step ?? 0,
      totalSteps: p ? budgetSteps(p.config.budget, perEpoch) : null,
      epoch: p ? (state?.step ?? 0) / perEpoch : 0,
      resumedFromStep: p?.resumed?.step ?? null,
      trainLoss: state?.smoothedLoss ?? null,
      finalValLoss: r?.finalValLoss ?? null,
      bestValLoss: state?.bestValLoss ?? null,
      testLoss: r?.testLoss ?? null,
      tokensPerSec: r && r.sessionTrainMs > 0 ? (r.sessionTokens * 1000) / r.sessionTrainMs : null,
      elapsedSeconds: (state?.elapsedMs ?? 0) / 1000,
      bestCheckpoint: best ? toSaved(store, best) : null,
      lastCheckpoint: last ? toSaved(store, last) : null,
      vocabSize: p?.vocabSize ?? 0,
      parameters: p?.parameters ?? 0,
      warnings: this.warnings,
      ...extra,
    };
  }
}
