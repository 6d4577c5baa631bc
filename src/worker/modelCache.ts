/**
 * Models loaded for generation, kept by key (checkpoint directory + sha256) in least-recently-used order. A
 * model in use is never disposed; the cache may briefly hold more than its capacity until those calls finish.
 * A failed load is forgotten, so the next call tries again.
 */
export interface Disposable {
  dispose(): void;
}

interface Entry<M> {
  model: Promise<M>;
  users: number;
}

export class ModelCache<M extends Disposable> {
  readonly #capacity: number;
  readonly #entries = new Map<string, Entry<M>>();

  constructor(capacity = 3) {
    this.#capacity = Math.max(1, capacity);
  }

  get size(): number {
    return this.#entries.size;
  }

  keys(): string[] {
    return [...this.#entries.keys()];
  }

  /** Runs `fn` with the model for `key`, loading it first if needed. */
  async use<T>(key: string, load: () => Promise<M>, fn: (model: M) => Promise<T>): Promise<T> {
    let entry = this.#entries.get(key);
    if (entry) this.#entries.delete(key); // re-inserted below: most recently used last
    else entry = { model: load(), users: 0 };
    this.#entries.set(key, entry);
    entry.users++;
    try {
      let model: M;
      try {
        model = await entry.model;
      } catch (error) {
        if (this.#entries.get(key) === entry) this.#entries.delete(key);
        throw error;
      }
      return await fn(model);
    } finally {
      entry.users--;
      this.#evict();
    }
  }

  /** Disposes of every model not in use (all of them when called at shutdown). */
  clear(): void {
    for (const [key, entry] of [...this.#entries]) {
      if (entry.users > 0) continue;
      this.#entries.delete(key);
      void entry.model.then((m) => m.dispose(), () => undefined);
    }
  }

  #evict(): void {
    for (const [key, entry] of this.#entries) {
      if (this.#entries.size <= this.#capacity) return;
      if (entry.users > 0) continue;
      this.#entries.delete(key);
      void entry.model.then((m) => m.dispose(), () => undefined);
    }
  }
}
