/**
 * Seeded inverted-dropout masks (0 or 1/(1−rate)), generated in JS so a seed gives the same mask on every
 * backend, which exact training resume relies on.
 */
import type { Rng } from './rng.js';

export function dropoutMask(size: number, rate: number, rng: Rng): Float32Array {
  const keep = 1 - rate;
  const scale = 1 / keep;
  const out = new Float32Array(size);
  for (let i = 0; i < size; i++) out[i] = rng.next() < keep ? scale : 0;
  return out;
}

/**
 * Rows [from, from + count) of every step of a time-major [steps · batch, width] mask that `dropoutMask` would
 * draw from `rng` for the whole batch, as a [steps · count, width] mask; `rng` ends where the whole mask would
 * leave it. A data-parallel replica training on rows [from, from + count) of a batch thus uses exactly the
 * masks a single process uses for those rows.
 */
export function dropoutMaskRows(steps: number, batch: number, from: number, count: number, width: number, rate: number, rng: Rng): Float32Array {
  if (!(from >= 0 && count >= 0 && from + count <= batch)) throw new RangeError(`rows [${from}, ${from + count}) are not in a batch of ${batch}`);
  const out = new Float32Array(steps * count * width);
  for (let t = 0; t < steps; t++) {
    rng.skip(from * width);
    out.set(dropoutMask(count * width, rate, rng), t * count * width);
    rng.skip((batch - from - count) * width);
  }
  return out;
}
