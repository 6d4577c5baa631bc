/**
 * `trainLanguageModel`: one language-model training run from its row in the store to a final status, the
 * entry point the worker and `longhand train` call. It owns the run's life in SQLite (queued → running ⇄
 * paused → finished | failed | cancelled | interrupted; every change a row update and an `onStatus` call),
 * its metrics (stored in batches), samples, latest progress and checkpoints (./checkpoints.ts), and resuming: the newest checkpoint
 * whose sha256 matches its row, with the same weights, Adam state, sampler state and loop state, so a resumed
 * run continues exactly as if it had not stopped (step and epoch budgets; bit-exact on cpu).
 *
 * The caller chooses the compute backend first (initCompute); the run records the backend in use.
 */
import path from 'node:path';
import { INTERRUPTED_REASON, type RunRow, type RunStatus, type Store, openStore } from '../store/index.js';
import { RunCheckpoints, exportCheckpoint, runModelsDir, toSaved } from './checkpoints.js';
import { type LmTrainingConfig, resolveLmConfig } from './config.js';
import { type CorpusSource, type LoadedCorpus, loadCorpus, storedSourceToCorpus } from './corpus.js';
import type { LanguageModelTask } from './lmTask.js';
import { type ResumePoint, SetupError, backendName, countParameters, createLanguageModelTask, loadResumePoint, oneLine } from './lmSetup.js';
import { type LoopOptions, type LoopOutcome, type LoopResult, budgetSteps, loopOptionsFor, runTrainingLoop } from './loop.js';
import { acquireRunLock } from './runLock.js';
import { RunProgressRecorder } from './runProgress.js';
import type { Budget, LoopState, SavedCheckpoint, TrainingHooks } from './task.js';

export interface LanguageModelTrainingSpec {
  /** A run row of kind 'lm': queued for a new run; for a resume also interrupted, or running/paused with a dead owner. */
  runId: number;
  /** An open store, or the data directory to open one in (then closed at the end). One of the two. */
  store?: Store;
  dataDir?: string;
  /** The text of a new run. A resume reads the source the run recorded (a corpus or a file) unless given one. */
  corpus?: CorpusSource;
  /** Settings over DEFAULT_LM_TRAINING (new runs; a resume uses the run's stored config). */
  config?: Partial<LmTrainingConfig>;
  /** Overrides config.budget (new runs). */
  budget?: Budget;
  /** After a finished run, a verified copy of the best checkpoint goes here (missing, empty, or a checkpoint). */
  outDir?: string;
  /** Continue the run from its last good checkpoint (from the start when it has none). */
  resume?: boolean;
  /** Loop settings the config does not carry (tests inject a clock, an unthrottled progress interval…). */
  loop?: Partial<Pick<LoopOptions, 'progressIntervalMs' | 'clock' | 'smoothing' | 'minDelta' | 'testAtEnd'>>;
}

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

const RESUMABLE: readonly RunStatus[] = ['queued', 'interrupted', 'running', 'paused'];

export async function trainLanguageModel(spec: LanguageModelTrainingSpec, hooks: TrainingHooks = {}): Promise<TrainingResult> {
  if (!spec.store && !spec.dataDir) throw new TrainingError('trainLanguageModel needs a store or a data directory');
  const store = spec.store ?? openStore(spec.dataDir!);
  try {
    return await new RunSession(store, spec, hooks).run();
  } finally {
    if (!spec.store) store.close();
  }
}

interface Prepared {
  config: LmTrainingConfig;
  task: LanguageModelTask;
  /** Where this session starts (null: from scratch). */
  resumed: { step: number; loop: LoopState } | null;
}

/** Thrown inside a session: the run fails with this one-line message (bad text, text too short…). */
class RunFailure extends Error {}

class RunSession {
  private status: RunStatus;
  private readonly warnings: string[] = [];
  private readonly backend = backendName();
  private readonly progress: RunProgressRecorder;

  constructor(
    private readonly store: Store,
    private readonly spec: LanguageModelTrainingSpec,
    private readonly hooks: TrainingHooks,
  ) {
    this.status = 'queued';
    this.progress = new RunProgressRecorder(store, spec.runId);
  }

  async run(): Promise<TrainingResult> {
    const { store, spec } = this;
    const run = this.checkRun();
    this.status = run.status;
    const lock = acquireRunLock(runModelsDir(store, spec.runId), spec.runId);
    let task: LanguageModelTask | null = null;
    try {
      // We hold the lock, so a run still marked running or paused has lost its process.
      if (this.status === 'running' || this.status === 'paused') this.setStatus('interrupted', INTERRUPTED_REASON);
      let prepared: Prepared;
      try {
        prepared = await this.prepare(run);
      } catch (error) {
        if (!(error instanceof RunFailure)) throw error;
        this.setStatus('failed', error.message);
        return this.result('failed', 'error', null, { error: error.message });
      }
      task = prepared.task;
      this.setStatus('running', undefined, this.backend);
      return await this.train(prepared);
    } catch (error) {
      if (error instanceof TrainingError) throw error;
      // Something unexpected (a bug, a full disk): the run fails with the message, and the error goes on.
      this.failQuietly(oneLine(error));
      throw error;
    } finally {
      task?.dispose();
      lock.release();
    }
  }

  private checkRun(): RunRow {
    const { runId, resume } = this.spec;
    const run = this.store.runs.get(runId);
    if (!run) throw new TrainingError(`there is no run ${runId}`);
    if (run.kind !== 'lm') throw new TrainingError(`run ${runId} is a ${run.kind} run, not a language model`);
    if (resume && !RESUMABLE.includes(run.status)) {
      throw new TrainingError(`run ${runId} is ${run.status}; only interrupted (or queued) runs can be resumed`);
    }
    if (!resume && run.status !== 'queued') throw new TrainingError(`run ${runId} is ${run.status}, not queued (resume it instead)`);
    return run;
  }

  private async prepare(run: RunRow): Promise<Prepared> {
    const { spec, store } = this;
    // A new run: the spec's settings over the row's (a run the service queued carries its settings there).
    const config = spec.resume
      ? resolveStored(run, storedSettings(run))
      : resolveStored(run, { ...storedSettings(run), ...definedOnly(spec.config ?? {}), ...(spec.budget ? { budget: spec.budget } : {}) }, false);
    // A run the service queued has its corpus in the row, not a recorded source.
    const source =
      spec.corpus ??
      (spec.resume ? storedSourceToCorpus(run.config.source) : null) ??
      (run.corpusId !== null ? { kind: 'corpus' as const, corpusId: run.corpusId } : null);
    if (!source) {
      throw new TrainingError(
        spec.resume ? `run ${run.id} was trained on text given directly; pass the same text to resume it` : 'no training text: give a corpus, a file or text',
      );
    }
    let corpus: LoadedCorpus;
    try {
      corpus = await loadCorpus(store, source);
    } catch (error) {
      // A resume leaves the run resumable: the user can put the file back.
      if (spec.resume) throw new TrainingError(oneLine(error));
      throw new RunFailure(oneLine(error));
    }
    if (!spec.resume) store.runs.updateConfig(run.id, { ...config, source: corpus.stored });
    const point = spec.resume ? await this.findResumePoint() : null;
    const resumed = point ? { step: point.step, loop: point.train.loop } : null;
    try {
      return { config, task: createLanguageModelTask(config, corpus.documents, corpus.sha256, point), resumed };
    } catch (error) {
      if (!(error instanceof SetupError)) throw error;
      if (spec.resume) throw new TrainingError(`cannot resume run ${run.id}: ${error.message}`);
      throw new RunFailure(error.message);
    }
  }

  /** The newest usable checkpoint, after clearing what a crash left behind; metrics after it are deleted. */
  private async findResumePoint(): Promise<ResumePoint | null> {
    const { store, spec } = this;
    const found = await new RunCheckpoints(store, spec.runId).prepareResume((dir, row) => loadResumePoint(dir, row.sha256));
    this.warnings.push(...found.rejected.map((r) => `could not use checkpoint at ${r}`));
    if (!found.row && found.rejected.length > 0) this.warnings.push('no usable checkpoint is left: training starts again from step 0');
    const point = found.row ? found.loaded : null;
    store.metrics.deleteAfter(spec.runId, point?.step ?? -1);
    store.samples.deleteAfter(spec.runId, point?.step ?? -1);
    return point;
  }

  private async train(p: Prepared): Promise<TrainingResult> {
    const { store, spec, hooks } = this;
    const { config, task } = p;
    const options = loopOptionsFor(config, { progressIntervalMs: 250, testAtEnd: true }, spec.loop);
    let result: LoopResult;
    try {
      result = await runTrainingLoop(
        task,
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

  private result(status: FinalStatus, outcome: LoopOutcome | 'error', r: LoopResult | null, extra: Partial<TrainingResult>, p?: Prepared): TrainingResult {
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
      vocabSize: p?.task.model.config.vocabSize ?? 0,
      parameters: p ? countParameters(p.task.model) : 0,
      warnings: this.warnings,
      ...extra,
    };
  }
}

/** The settings a run row carries (the contract's validationFraction read as a split). */
function storedSettings(run: RunRow): Partial<LmTrainingConfig> {
  const { validationFraction, ...stored } = run.config as Partial<LmTrainingConfig> & { validationFraction?: unknown };
  if (stored.split === undefined && typeof validationFraction === 'number') stored.split = [1 - validationFraction, validationFraction, 0];
  return stored;
}

function resolveStored(run: RunRow, settings: Partial<LmTrainingConfig>, stored = true): LmTrainingConfig {
  try {
    return resolveLmConfig(settings);
  } catch (error) {
    throw new TrainingError(stored ? `run ${run.id} has invalid settings: ${oneLine(error)}` : oneLine(error));
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
