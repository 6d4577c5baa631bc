/**
 * How many replicas a step uses and which rows each trains on. A replica costs a model copy, a thread and a
 * gradient exchange per step, and its matrix products get thinner with fewer rows; below MIN_ROWS_PER_REPLICA
 * rows the exchange and the lost efficiency outweigh the extra core (docs/performance.md, "Data-parallel
 * training"), so a small batch uses fewer replicas than threads allow.
 */
import { MIN_ROWS_PER_REPLICA } from '../config.js';

export interface Share {
  from: number;
  rows: number;
}

/** Replicas for `threads` threads and a batch of `batch` rows: at least one, at most one per MIN_ROWS_PER_REPLICA rows. */
export function replicasFor(threads: number, batch: number, minRows = MIN_ROWS_PER_REPLICA): number {
  return Math.max(1, Math.min(threads, Math.floor(batch / minRows)));
}

/** Contiguous blocks of rows, as even as possible, the larger ones first. */
export function sharesOf(batch: number, replicas: number): Share[] {
  const base = Math.floor(batch / replicas);
  const extra = batch % replicas;
  const shares: Share[] = [];
  let from = 0;
  for (let r = 0; r < replicas; r++) {
    const rows = base + (r < extra ? 1 : 0);
    shares.push({ from, rows });
    from += rows;
  }
  return shares;
}
