/**
 * Generation before training, on one thread and on the cores. The app's worker thread computes suggestions while
 * its run trains: the replica threads fill the cores (with them busy, a suggestion took twice its idle time:
 * docs/performance.md, "The editor while a run trains"), and this thread itself evaluates between steps. So while
 * the worker generates (`holdTraining`):
 * - the replica sets started from this thread wait at their next time step (within a millisecond: a counter in
 *   their shared memory, read by every recurrent loop through src/compute/pausePoint.ts) and go on afterwards with
 *   the same numbers;
 * - an evaluation on this thread, which yields between its batches (`betweenBatches`), does not take its next batch
 *   until the generation is done — otherwise the two interleave and the suggestion lasts as long as the evaluation.
 * A module is per thread, so this is the worker thread's state only.
 */
import type { SharedGradients } from './parallel/sharedGradients.js';

const running = new Set<SharedGradients>();
let generating = 0;
let idle: { promise: Promise<void>; resolve: () => void } | null = null;

/** Makes a replica set holdable from this thread until the returned function is called (its job ended). */
export function registerHoldable(shared: SharedGradients): () => void {
  running.add(shared);
  return () => running.delete(shared);
}

/** Holds this thread's training (its replica sets and its evaluation); call the result when the urgent work is done. */
export function holdTraining(): () => void {
  const releases = [...running].map((shared) => shared.hold());
  generating++;
  let released = false;
  return () => {
    if (released) return;
    released = true;
    releases.forEach((release) => release());
    if (--generating === 0 && idle) {
      idle.resolve();
      idle = null;
    }
  };
}

/** Between two evaluation batches: lets waiting calls in, then waits until no generation runs on this thread. */
export async function betweenBatches(): Promise<void> {
  await new Promise<void>((resolve) => setImmediate(resolve));
  while (generating > 0) {
    if (!idle) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      idle = { promise, resolve };
    }
    await idle.promise;
  }
}
