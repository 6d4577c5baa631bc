/**
 * The reverse task: random sequences of symbols and the same sequence backwards. A model that cannot learn it
 * within minutes cannot train at all, so it is the sanity check of `longhand train seq2seq` from each task's
 * defaults (test/integration/seq2seq/reverse.test.ts, small; `npm run bench:reverse`, full: 5–12 symbols of 10,
 * 20 000 pairs, ≥ 95 % exact match in 4 minutes). Symbols are single lowercase letters, so that every tokenizer
 * level reads one symbol as one token.
 */
import type { Pair } from './types.js';

export interface ReverseOptions {
  count: number;
  /** Shortest and longest sequence (symbols). */
  minLength: number;
  maxLength: number;
  /** How many distinct symbols (letters a…): at most 26. */
  symbols: number;
  seed: number;
  /** Sources to leave out (`source` strings), e.g. a held-out set drawn with another seed. */
  exclude?: ReadonlySet<string>;
}

/** `count` distinct reverse pairs (ids `rev:<seed>:<i>`); throws when there are not that many sequences. */
export function reversePairs(o: ReverseOptions): Pair[] {
  if (!(o.symbols >= 2 && o.symbols <= 26)) throw new RangeError(`symbols must be 2–26 (got ${o.symbols})`);
  if (!(o.minLength >= 1 && o.maxLength >= o.minLength)) throw new RangeError(`bad lengths ${o.minLength}–${o.maxLength}`);
  let possible = 0;
  for (let n = o.minLength; n <= o.maxLength; n++) possible += o.symbols ** n;
  if (possible - (o.exclude?.size ?? 0) < o.count) throw new RangeError(`only ${possible} sequences of ${o.minLength}–${o.maxLength} symbols exist`);
  const next = mulberry32(o.seed);
  const seen = new Set<string>();
  const pairs: Pair[] = [];
  while (pairs.length < o.count) {
    const n = o.minLength + Math.floor(next() * (o.maxLength - o.minLength + 1));
    const letters = Array.from({ length: n }, () => String.fromCharCode(97 + Math.floor(next() * o.symbols)));
    const source = letters.join(' ');
    if (seen.has(source) || o.exclude?.has(source)) continue;
    seen.add(source);
    pairs.push({ id: `rev:${o.seed}:${pairs.length}`, source, target: letters.reverse().join(' ') });
  }
  return pairs;
}

/** Share of `outputs` equal to their pair's target (whitespace-normalised). */
export function exactMatch(pairs: readonly Pair[], outputs: readonly string[]): number {
  if (pairs.length === 0) return 0;
  const norm = (s: string) => s.trim().split(/\s+/).join(' ');
  let hits = 0;
  pairs.forEach((p, i) => {
    if (norm(outputs[i] ?? '') === norm(p.target)) hits++;
  });
  return hits / pairs.length;
}

// mulberry32: src/text depends on nothing but the contract, so it carries its own four-line generator.
function mulberry32(seed: number): () => number {
  let s = (Math.floor(seed) ^ 0x9e3779b9) >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = Math.imul(s ^ (s >>> 15), s | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
