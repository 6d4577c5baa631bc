/**
 * `trainSeq2seq`: one seq2seq training run from its row in the store (kind 'seq2seq') to a final status,
 * the entry point `longhand train seq2seq` calls. The run's life in SQLite, the loop and the export belong to
 * RunSession (../runSession.ts); this prepares a session: the settings, the pairs, and a new model or the one
 * to resume from the newest checkpoint whose sha256 matches its row (same weights, Adam state, batcher position
 * and loop state).
 *
 * The pairs come from a file (stored in the run's config, so a resume reads it again and refuses it if it
 * changed) or are given in memory (mined pairs; a resume must be given them again).
 */
import { tf } from '../../compute/tf.js';
import { type LoadedSeq2seqCheckpoint, loadSeq2seqCheckpoint } from '../../model/seq2seq/checkpoint.js';
import { type JsonObject, type RunRow, type Store, openStore } from '../../store/index.js';
import { PairFileError } from '../../text/pairs/index.js';
import { RunCheckpoints, UnusableCheckpointError } from '../checkpoints.js';
import type { LoopOptions } from '../loop.js';
import { SetupError, oneLine } from '../lmSetup.js';
import { type PreparedRun, RunFailure, RunSession, type TrainingResult, TrainingError } from '../runSession.js';
import type { Budget, TrainingHooks } from '../task.js';
import { type Seq2seqTrainingConfig, resolveSeq2seqConfig } from './config.js';
import { type LoadedPairs, type Seq2seqPairsSource, loadPairs } from './data.js';
import { createSeq2seqTask } from './setup.js';
import { type Seq2seqTrainState, type Seq2seqTrainingTask, seq2seqResumeState } from './task.js';

export interface Seq2seqTrainingSpec {
  /** A run row of kind 'seq2seq': queued for a new run; for a resume also interrupted (or running/paused with a dead owner). */
  runId: number;
  /** An open store, or the data directory to open one in (closed at the end). One of the two. */
  store?: Store;
  dataDir?: string;
  /** The pairs of a new run; a resume reads the file the run recorded unless given pairs again. */
  pairs?: Seq2seqPairsSource;
  /** Settings over the task's defaults (new runs; a resume uses the run's stored config). */
  config?: Partial<Seq2seqTrainingConfig>;
  budget?: Budget;
  /** After a finished run, a verified copy of the best checkpoint goes here. */
  outDir?: string;
  resume?: boolean;
  loop?: Partial<Pick<LoopOptions, 'progressIntervalMs' | 'clock' | 'smoothing' | 'minDelta' | 'testAtEnd'>>;
}


export async function trainSeq2seq(spec: Seq2seqTrainingSpec, hooks: TrainingHooks = {}): Promise<TrainingResult> {
  if (!spec.store && !spec.dataDir) throw new TrainingError('trainSeq2seq needs a store or a data directory');
  const store = spec.store ?? openStore(spec.dataDir!);
  try {
    return await new Seq2seqRunSession(store, spec, hooks).run();
  } finally {
    if (!spec.store) store.close();
  }
}

interface Prepared extends PreparedRun {
  config: Seq2seqTrainingConfig;
  task: Seq2seqTrainingTask;
}

class Seq2seqRunSession extends RunSession<Prepared> {
  constructor(store: Store, protected override readonly spec: Seq2seqTrainingSpec, hooks: TrainingHooks) {
    super(store, spec, hooks, { kind: 'seq2seq', noun: 'a seq2seq model', testAtEnd: false });
  }

  protected async prepare(run: RunRow): Promise<Prepared> {
    const { spec, store } = this;
    const config = spec.resume ? storedConfig(run) : resolveOrFail({ ...spec.config, ...(spec.budget ? { budget: spec.budget } : {}) });
    const source = spec.pairs ?? (spec.resume ? storedSource(run) : null);
    if (!source) {
      throw new TrainingError(spec.resume ? `run ${run.id} was trained on pairs given directly; pass the same pairs to resume it` : 'no training pairs: give a pairs file or pairs');
    }
    let data: LoadedPairs;
    try {
      data = await loadPairs(source, config.validationFraction);
    } catch (error) {
      const message = error instanceof PairFileError || error instanceof Error ? error.message : String(error);
      if (spec.resume) throw new TrainingError(message);
      throw new RunFailure(message);
    }
    if (!spec.resume) store.runs.updateConfig(run.id, { ...config, pairs: data.stored } as unknown as JsonObject);

    const resume = spec.resume ? await this.findResumePoint(data) : null;
    let created: ReturnType<typeof createSeq2seqTask>;
    try {
      created = createSeq2seqTask(config, data, resume);
    } catch (error) {
      if (error instanceof SetupError) throw new RunFailure(error.message);
      throw error;
    } finally {
      // The task holds copies: the checkpoint's own tensors are no longer needed.
      if (resume) disposeLoaded(resume.loaded);
      if (resume) tf.dispose(resume.optimizer.tensors.map((t) => t.tensor));
    }
    const { task, droppedPairs } = created;
    if (droppedPairs > 0) this.warnings.push(`${droppedPairs} pairs have no source tokens and were left out`);
    return {
      config,
      task,
      resumed: resume ? { step: resume.step, loop: resume.train.loop } : null,
      vocabSize: task.model.config.targetVocabSize,
      parameters: task.model.variables().reduce((n, v) => n + v.size, 0),
    };
  }

  private async findResumePoint(data: LoadedPairs): Promise<ResumePoint | null> {
    const { store, spec } = this;
    const found = await new RunCheckpoints(store, spec.runId).prepareResume(async (dir, row): Promise<ResumePoint> => {
      const loaded = await loadSeq2seqCheckpoint(dir, { expectedSha256: row.sha256 });
      const state = seq2seqResumeState(loaded);
      if (typeof state === 'string') {
        disposeLoaded(loaded);
        throw new UnusableCheckpointError(`${dir}: ${state}`);
      }
      return { step: row.step, loaded, ...state };
    });
    this.warnings.push(...found.rejected.map((r) => `could not use checkpoint at ${r}`));
    if (!found.row && found.rejected.length > 0) this.warnings.push('no usable checkpoint is left: training starts again from step 0');
    const point = found.row ? found.loaded : null;
    if (point && point.train.data.sha256 !== data.sha256) {
      disposeLoaded(point.loaded);
      throw new TrainingError(`the training pairs of run ${spec.runId} have changed since it started; start a new run`);
    }
    this.forgetAfter(point?.step ?? null);
    return point;
  }
}

interface ResumePoint {
  step: number;
  loaded: LoadedSeq2seqCheckpoint;
  optimizer: { kind: 'adam'; step: number; tensors: { name: string; tensor: tf.Tensor }[] };
  train: Seq2seqTrainState;
}

function storedConfig(run: RunRow): Seq2seqTrainingConfig {
  const { pairs: _pairs, ...stored } = run.config as Partial<Seq2seqTrainingConfig> & { pairs?: unknown };
  try {
    return resolveSeq2seqConfig(stored);
  } catch (error) {
    throw new TrainingError(`run ${run.id} has an invalid stored config: ${oneLine(error)}`);
  }
}

function storedSource(run: RunRow): Seq2seqPairsSource | null {
  const pairs = (run.config as { pairs?: { kind?: string; path?: unknown; validPath?: unknown } }).pairs;
  if (pairs?.kind === 'file' && typeof pairs.path === 'string') {
    return { kind: 'file', path: pairs.path, ...(typeof pairs.validPath === 'string' ? { validPath: pairs.validPath } : {}) };
  }
  return null;
}

function resolveOrFail(partial: Partial<Seq2seqTrainingConfig>): Seq2seqTrainingConfig {
  try {
    return resolveSeq2seqConfig(partial);
  } catch (error) {
    throw new TrainingError(oneLine(error));
  }
}

function disposeLoaded(loaded: LoadedSeq2seqCheckpoint): void {
  tf.dispose(Object.values(loaded.weights));
  if (loaded.optimizer) tf.dispose(loaded.optimizer.state.map((s) => s.tensor));
}
