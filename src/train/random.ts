/**
 * The trainer's random source: mulberry32 with its whole state in one 32-bit integer, so that a checkpoint
 * can store it and a resumed run draws exactly the numbers an uninterrupted one would. (src/model/rng.ts
 * keeps its state private and caches a spare normal; the data sampler needs neither.)
 */

export class SeededRandom {
  private s: number;

  constructor(seed: number) {
    this.s = mix32((Math.floor(seed) ^ 0x9e3779b9) >>> 0);
  }

  /** A generator that continues from a state saved with `state`. */
  static fromState(state: number): SeededRandom {
    if (!Number.isInteger(state) || state < 0 || state > 0xffffffff) throw new RangeError(`bad random state ${state}`);
    const rng = new SeededRandom(0);
    rng.s = state;
    return rng;
  }

  /** The whole state (a uint32). */
  get state(): number {
    return this.s;
  }

  /** Uniform in [0, 1) with 32 bits of randomness. */
  next(): number {
    this.s = (this.s + 0x6d2b79f5) >>> 0;
    let t = this.s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
}

function mix32(x: number): number {
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}
