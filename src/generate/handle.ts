/**
 * A loaded language model ready to generate: the model, its tokenizer, where it came from, and the editor's
 * context cache (sessions keyed by the text they have read, ./contexts.ts). `use()` marks it busy so that a
 * cache evicting it mid-completion defers the disposal until the completion is done.
 */
import type { LanguageModel } from '../model/languageModel.js';
import type { LmCheckpointMeta } from '../model/checkpoint/index.js';
import type { LanguageModelConfig } from '../model/types.js';
import type { Tokenizer } from '../text/tokenizers/index.js';
import { ContextCache, type ContextCacheOptions } from './contexts.js';

export interface ModelSource {
  /** Checkpoint directory (absolute), or null for a model built in memory. */
  dir: string | null;
  /** The checkpoint's sha256 as verified when loading. */
  sha256: string | null;
  /** longhand.json's metadata; null for a plain TF.js Layers model. */
  meta: LmCheckpointMeta | null;
  /** Set when the model was found through a training run (`longhand generate --model RUN`). */
  runId?: number;
  checkpointId?: number;
}

export class ModelHandle {
  readonly contexts: ContextCache;
  private users = 0;
  private unloadRequested = false;
  private unloaded = false;

  constructor(
    readonly model: LanguageModel,
    readonly tokenizer: Tokenizer,
    readonly source: ModelSource = { dir: null, sha256: null, meta: null },
    options: ContextCacheOptions = {},
  ) {
    this.contexts = new ContextCache(model, tokenizer, options);
  }

  get config(): LanguageModelConfig {
    return this.model.config;
  }

  /** True once dispose() was called (the model may still be finishing a use()). */
  get disposed(): boolean {
    return this.unloadRequested;
  }

  /** Runs `fn` with the model kept alive until it settles. */
  async use<T>(fn: () => Promise<T> | T): Promise<T> {
    if (this.unloadRequested) throw new Error(this.source.dir ? `the model ${this.source.dir} was unloaded` : 'the model was unloaded');
    this.users += 1;
    try {
      return await fn();
    } finally {
      this.users -= 1;
      if (this.unloadRequested && this.users === 0) this.release();
    }
  }

  /** Frees the model and its sessions now, or when the last use() ends. */
  dispose(): void {
    this.unloadRequested = true;
    if (this.users === 0) this.release();
  }

  private release(): void {
    if (this.unloaded) return;
    this.unloaded = true;
    this.contexts.dispose();
    this.model.dispose();
  }
}
