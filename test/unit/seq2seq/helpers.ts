/** Tiny seq2seq configs and batches for the unit tests. */
import type { EncodedPair } from '../../../src/model/seq2seq/codec.js';
import type { Seq2seqConfig } from '../../../src/model/seq2seq/types.js';
import { Rng } from '../../../src/model/rng.js';

export function tinyConfig(overrides: Partial<Seq2seqConfig> = {}): Seq2seqConfig {
  return {
    sourceVocabSize: 9,
    targetVocabSize: 9,
    sharedEmbedding: false,
    embedDim: 3,
    hiddenSize: 4,
    layers: 1,
    bidirectional: false,
    attention: 'luong',
    luongScore: 'general',
    copy: false,
    coverage: false,
    dropout: 0,
    maxSourceLen: 10,
    maxTargetLen: 10,
    specials: { pad: 0, bos: 1, eos: 2, unk: 3 },
    sourceSpecials: { pad: 0, unk: 3 },
    ...overrides,
  };
}

/** Three pairs of different lengths, with source OOVs (extended ids 9, 10) copied into targets. */
export function tinyPairs(): EncodedPair[] {
  const source = (ids: number[], extended: number[], oovs: string[]) => ({ ids, extended, pieces: ids.map(String), oovs, truncated: false });
  return [
    { source: source([4, 5, 6, 3], [4, 5, 6, 9], ['x']), target: [6, 9, 4] },
    { source: source([7, 8], [7, 8], []), target: [8, 8, 7, 5] },
    { source: source([5, 3, 3, 4, 8], [5, 9, 10, 4, 8], ['a', 'b']), target: [10, 4] },
  ];
}

/** Reverse-a-sequence pairs over `symbols` tokens (ids 4…), lengths in [min, max]. */
export function reversePairs(count: number, min: number, max: number, symbols: number, seed: number): EncodedPair[] {
  const rng = new Rng(seed);
  return Array.from({ length: count }, () => {
    const n = min + Math.floor(rng.next() * (max - min + 1));
    const ids = Array.from({ length: n }, () => 4 + Math.floor(rng.next() * symbols));
    return { source: { ids, extended: ids, pieces: ids.map(String), oovs: [], truncated: false }, target: [...ids].reverse() };
  });
}
