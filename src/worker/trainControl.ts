/**
 * Steering a training job in the worker: a pause request the loop sees between steps (it checkpoints, then
 * waits here until resumed), cancel (the signal aborts and a waiting loop is released with an AbortError) and
 * interrupt (aborted with INTERRUPT: the loop saves a checkpoint and ends resumable).
 */
import { INTERRUPT } from '../train/task.js';
import type { Control } from './table.js';

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

function abortError(): Error {
  const error = new Error('The run was cancelled.');
  error.name = 'AbortError';
  return error;
}

export class TrainControl {
  readonly #controller: AbortController;
  #paused = false;
  #waiters: { resolve: () => void; reject: (e: Error) => void }[] = [];

  constructor(controller: AbortController) {
    this.#controller = controller;
    controller.signal.addEventListener('abort', () => this.#release((w) => w.reject(abortError())), { once: true });
  }

  get pauseRequested(): boolean {
    return this.#paused;
  }

  /** Between steps: yields to the event loop; while paused, settles on resume (rejects once aborted). */
  waitIfPaused = async (): Promise<void> => {
    if (this.#controller.signal.aborted) throw abortError();
    if (!this.#paused) return yieldToEventLoop();
    await new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
  };

  apply(action: Control): void {
    if (action === 'pause') this.#paused = true;
    else if (action === 'resume') {
      this.#paused = false;
      this.#release((w) => w.resolve());
    } else this.#controller.abort(INTERRUPT);
  }

  #release(fn: (w: { resolve: () => void; reject: (e: Error) => void }) => void): void {
    const all = this.#waiters;
    this.#waiters = [];
    for (const w of all) fn(w);
  }
}
