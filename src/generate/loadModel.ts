/**
 * Loading a language model for generation: a checkpoint directory (Longhand's, or a plain TF.js Layers model
 * with tokenizer.json beside it) → a ModelHandle; and resolving what a user types after `--model`: a
 * directory, or a training run id (`12` or `run:12`) whose best checkpoint is loaded and verified against
 * the sha256 its SQLite row recorded. Every failure is one line: a CheckpointError from the checkpoint code,
 * or a ModelNotFoundError for a run that is not there.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { tf } from '../compute/tf.js';
import { CheckpointError, TOKENIZER_FILE, loadLanguageModelCheckpoint } from '../model/checkpoint/index.js';
import { LanguageModel } from '../model/languageModel.js';
import { weightEntries } from '../model/weights.js';
import { DATABASE_FILE, openStore, resolveDataDir } from '../store/index.js';
import { type Tokenizer, tokenizerFromJson } from '../text/tokenizers/index.js';
import type { ContextCacheOptions } from './contexts.js';
import { ModelHandle, type ModelSource } from './handle.js';

export interface LoadModelOptions extends ContextCacheOptions {
  /** Refuse the checkpoint unless its sha256 is this one (the value its SQLite row recorded). */
  expectedSha256?: string;
}

/** A checkpoint directory, with what is known about it before loading. */
export interface ModelLocation {
  dir: string;
  expectedSha256?: string;
  runId?: number;
  checkpointId?: number;
}

/** `--model` named a run that does not exist or has no checkpoint. */
export class ModelNotFoundError extends Error {
  override readonly name = 'ModelNotFoundError';
}

export async function loadModel(dir: string, options: LoadModelOptions = {}, origin: Pick<ModelSource, 'runId' | 'checkpointId'> = {}): Promise<ModelHandle> {
  const root = path.resolve(dir);
  const loaded = await loadLanguageModelCheckpoint(root, options.expectedSha256 ? { expectedSha256: options.expectedSha256 } : {});
  const tensors = [...weightEntries(loaded.weights).map(([, t]) => t), ...(loaded.optimizer?.state.map((s) => s.tensor) ?? [])];
  try {
    let tokenizer: Tokenizer;
    try {
      tokenizer = tokenizerFromJson(loaded.tokenizerJson);
    } catch (error) {
      throw new CheckpointError('invalid', `${TOKENIZER_FILE} in ${root}: ${error instanceof Error ? error.message : String(error)}`, root, TOKENIZER_FILE, { cause: error });
    }
    if (tokenizer.vocabSize !== loaded.config.vocabSize) {
      throw new CheckpointError('mismatch', `${TOKENIZER_FILE} in ${root} has ${tokenizer.vocabSize} tokens but the model's vocabulary is ${loaded.config.vocabSize}`, root, TOKENIZER_FILE);
    }
    const model = LanguageModel.fromWeights(loaded.config, loaded.weights);
    return new ModelHandle(model, tokenizer, { dir: root, sha256: loaded.digest.sha256, meta: loaded.meta, ...origin }, options);
  } finally {
    // fromWeights copied them into variables; the optimizer state is not needed to generate.
    tf.dispose(tensors);
  }
}

/**
 * What `--model` means: an existing path is a checkpoint directory; `run:ID`, or a bare integer that is not
 * a path, is a run in the store at the data directory (`$LONGHAND_HOME`…), whose best checkpoint it names.
 * Anything else is taken as a directory, for the checkpoint loader to report as missing.
 */
export async function resolveModelRef(ref: string, options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<ModelLocation> {
  const trimmed = ref.trim();
  const asPath = path.resolve(options.cwd ?? process.cwd(), trimmed);
  const explicitRun = /^run:/i.test(trimmed);
  if (!explicitRun && (await exists(asPath))) return { dir: asPath };
  const match = /^(?:run:)?(\d+)$/i.exec(trimmed);
  if (!match) {
    if (explicitRun) throw new ModelNotFoundError(`"${trimmed}" is not a run: write run:ID with a number`);
    return { dir: asPath };
  }
  const runId = Number(match[1]);
  const dataDir = resolveDataDir(options.env ? { env: options.env } : {});
  const database = path.join(dataDir, DATABASE_FILE);
  if (!(await exists(database))) {
    throw new ModelNotFoundError(`no checkpoint directory ${asPath}, and no run ${runId}: there is no Longhand database at ${database}`);
  }
  const store = openStore(dataDir);
  try {
    const run = store.runs.get(runId);
    if (!run) throw new ModelNotFoundError(`no checkpoint directory ${asPath}, and no run ${runId} in ${database}`);
    if (run.kind !== 'lm') throw new ModelNotFoundError(`run ${runId} ("${run.name}") is a ${run.kind} run, not a language model`);
    const best = store.checkpoints.best(runId);
    if (!best) throw new ModelNotFoundError(`run ${runId} ("${run.name}") has no checkpoint yet`);
    return { dir: path.resolve(dataDir, best.path), expectedSha256: best.sha256, runId, checkpointId: best.id };
  } finally {
    store.close();
  }
}

/** resolveModelRef, then loadModel with the run's recorded sha256. */
export async function loadModelRef(ref: string, options: LoadModelOptions & { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<ModelHandle> {
  const { env, cwd, ...loadOptions } = options;
  const location = await resolveModelRef(ref, { ...(env ? { env } : {}), ...(cwd ? { cwd } : {}) });
  return loadModel(location.dir, { ...loadOptions, ...(location.expectedSha256 ? { expectedSha256: location.expectedSha256 } : {}) }, {
    ...(location.runId !== undefined ? { runId: location.runId } : {}),
    ...(location.checkpointId !== undefined ? { checkpointId: location.checkpointId } : {}),
  });
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}
