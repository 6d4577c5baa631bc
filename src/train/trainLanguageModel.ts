/**
 * `trainLanguageModel`: one language-model training run from its row in the store to a final status, the
 * entry point `longhand train` calls. RunSession (./runSession.ts) owns the run's life in SQLite (queued →
 * running ⇄ paused → finished | failed | cancelled | interrupted; every change a row update and an `onStatus`
 * call), its metrics, samples, latest progress and checkpoints (./checkpoints.ts); this prepares a session and
 * resumes from the newest checkpoint whose sha256 matches its row, with the same weights, Adam state, sampler
 * state and loop state, so a resumed run continues exactly as if it had not stopped (step and epoch budgets;
 * bit-exact on cpu).
 *
 * The caller chooses the compute backend first (initCompute); the run records the backend in use.
 */
import { type RunRow, type Store, openStore } from '../store/index.js';
import { RunCheckpoints } from './checkpoints.js';
import { type LmTrainingConfig, resolveLmConfig } from './config.js';
import { type CorpusSource, type LoadedCorpus, loadCorpus, storedSourceToCorpus } from './corpus.js';
import { type ResumePoint, SetupError, countParameters, createLanguageModelTask, loadResumePoint, oneLine } from './lmSetup.js';
import type { LoopOptions } from './loop.js';
import { type PreparedRun, RunFailure, RunSession, type TrainingResult, TrainingError } from './runSession.js';
import type { Budget, TrainingHooks } from './task.js';

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

export { type FinalStatus, type TrainingResult, TrainingError } from './runSession.js';

export async function trainLanguageModel(spec: LanguageModelTrainingSpec, hooks: TrainingHooks = {}): Promise<TrainingResult> {
  if (!spec.store && !spec.dataDir) throw new TrainingError('trainLanguageModel needs a store or a data directory');
  const store = spec.store ?? openStore(spec.dataDir!);
  try {
    return await new LanguageModelRunSession(store, spec, hooks).run();
  } finally {
    if (!spec.store) store.close();
  }
}

interface Prepared extends PreparedRun {
  config: LmTrainingConfig;
  task: ReturnType<typeof createLanguageModelTask>;
}

class LanguageModelRunSession extends RunSession<Prepared> {
  constructor(store: Store, protected override readonly spec: LanguageModelTrainingSpec, hooks: TrainingHooks) {
    super(store, spec, hooks, { kind: 'lm', noun: 'a language model', testAtEnd: true });
  }

  protected async prepare(run: RunRow): Promise<Prepared> {
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
      const task = createLanguageModelTask(config, corpus.documents, corpus.sha256, point);
      return { config, task, resumed, vocabSize: task.model.config.vocabSize, parameters: countParameters(task.model) };
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
    this.forgetAfter(point?.step ?? null);
    return point;
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
