import { describe, expect, it } from 'vitest';
import { CharTokenizer, trainTokenizer, UnknownTokensError } from '../../../../src/text/tokenizers/index.js';
import { roundTrips } from './fixtures.js';

describe('char tokenizer', () => {
  it.each(roundTrips)('round-trips %s', (_label, text) => {
    const tokenizer = trainTokenizer('char', text);
    const ids = tokenizer.encode(text);
    expect(ids).toHaveLength([...text].length);
    expect(tokenizer.decode(ids)).toBe(text);
  });

  it('saves exactly {"level":"char","tokens":[...]} with characters sorted by code point', () => {
    // U+FF01 sorts before U+1F600 by code point although its UTF-16 unit is higher than the surrogate 0xD83D.
    const tokenizer = trainTokenizer('char', 'ba😀！a\n');
    expect(JSON.stringify(tokenizer)).toBe('{"level":"char","tokens":["\\n","a","b","！","😀"]}');
    expect(tokenizer.encode('a😀b')).toEqual([1, 4, 2]);
  });

  it('treats an emoji as one token', () => {
    const tokenizer = trainTokenizer('char', '🍵');
    expect(tokenizer.tokens).toEqual(['🍵']);
    expect(tokenizer.encode('🍵🍵')).toEqual([0, 0]);
  });

  it('names the unknown characters in a typed error', () => {
    const tokenizer = trainTokenizer('char', 'abc ');
    let error: unknown;
    try {
      tokenizer.encode('a é—b e\u0301');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UnknownTokensError);
    expect((error as UnknownTokensError).unknown).toEqual(['é', '—', 'e', '\u0301']);
    expect((error as Error).message).toBe('unknown characters: "é", "\\u2014", "e", "\\u0301"');
  });

  it('maps unknown characters to <unk> only when asked and the vocabulary has one', () => {
    const withUnk = trainTokenizer('char', 'abc', { specials: ['<pad>', '<unk>'] });
    expect(withUnk.encode('axb', { onUnknown: 'unk' })).toEqual([2, 1, 3]);
    expect(() => withUnk.encode('axb')).toThrow('unknown characters: "x"');
    const without = trainTokenizer('char', 'abc');
    expect(() => without.encode('axb', { onUnknown: 'unk' })).toThrow('unknown characters: "x" (the vocabulary has no <unk> token to map them to)');
  });

  it('puts specials first, never produces them from text, and keeps them in the exact JSON format', () => {
    const tokenizer = trainTokenizer('char', '<s>ab', { specials: ['<pad>', '<s>', '</s>'] });
    expect(tokenizer.tokens).toEqual(['<pad>', '<s>', '</s>', '<', '>', 'a', 'b', 's']);
    expect(tokenizer.specials).toEqual(['<pad>', '<s>', '</s>']);
    expect(tokenizer.idOf('<s>')).toBe(1);
    expect(tokenizer.encode('<s>')).toEqual([3, 7, 4]);
    expect(tokenizer.decode([1, 5, 6, 2])).toBe('<s>ab</s>');
    expect(tokenizer.decode([0, 5, 2], { skipSpecials: true })).toBe('a');
    expect(tokenizer.toJSON()).toEqual({ level: 'char', tokens: ['<pad>', '<s>', '</s>', '<', '>', 'a', 'b', 's'] });
  });

  it('refuses a one-character special, which text could produce', () => {
    expect(() => trainTokenizer('char', 'ab', { specials: ['|'] })).toThrow(/"\|" is a single character/);
  });

  it('rejects ids outside the vocabulary', () => {
    expect(() => trainTokenizer('char', 'ab').decode([0, 2])).toThrow('token id 2 is outside the vocabulary (0..1)');
  });

  it('iterates by code point, not UTF-16 unit, for large texts too', () => {
    const text = '😀a'.repeat(10_000);
    const tokenizer = CharTokenizer.train(text);
    expect(tokenizer.vocabSize).toBe(2);
    expect(tokenizer.encode(text)).toHaveLength(20_000);
  });
});
