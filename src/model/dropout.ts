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
