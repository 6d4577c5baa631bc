/**
 * Progress and metric points of a training run on their way to the service: progress is throttled to one
 * message per interval (≈10 a second) keeping only the latest, metric points are batched, and `flush()` sends
 * whatever is pending at once — before a checkpoint, a sample or the end of the run, so the final progress is
 * never lost and messages keep their order.
 */
export interface OutboxOptions<P, M> {
  sendProgress(progress: P): void;
  sendMetrics(points: M[]): void;
  intervalMs?: number;
  now?: () => number;
}

export class ProgressOutbox<P, M> {
  readonly #options: OutboxOptions<P, M>;
  readonly #interval: number;
  readonly #now: () => number;
  #progress: P | undefined;
  #metrics: M[] = [];
  #lastSent = Number.NEGATIVE_INFINITY;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(options: OutboxOptions<P, M>) {
    this.#options = options;
    this.#interval = options.intervalMs ?? 100;
    this.#now = options.now ?? Date.now;
  }

  progress(progress: P): void {
    this.#progress = progress;
    this.#schedule();
  }

  metrics(points: readonly M[]): void {
    this.#metrics.push(...points);
    this.#schedule();
  }

  /** Sends everything pending now (metrics first: progress describes the latest step). */
  flush(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#metrics.length > 0) {
      const points = this.#metrics;
      this.#metrics = [];
      this.#options.sendMetrics(points);
    }
    if (this.#progress !== undefined) {
      const progress = this.#progress;
      this.#progress = undefined;
      this.#lastSent = this.#now();
      this.#options.sendProgress(progress);
    }
  }

  dispose(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    if (this.#timer !== undefined) return;
    const wait = this.#lastSent + this.#interval - this.#now();
    if (wait <= 0) this.flush();
    else this.#timer = setTimeout(() => this.flush(), wait);
  }
}
