import { describe, expect, it } from 'vitest';
import { BpeTokenizer, trainTokenizer, UnknownTokensError } from '../../../../src/text/tokenizers/index.js';
import { mergePair, trainBpeMerges } from '../../../../src/text/tokenizers/bpeTrain.js';
import { bpePieces } from '../../../../src/text/tokenizers/pretokenize.js';
import { english, roundTrips } from './fixtures.js';

/** The textbook algorithm: recount every pair after every merge. Slow, obviously right. */
function naiveMerges(text: string, firstId: number, target: number, minFrequency: number): [number, number][] {
  const counts = new Map<string, number>();
  for (const piece of bpePieces(text)) counts.set(piece, (counts.get(piece) ?? 0) + 1);
  const alphabet = [...new Set([...counts.keys()].flatMap((piece) => [...piece]))].sort(
    (a, b) => (a.codePointAt(0) ?? 0) - (b.codePointAt(0) ?? 0),
  );
  let words = [...counts].map(([piece, count]) => ({ symbols: [...piece].map((ch) => firstId + alphabet.indexOf(ch)), count }));
  const merges: [number, number][] = [];
  for (let next = firstId + alphabet.length; next < target; next += 1) {
    const pairs = new Map<string, number>();
    for (const { symbols, count } of words) {
      for (let i = 0; i + 1 < symbols.length; i += 1) {
        const key = `${symbols[i]},${symbols[i + 1]}`;
        pairs.set(key, (pairs.get(key) ?? 0) + count);
      }
    }
    let best: [number, number] | undefined;
    let bestCount = 0;
    for (const [key, count] of pairs) {
      const pair = key.split(',').map(Number) as [number, number];
      const better = count > bestCount || (count === bestCount && best && (pair[0] < best[0] || (pair[0] === best[0] && pair[1] < best[1])));
      if (better) [best, bestCount] = [pair, count];
    }
    if (!best || bestCount < minFrequency) break;
    merges.push(best);
    const [left, right] = best;
    words = words.map(({ symbols, count }) => ({ symbols: mergePair(symbols, left, right, next), count }));
  }
  return merges;
}

describe('BPE pieces', () => {
  it.each([
    ['Hello, world!', ['Hello', ',', ' world', '!']],
    ['a   b', ['a', '  ', ' b']],
    ["It's  \n\nthe 3rd 😀 day.", ["It's", '  \n', '\n', 'the', ' 3rd', ' 😀', ' day', '.']],
  ])('%j', (text, pieces) => {
    expect(bpePieces(text)).toEqual(pieces);
  });

  it('never loses a character', () => {
    const alphabet = ['a', 'é', ' ', '  ', '\n', '\t', '.', ',', "'", '’', '😀', '\u0301', '7', '\ud800', '—', '"'];
    let seed = 7;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    for (let n = 0; n < 200; n += 1) {
      const text = Array.from({ length: 30 }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
      expect(bpePieces(text).join('')).toBe(text);
    }
  });
});

describe('BPE tokenizer', () => {
  it.each(roundTrips)('round-trips %s', (_label, text) => {
    const tokenizer = trainTokenizer('bpe', `${text} ${text} ${english}`, { vocabSize: 200 });
    expect(tokenizer.decode(tokenizer.encode(text))).toBe(text);
  });

  it('is deterministic: training twice gives identical JSON', () => {
    const first = JSON.stringify(trainTokenizer('bpe', english, { vocabSize: 150 }));
    const second = JSON.stringify(trainTokenizer('bpe', english, { vocabSize: 150 }));
    expect(second).toBe(first);
  });

  it('learns common words as single tokens, with their leading space', () => {
    const tokenizer = trainTokenizer('bpe', english, { vocabSize: 120 });
    expect(tokenizer.tokens).toContain(' the');
    expect(tokenizer.encode(' the cat sat').map((id) => tokenizer.tokens[id])).toEqual([' the', ' cat', ' sat']);
    expect(tokenizer.encode('The').map((id) => tokenizer.tokens[id])).toEqual(['The']);
  });

  it('matches the naive recount-everything algorithm merge for merge', () => {
    const text = `${english}\n${english.toUpperCase()}\naaaa aaa aa banana bandana abracadabra`;
    const { merges } = trainBpeMerges([text], 1, 300, 2);
    expect(merges).toEqual(naiveMerges(text, 1, 300, 2));
    expect(merges.length).toBeGreaterThan(50);
  });

  it('never merges across pieces', () => {
    const tokenizer = trainTokenizer('bpe', 'ab ab ab ab. ab, ab', { vocabSize: 100 });
    for (const token of tokenizer.tokens.slice(tokenizer.specials.length)) {
      expect(bpePieces(token)).toHaveLength(1);
    }
  });

  it('reaches the target size when the text allows and stops when no pair repeats', () => {
    expect(trainTokenizer('bpe', english, { vocabSize: 60 }).vocabSize).toBe(60);
    // english has fewer than 100 - 1 - alphabet pairs that occur twice or more.
    expect(trainTokenizer('bpe', english, { vocabSize: 100 }).vocabSize).toBeLessThan(100);
    const tiny = trainTokenizer('bpe', 'abcd', { vocabSize: 100 });
    expect(tiny.tokens).toEqual(['<unk>', 'a', 'b', 'c', 'd']);
  });

  it('maps characters outside the alphabet to <unk>, or names them on request', () => {
    const tokenizer = trainTokenizer('bpe', english, { vocabSize: 100 });
    expect(tokenizer.decode(tokenizer.encode('the ~cat'))).toBe('the <unk>cat');
    expect(() => tokenizer.encode('the ~cat §', { onUnknown: 'throw' })).toThrow(UnknownTokensError);
    expect(() => tokenizer.encode('the ~cat §', { onUnknown: 'throw' })).toThrow('unknown characters: "~", "\\u00a7"');
    // Twice: the per-piece cache must not hide unknown characters on the second call.
    expect(() => tokenizer.encode('the ~cat §', { onUnknown: 'throw' })).toThrow('unknown characters: "~", "\\u00a7"');
  });

  it('gives specials the first ids and never produces them from text', () => {
    const text = '<s> the </s> <pad> '.repeat(20);
    const tokenizer = trainTokenizer('bpe', text, { specials: ['<pad>', '<s>', '</s>', '<unk>'], vocabSize: 60 });
    expect(tokenizer.tokens.slice(0, 4)).toEqual(['<pad>', '<s>', '</s>', '<unk>']);
    expect(tokenizer.unkId).toBe(3);
    const ids = tokenizer.encode(text);
    expect(ids.every((id) => id >= 4)).toBe(true);
    expect(tokenizer.decode(ids)).toBe(text);
    expect(tokenizer.decode([1, ...tokenizer.encode('the'), 2])).toBe('<s>the</s>');
  });

  it('round-trips through JSON and encodes identically', () => {
    const tokenizer = trainTokenizer('bpe', english, { vocabSize: 150 });
    const json = tokenizer.toJSON();
    const copy = new BpeTokenizer(json.specials, json.tokens, json.merges);
    expect(copy.encode(english)).toEqual(tokenizer.encode(english));
    expect(copy.toJSON()).toEqual(json);
  });
});

describe('BPE at corpus scale', () => {
  // Not a timed test (speed is `npm run bench`'s job): it guards against the quadratic rescanning the
  // incremental pair counts exist to avoid, which would blow the test timeout on a megabyte.
  it('trains on about a megabyte of text', () => {
    const words = english.split(/\s+/);
    let seed = 1;
    const random = () => (seed = (seed * 48271) % 2147483647) / 2147483647;
    const parts: string[] = [];
    let length = 0;
    while (length < 1_000_000) {
      const word = `${words[Math.floor(random() * words.length)]}${random() < 0.1 ? '\n' : ' '}`;
      // Invented words keep the pair statistics from being trivially small.
      const piece = random() < 0.3 ? word.replace(/[aeiou]/, 'aeiou'[Math.floor(random() * 5)] ?? 'a') : word;
      parts.push(piece);
      length += piece.length;
    }
    const text = parts.join('');
    const tokenizer = trainTokenizer('bpe', text, { vocabSize: 4000 });
    const sample = text.slice(0, 20_000);
    expect(tokenizer.decode(tokenizer.encode(sample))).toBe(sample);
    expect(tokenizer.encode(sample).length).toBeLessThan(sample.length / 3);
  });
});
