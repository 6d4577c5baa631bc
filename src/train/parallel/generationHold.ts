/**
 * Generation before training, on a machine whose cores the replicas fill. The app's worker thread computes
 * suggestions while its replica threads train (keepThreadFree, ./coordinator.ts); with every core busy a
 * suggestion took twice its idle time (docs/performance.md, "The editor while a run trains"). So while the worker
 * generates, it holds the replica sets started from its thread: each replica waits at its next time step (within a
 * millisecond) and goes on when the suggestion is done. Only one thread's sets: a module is per thread.
 */
import type { SharedGradients } from './sharedGradients.js';

const running = new Set<SharedGradients>();

/** Makes a replica set holdable from this thread until the returned function is called (its job ended). */
export function registerHoldable(shared: SharedGradients): () => void {
  running.add(shared);
  return () => running.delete(shared);
}

/** Holds every replica set of this thread's training jobs; call the result when the urgent work is done. */
export function holdTraining(): () => void {
  const releases = [...running].map((shared) => shared.hold());
  return () => releases.forEach((release) => release());
}
