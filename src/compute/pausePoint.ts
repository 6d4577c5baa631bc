/**
 * A place in long computations — every time step of a recurrent pass, forward and backward — where the current
 * thread may be asked to wait. It does nothing unless the thread installed a pause (a training replica thread
 * does: src/train/parallel/replicaEntry.ts), so the one-thread path and generation pay one null check per step.
 *
 * Why per time step: a replica's step takes a few hundred milliseconds, far longer than a ghost suggestion may
 * take; between two time steps a replica can stop within a millisecond and leave its core to generation.
 */
let pause: (() => void) | null = null;

/** Installs (or, with null, removes) this thread's pause: a function that blocks while the thread should wait. */
export function setPausePoint(wait: (() => void) | null): void {
  pause = wait;
}

/** Waits here if this thread has been asked to. */
export function pausePoint(): void {
  if (pause) pause();
}
