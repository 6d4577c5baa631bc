/**
 * Byte-pair-encoding training over a word-frequency table: each distinct pre-token (./pretokenize, GPT-2
 * style) is a sequence of symbol ids with a count; pair counts are kept incrementally and only the words that
 * contain the merged pair are rewritten, so a megabyte of text trains in a second or two rather than rescanning
 * the text per merge. The best pair comes from a max-heap with lazy deletion (stale entries are re-queued
 * with their current count when they surface). Deterministic: ties go to the lowest (left id, right id).
 */
import { bpePieces } from './pretokenize.js';

export interface BpeTrainResult {
  /** Distinct characters of the text, by code point. */
  alphabet: string[];
  /** Merge i joins symbols `left` and `right` into id `firstId + i` (ids counted over specials + alphabet). */
  merges: [number, number][];
}

/** Pair keys pack two ids into one number; ids stay far below 2^21 (vocabularies are thousands). */
const SHIFT = 2 ** 21;
export const MAX_BPE_VOCAB = SHIFT - 1;

export function pairKey(left: number, right: number): number {
  return left * SHIFT + right;
}

export function trainBpeMerges(
  texts: readonly string[],
  firstId: number,
  targetSize: number,
  minFrequency: number,
): BpeTrainResult {
  const frequencies = new Map<string, number>();
  for (const text of texts) for (const piece of bpePieces(text)) frequencies.set(piece, (frequencies.get(piece) ?? 0) + 1);

  const chars = new Set<string>();
  for (const piece of frequencies.keys()) for (const ch of piece) chars.add(ch);
  const alphabet = [...chars].sort((a, b) => (a.codePointAt(0) ?? 0) - (b.codePointAt(0) ?? 0));
  const charId = new Map(alphabet.map((ch, i) => [ch, firstId + i]));

  const words: number[][] = [];
  const counts: number[] = [];
  for (const [piece, count] of frequencies) {
    words.push(Array.from(piece, (ch) => charId.get(ch) as number));
    counts.push(count);
  }

  const pairCounts = new Map<number, number>();
  const where = new Map<number, Set<number>>();
  words.forEach((word, w) => {
    for (let i = 0; i + 1 < word.length; i += 1) {
      const key = pairKey(word[i] as number, word[i + 1] as number);
      pairCounts.set(key, (pairCounts.get(key) ?? 0) + (counts[w] as number));
      let set = where.get(key);
      if (!set) where.set(key, (set = new Set()));
      set.add(w);
    }
  });
  const heap = new PairHeap();
  for (const [key, count] of pairCounts) heap.push(count, key);

  const merges: [number, number][] = [];
  let nextId = firstId + alphabet.length;
  while (nextId < targetSize) {
    const best = popCurrent(heap, pairCounts);
    if (!best || best.count < minFrequency) break;
    const left = Math.floor(best.key / SHIFT);
    const right = best.key % SHIFT;
    const merged = nextId;
    nextId += 1;
    merges.push([left, right]);

    const delta = new Map<number, number>();
    const bump = (key: number, by: number) => delta.set(key, (delta.get(key) ?? 0) + by);
    for (const w of where.get(best.key) ?? []) {
      const word = words[w] as number[];
      const count = counts[w] as number;
      const rewritten = mergePair(word, left, right, merged);
      if (rewritten === word) continue; // stale: the pair left this word in an earlier merge
      for (let i = 0; i + 1 < word.length; i += 1) bump(pairKey(word[i] as number, word[i + 1] as number), -count);
      for (let i = 0; i + 1 < rewritten.length; i += 1) {
        const a = rewritten[i] as number;
        const b = rewritten[i + 1] as number;
        const key = pairKey(a, b);
        bump(key, count);
        if (a === merged || b === merged) {
          let set = where.get(key);
          if (!set) where.set(key, (set = new Set()));
          set.add(w);
        }
      }
      words[w] = rewritten;
    }
    where.delete(best.key);
    for (const [key, change] of delta) {
      if (change === 0) continue;
      const count = (pairCounts.get(key) ?? 0) + change;
      if (count > 0) pairCounts.set(key, count);
      else pairCounts.delete(key);
      // Decreases are handled lazily by popCurrent; increases need a fresh entry to be seen at all.
      if (change > 0) heap.push(count, key);
    }
  }
  return { alphabet, merges };
}

/** Replaces each non-overlapping (left, right), scanning left to right; returns `word` itself when none. */
export function mergePair(word: number[], left: number, right: number, merged: number): number[] {
  let out: number[] | undefined;
  for (let i = 0; i < word.length; i += 1) {
    if (word[i] === left && word[i + 1] === right && i + 1 < word.length) {
      out ??= word.slice(0, i);
      out.push(merged);
      i += 1;
    } else if (out) {
      out.push(word[i] as number);
    }
  }
  return out ?? word;
}

function popCurrent(heap: PairHeap, pairCounts: Map<number, number>): { count: number; key: number } | undefined {
  while (heap.size > 0) {
    const top = heap.pop();
    const current = pairCounts.get(top.key) ?? 0;
    if (current === top.count) return top;
    if (current > 0 && current < top.count) heap.push(current, top.key);
  }
  return undefined;
}

/** Max-heap on count, then min on key: the deterministic "best pair" order. */
class PairHeap {
  private counts: number[] = [];
  private keys: number[] = [];

  get size(): number {
    return this.counts.length;
  }

  push(count: number, key: number): void {
    this.counts.push(count);
    this.keys.push(key);
    let i = this.counts.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.before(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }

  pop(): { count: number; key: number } {
    const top = { count: this.counts[0] as number, key: this.keys[0] as number };
    const lastCount = this.counts.pop() as number;
    const lastKey = this.keys.pop() as number;
    if (this.counts.length > 0) {
      this.counts[0] = lastCount;
      this.keys[0] = lastKey;
      let i = 0;
      while (true) {
        const l = 2 * i + 1;
        const r = l + 1;
        let best = i;
        if (l < this.counts.length && this.before(l, best)) best = l;
        if (r < this.counts.length && this.before(r, best)) best = r;
        if (best === i) break;
        this.swap(i, best);
        i = best;
      }
    }
    return top;
  }

  private before(a: number, b: number): boolean {
    const ca = this.counts[a] as number;
    const cb = this.counts[b] as number;
    return ca !== cb ? ca > cb : (this.keys[a] as number) < (this.keys[b] as number);
  }

  private swap(a: number, b: number): void {
    [this.counts[a], this.counts[b]] = [this.counts[b] as number, this.counts[a] as number];
    [this.keys[a], this.keys[b]] = [this.keys[b] as number, this.keys[a] as number];
  }
}
