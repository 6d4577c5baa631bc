/**
 * Building a language-model TrainingTask from settings and documents, fresh or from a checkpoint — shared by
 * the store-backed run (./trainLanguageModel.ts) and the worker's job (./workerJob.ts).
 */
import { currentBackendReport } from '../compute/backend.js';
import { tf } from '../compute/tf.js';
import { type LoadedLanguageModelCheckpoint, loadLanguageModelCheckpoint } from '../model/checkpoint/index.js';
import { LanguageModel } from '../model/languageModel.js';
import { weightEntries } from '../model/weights.js';
import { type Tokenizer, tokenizerFromJson } from '../text/tokenizers/index.js';
import { UnusableCheckpointError } from './checkpoints.js';
import type { LmTrainingConfig } from './config.js';
import { initialWeights } from './init.js';
import { encodeCorpus, splitTokens, trainCorpusTokenizer } from './data.js';
import { type LmTrainState, LanguageModelTask, resumeStateOf } from './lmTask.js';
import type { OptimizerState } from './optimizer.js';

/** A checkpoint loaded to resume from: its tensors are owned until `createLanguageModelTask` takes them. */
export interface ResumePoint {
  step: number;
  train: LmTrainState;
  optimizer: OptimizerState;
  loaded: LoadedLanguageModelCheckpoint;
}

/** Bad input for a run (no usable text, text too short, tokenizer settings): a one-line message for the user. */
export class SetupError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SetupError';
  }
}

/** Loads and verifies a checkpoint to resume from; CheckpointError or UnusableCheckpointError when it cannot be. */
export async function loadResumePoint(dir: string, sha256?: string): Promise<ResumePoint> {
  const loaded = await loadLanguageModelCheckpoint(dir, sha256 !== undefined ? { expectedSha256: sha256 } : {});
  const state = resumeStateOf(loaded);
  if (typeof state === 'string') {
    disposeLoaded(loaded);
    throw new UnusableCheckpointError(`${dir}: ${state}`);
  }
  return { step: loaded.meta!.step, loaded, ...state };
}

export function disposeResumePoint(point: ResumePoint): void {
  disposeLoaded(point.loaded);
}

/**
 * The task for `documents` (whose sha256 is `corpusSha256`): a new tokenizer and model, or the checkpoint's
 * tokenizer, weights, Adam state and sampler state. Takes ownership of `resume` (disposed in every case).
 */
export function createLanguageModelTask(
  config: LmTrainingConfig,
  documents: readonly string[],
  corpusSha256: string,
  resume: ResumePoint | null,
): LanguageModelTask {
  let model: LanguageModel | null = null;
  try {
    let tokenizer: Tokenizer;
    if (resume) {
      if (resume.train.corpus.sha256 !== corpusSha256) {
        throw new SetupError(
          `the training text has changed since the run started (sha256 ${corpusSha256.slice(0, 12)}…, was ${resume.train.corpus.sha256.slice(0, 12)}…); start a new run`,
        );
      }
      tokenizer = tokenizerFromJson(resume.loaded.tokenizerJson);
      model = LanguageModel.fromWeights(resume.loaded.config, resume.loaded.weights);
    } else {
      if (documents.every((d) => d.trim() === '')) throw new SetupError('the training text is empty');
      try {
        tokenizer = trainCorpusTokenizer(config.level, documents, config.vocabSize);
      } catch (error) {
        throw new SetupError(oneLine(error));
      }
      const { embed, hidden, layers, cell, dropout } = config;
      const modelConfig = { vocabSize: tokenizer.vocabSize, embedDim: embed, hiddenSize: hidden, layers, cell, dropout };
      const weights = initialWeights(modelConfig, config.seed, config.init);
      try {
        model = LanguageModel.fromWeights(modelConfig, weights);
      } finally {
        tf.dispose(weightEntries(weights).map(([, w]) => w));
      }
    }
    const ids = encodeCorpus(tokenizer, documents);
    const splits = splitTokens(ids, config.split);
    if (splits.train.length < config.seq + 1) {
      throw new SetupError(
        `the text is too short: ${splits.train.length} training tokens, and a window of seq + 1 = ${config.seq + 1} needs at least that many (add text or lower seq)`,
      );
    }
    const task = new LanguageModelTask({
      model,
      tokenizer,
      splits,
      config,
      corpus: { sha256: corpusSha256, tokens: ids.length },
      ...(resume ? { resume: { optimizer: resume.optimizer, samplerState: resume.train.samplerState } } : {}),
    });
    model = null; // the task owns it now
    return task;
  } finally {
    model?.dispose();
    if (resume) disposeResumePoint(resume);
  }
}

/** The backend tensors run on: initCompute's name for it when it chose this one (tfjs-node…), else tf's. */
export function backendName(): string {
  const tfName = tf.getBackend();
  const report = currentBackendReport();
  return report && report.tfBackend === tfName ? report.backend : tfName;
}

export function countParameters(model: LanguageModel): number {
  return weightEntries(model.weights).reduce((n, [, v]) => n + v.size, 0);
}

export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.trim();
}

function disposeLoaded(loaded: LoadedLanguageModelCheckpoint): void {
  tf.dispose(weightEntries(loaded.weights).map(([, t]) => t));
  if (loaded.optimizer) tf.dispose(loaded.optimizer.state.map((s) => s.tensor));
}
