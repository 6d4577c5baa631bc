/**
 * A small LRU of loaded models for the service/worker, keyed by checkpoint directory and sha256 (a retrained
 * checkpoint written to the same path is a different entry). Concurrent requests for one key share one load;
 * a failed load is not remembered. Evicted models are disposed once no completion is using them
 * (ModelHandle.use).
 */
import path from 'node:path';
import type { ModelHandle } from './handle.js';
import { type LoadModelOptions, loadModel } from './loadModel.js';

export type ModelLoader = (dir: string, options: LoadModelOptions) => Promise<ModelHandle>;

export class ModelCache {
  /** Insertion order is recency: least recently used first. */
  private entries = new Map<string, Promise<ModelHandle>>();

  constructor(
    readonly capacity = 2,
    private readonly load: ModelLoader = (dir, options) => loadModel(dir, options),
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`capacity must be a positive integer (got ${capacity})`);
  }

  /**
   * The model in `dir`, loaded once. Pass the sha256 recorded for it: the cache trusts a directory it has
   * loaded not to change under the same key, and loading refuses files that do not match it.
   */
  get(dir: string, options: LoadModelOptions = {}): Promise<ModelHandle> {
    const key = cacheKey(dir, options.expectedSha256);
    const cached = this.entries.get(key);
    if (cached) {
      this.entries.delete(key);
      this.entries.set(key, cached);
      return cached;
    }
    const pending = this.load(dir, options);
    this.entries.set(key, pending);
    pending.catch(() => {
      if (this.entries.get(key) === pending) this.entries.delete(key);
    });
    while (this.entries.size > this.capacity) {
      const [oldest, entry] = this.entries.entries().next().value!;
      this.entries.delete(oldest);
      disposeWhenLoaded(entry);
    }
    return pending;
  }

  has(dir: string, expectedSha256?: string): boolean {
    return this.entries.has(cacheKey(dir, expectedSha256));
  }

  /** Drops one entry (e.g. its checkpoint was deleted), disposing the model. */
  delete(dir: string, expectedSha256?: string): boolean {
    const key = cacheKey(dir, expectedSha256);
    const entry = this.entries.get(key);
    if (!entry) return false;
    this.entries.delete(key);
    disposeWhenLoaded(entry);
    return true;
  }

  get size(): number {
    return this.entries.size;
  }

  dispose(): void {
    for (const entry of this.entries.values()) disposeWhenLoaded(entry);
    this.entries.clear();
  }
}

function cacheKey(dir: string, sha256: string | undefined): string {
  return `${path.resolve(dir)}\n${sha256 ?? ''}`;
}

function disposeWhenLoaded(entry: Promise<ModelHandle>): void {
  entry.then(
    (handle) => handle.dispose(),
    () => undefined,
  );
}
