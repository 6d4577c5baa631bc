/**
 * Loading a language model for generation: a checkpoint directory (Longhand's, or a plain TF.js Layers model
 * with tokenizer.json beside it) → a ModelHandle, verified against the sha256 its SQLite row recorded when one
 * is given. Every failure is one line (a CheckpointError). src/cli/modelRef.ts resolves the CLI's `--model RUN`.
 */
import path from 'node:path';
import { tf } from '../compute/tf.js';
import { CheckpointError, TOKENIZER_FILE, loadLanguageModelCheckpoint } from '../model/checkpoint/index.js';
import { LanguageModel } from '../model/languageModel.js';
import { weightEntries } from '../model/weights.js';
import { type Tokenizer, tokenizerFromJson } from '../text/tokenizers/index.js';
import type { ContextCacheOptions } from './contexts.js';
import { ModelHandle, type ModelSource } from './handle.js';

export interface LoadModelOptions extends ContextCacheOptions {
  /** Refuse the checkpoint unless its sha256 is this one (the value its SQLite row recorded). */
  expectedSha256?: string;
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
