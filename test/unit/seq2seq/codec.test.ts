/** Text ⇄ ids for seq2seq: pieces per level, extended ids for copied OOVs, detokenizing, padded batches. */
import { describe, expect, it } from 'vitest';
import { makeBatch } from '../../../src/model/seq2seq/batch.js';
import { buildCodec, detokenizeWords } from '../../../src/model/seq2seq/codec.js';
import { tinyConfig } from './helpers.js';

const pairs = [
  { source: 'The cat sat on the mat. The dog sat too.', target: 'The cat sat.' },
  { source: 'A dog ran in the park, and the cat ran too.', target: 'The dog ran.' },
];

describe('seq2seq codec', () => {
  it('cuts words and punctuation without whitespace tokens and puts <pad> <s> </s> <unk> first', () => {
    const codec = buildCodec(pairs, { level: 'word' });
    expect(codec.source).toBe(codec.target);
    expect(codec.target.tokens.slice(0, 4)).toEqual(['<pad>', '<s>', '</s>', '<unk>']);
    expect(codec.pieces('Hello,  world!\n\nBye.')).toEqual(['Hello', ',', 'world', '!', 'Bye', '.']);
  });

  it('gives source OOVs extended ids, reused in the target when copying', () => {
    const codec = buildCodec(pairs, { level: 'word' });
    const v = codec.target.vocabSize;
    const e = codec.encodePair({ source: 'Mrs Bennet saw the cat and Mrs Bennet smiled', target: 'Mrs Bennet smiled at Darcy' }, 100, 100, true);
    expect(e.source.oovs).toEqual(['Mrs', 'Bennet', 'saw', 'smiled']);
    expect(e.source.extended.slice(0, 3)).toEqual([v, v + 1, v + 2]);
    expect(e.source.ids.slice(0, 2)).toEqual([3, 3]);
    // "at" and "Darcy" are in neither the vocabulary nor the source: <unk>.
    expect(e.target).toEqual([v, v + 1, v + 3, 3, 3]);
    const noCopy = codec.encodePair({ source: 'Mrs Bennet', target: 'Mrs Bennet' }, 100, 100, false);
    expect(noCopy.target).toEqual([3, 3]);
    expect(codec.tokenStrings([v + 1, codec.target.idOf('cat')!], e.source.oovs)).toEqual(['Bennet', 'cat']);
  });

  it('cuts sources and targets to the limits and says when it cut', () => {
    const codec = buildCodec(pairs, { level: 'word' });
    const e = codec.encodePair({ source: 'the cat sat on the mat', target: 'the cat sat' }, 3, 2, true);
    expect(e.source.pieces).toEqual(['the', 'cat', 'sat']);
    expect(e.source.truncated).toBe(true);
    expect(e.target).toHaveLength(2);
  });

  it('builds separate vocabularies, and char and bpe codecs', () => {
    const separate = buildCodec(pairs, { level: 'word', shared: false });
    expect(separate.source).not.toBe(separate.target);
    expect(separate.source.idOf('park')).toBeDefined();
    expect(separate.target.idOf('park')).toBeUndefined();
    const chars = buildCodec(pairs, { level: 'char' });
    expect(chars.pieces('a  b\nc')).toEqual(['a', ' ', 'b', ' ', 'c']);
    expect(chars.detokenize(['a', ' ', 'b', '</s>'])).toBe('a b');
    const bpe = buildCodec(pairs, { level: 'bpe', vocabSize: 60 });
    const pieces = bpe.pieces('The cat sat.');
    expect(pieces.join('')).toBe('The cat sat.');
  });

  it('detokenizes words with punctuation attached', () => {
    expect(detokenizeWords(['He', 'said', '"', 'hi', ',', 'you', '"', '(', 'twice', ')', '.'])).toBe('He said "hi, you" (twice).');
    expect(detokenizeWords(['It', 'costs', '$', '5', ',', '000', 'or', '1', '.', '9bn', '.'])).toBe('It costs $5,000 or 1.9bn.');
    expect(detokenizeWords(['Rank', "'", 'set', 'to', 'sell', "'", 'shares'])).toBe("Rank 'set to sell' shares");
  });

  it('pads batches and shifts targets into decoder inputs and labels', () => {
    const config = tinyConfig({ copy: true });
    const s = (ids: number[], extended = ids) => ({ ids, extended, pieces: [], oovs: extended.filter((x) => x >= 9).map(String), truncated: false });
    const batch = makeBatch([{ source: s([4, 3], [4, 9]), target: [9, 5] }, { source: s([6, 7, 8]), target: [8] }], config);
    expect([batch.sourceLen, batch.targetLen]).toEqual([3, 3]);
    expect(Array.from(batch.source)).toEqual([4, 3, 0, 6, 7, 8]);
    expect(Array.from(batch.sourceExtended)).toEqual([4, 9, 0, 6, 7, 8]);
    expect(Array.from(batch.decoderInput)).toEqual([1, 3, 5, 1, 8, 0]);
    expect(Array.from(batch.labels)).toEqual([9, 5, 2, 8, 2, 0]);
    expect(Array.from(batch.targetLengths)).toEqual([3, 2]);
    const plain = makeBatch([{ source: s([4, 3], [4, 9]), target: [9, 5] }], tinyConfig());
    expect(Array.from(plain.labels)).toEqual([3, 5, 2]);
  });
});
