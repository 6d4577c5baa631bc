/**
 * A language-model TrainingTask from settings and documents: a new tokenizer and model, or everything a
 * checkpoint holds to continue exactly (tokenizer, weights, Adam state, the window sampler's random state).
 */
import { tf } from '../../compute/tf.js';
import { type LoadedLanguageModelCheckpoint, loadLanguageModelCheckpoint } from '../../model/checkpoint/index.js';
import { LanguageModel } from '../../model/languageModel.js';
import { combineSeeds } from '../../model/rng.js';
import { weightEntries } from '../../model/weights.js';
import { type Tokenizer, tokenizerFromJson } from '../../text/tokenizers/index.js';
import type { ResumePoint } from '../checkpointDir.js';
import { type LmSettings, splitOf } from '../config.js';
import { SetupError, UnusableCheckpointError, oneLine } from '../errors.js';
import type { OptimizerState } from '../optimizer.js';
import { encodeCorpus, splitTokens, trainCorpusTokenizer } from './data.js';
import { adoptParent, disposeParent } from './adopt.js';
import { initialWeights } from './init.js';
import { type LmTrainState, LanguageModelTask, resumeStateOf } from './task.js';

/** A checkpoint loaded to resume from: its tensors are owned until `createLanguageModelTask` takes them. */
export interface LmResumePoint extends ResumePoint {
  train: LmTrainState;
  optimizer: OptimizerState;
  loaded: LoadedLanguageModelCheckpoint;
}

/** Loads and verifies a checkpoint to resume from; CheckpointError or UnusableCheckpointError when it cannot be. */
export async function loadLmResumePoint(dir: string, sha256?: string): Promise<LmResumePoint> {
  const loaded = await loadLanguageModelCheckpoint(dir, sha256 !== undefined ? { expectedSha256: sha256 } : {});
  const state = resumeStateOf(loaded);
  if (typeof state === 'string') {
    disposeLoaded(loaded);
    throw new UnusableCheckpointError(`${dir}: ${state}`);
  }
  return { step: loaded.meta!.step, loop: state.train.loop, loaded, ...state, dispose: () => disposeLoaded(loaded) };
}

/**
 * The task for `documents` (whose sha256 is `corpusSha256`): a new tokenizer and model, the checkpoint's
 * tokenizer, weights, Adam state and sampler state (a resume), or the parent's model and tokenizer grown for the
 * text's new characters (./adopt.ts: fine-tuning). Takes ownership of `resume` and `parent` (disposed in every case).
 * Throws SetupError for text it cannot train on.
 */
export function createLanguageModelTask(
  config: LmSettings,
  documents: readonly string[],
  corpusSha256: string,
  resume: LmResumePoint | null,
  parent: LoadedLanguageModelCheckpoint | null = null,
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
    } else if (parent) {
      const adopted = adoptParent(parent, documents, combineSeeds(config.seed, 7), config.dropout);
      tokenizer = adopted.tokenizer;
      try {
        model = LanguageModel.fromWeights(adopted.config, adopted.weights);
      } finally {
        tf.dispose(weightEntries(adopted.weights).map(([, w]) => w));
      }
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
    const splits = splitTokens(ids, splitOf(config));
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
    resume?.dispose();
    if (parent) disposeParent(parent);
  }
}

function disposeLoaded(loaded: LoadedLanguageModelCheckpoint): void {
  tf.dispose(weightEntries(loaded.weights).map(([, t]) => t));
  if (loaded.optimizer) tf.dispose(loaded.optimizer.state.map((s) => s.tensor));
}
