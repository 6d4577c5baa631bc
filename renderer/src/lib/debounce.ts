/** One pending call that restarts on every schedule: autosave and completion requests. */
export class Debouncer {
  #timer: ReturnType<typeof setTimeout> | null = null;
  #fn: (() => void) | null = null;

  schedule(fn: () => void, ms: number): void {
    this.cancel();
    this.#fn = fn;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#fn = null;
      fn();
    }, ms);
  }

  get pending(): boolean {
    return this.#timer !== null;
  }

  cancel(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    this.#fn = null;
  }

  /** Runs the pending call now, if any. */
  flush(): void {
    const fn = this.#fn;
    this.cancel();
    fn?.();
  }
}
