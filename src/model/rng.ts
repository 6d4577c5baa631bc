/**
 * A small seeded random source for weight initialisation and dropout masks. It runs in plain JS so that a
 * seed gives the same numbers on every TensorFlow.js backend (tf.random* depend on the backend and its state).
 */

export class Rng {
  private state: number;
  private spareNormal: number | null = null;
  /**
   * Set for a data-parallel replica (src/train/parallel): the masks drawn from this generator are for rows
   * [from, from + B) of a batch of `batch` rows, so they are those rows of the whole batch's masks (./dropout.ts).
   */
  rows: { batch: number; from: number } | null = null;

  constructor(seed: number) {
    // Mix the seed so that nearby seeds (0, 1, 2…) give unrelated streams.
    this.state = mix32((Math.floor(seed) ^ 0x9e3779b9) >>> 0);
  }

  /** Uniform in [0, 1) with 32 bits of randomness (mulberry32). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  uniform(min: number, max: number): number {
    return min + (max - min) * this.next();
  }

  /** Standard normal (Box–Muller, both values used). */
  normal(): number {
    if (this.spareNormal !== null) {
      const value = this.spareNormal;
      this.spareNormal = null;
      return value;
    }
    let u = 0;
    while (u <= Number.EPSILON) u = this.next();
    const v = this.next();
    const radius = Math.sqrt(-2 * Math.log(u));
    this.spareNormal = radius * Math.sin(2 * Math.PI * v);
    return radius * Math.cos(2 * Math.PI * v);
  }

  /**
   * Moves the stream on by `n` draws of `next` at O(1) cost (mulberry32's state is a counter). A data-parallel
   * replica uses it to read its own rows of a dropout mask drawn for the whole batch.
   */
  skip(n: number): void {
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`Rng.skip needs a non-negative integer (got ${n})`);
    // (state + n · 0x6d2b79f5) mod 2³²: only n mod 2³² matters, and Math.imul keeps the low 32 bits.
    const low = n % 4294967296;
    this.state = (this.state + Math.imul(low >>> 0, 0x6d2b79f5)) >>> 0;
  }

  /** A derived seed, for handing independent streams to sub-components. */
  fork(): number {
    return Math.floor(this.next() * 4294967296);
  }
}

/** Combines integers into one 32-bit seed (e.g. a run's seed and a step number). */
export function combineSeeds(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const part of parts) {
    h = mix32((h ^ (Math.floor(part) >>> 0)) >>> 0);
    h = mix32((h + Math.floor(part / 4294967296)) >>> 0);
  }
  return h;
}

function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}
