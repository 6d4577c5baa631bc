import { describe, expect, it } from 'vitest';
import { trainTokenizer, UnknownTokensError, WordTokenizer } from '../../../../src/text/tokenizers/index.js';
import { wordPieces } from '../../../../src/text/tokenizers/pretokenize.js';
import { english, roundTrips } from './fixtures.js';

describe('word pieces', () => {
  it.each([
    ['Hi,  you.', ['Hi', ',', '  ', 'you', '.']],
    ["don't l’homme dogs'", ["don't", ' ', 'l’homme', ' ', 'dogs', "'"]],
    ['3rd 1990s 😀!', ['3rd', ' ', '1990s', ' ', '😀', '!']],
    ['a\n\nb', ['a', '\n\n', 'b']],
    ['', []],
  ])('%j', (text, pieces) => {
    expect(wordPieces(text)).toEqual(pieces);
  });
});

describe('word tokenizer', () => {
  it.each(roundTrips)('round-trips %s (its own vocabulary)', (_label, text) => {
    const tokenizer = trainTokenizer('word', text);
    expect(tokenizer.decode(tokenizer.encode(text))).toBe(text);
  });

  it('keeps whitespace and punctuation as tokens', () => {
    const tokenizer = trainTokenizer('word', 'the cat, the hat.\n\nthe end');
    expect(tokenizer.encode('the cat.').map((id) => tokenizer.tokens[id])).toEqual(['the', ' ', 'cat', '.']);
  });

  it('caps the vocabulary by frequency, ties in code-point order, and maps the rest to <unk>', () => {
    const text = 'b a b a b c c d e';
    const tokenizer = trainTokenizer('word', text, { vocabSize: 5 });
    // <unk>, then " " (the one punctuation/whitespace character, kept first), then b (3), a (2), c (2).
    expect(tokenizer.tokens).toEqual(['<unk>', ' ', 'b', 'a', 'c']);
    // Only unknown words change.
    expect(tokenizer.decode(tokenizer.encode(text))).toBe('b a b a b c c <unk> <unk>');
    expect(tokenizer.encode('d')).toEqual([tokenizer.unkId]);
  });

  it('is deterministic whatever the order words first appear in', () => {
    const a = trainTokenizer('word', 'x y z x y z', { vocabSize: 3 });
    const b = trainTokenizer('word', 'z y x z y x', { vocabSize: 3 });
    expect(a.toJSON()).toEqual(b.toJSON());
    expect(a.tokens).toEqual(['<unk>', ' ', 'x']);
  });

  it('spells an unseen whitespace run from its characters, so whitespace survives a small cap', () => {
    // Room for 4 after <unk>: the spelling characters " ", "\t", "\n" first, then the most frequent piece, "a";
    // "\n\n" and "   " do not fit.
    const tokenizer = trainTokenizer('word', 'a a a\n\nb\tc   d', { vocabSize: 5 });
    expect(tokenizer.tokens).toEqual(['<unk>', 'a', ' ', '\t', '\n']);
    const text = 'a \t\n \n a';
    expect(tokenizer.decode(tokenizer.encode(text))).toBe(text);
  });

  it('names unknown words when asked to throw', () => {
    const tokenizer = trainTokenizer('word', english);
    expect(() => tokenizer.encode('the zebra and the yak', { onUnknown: 'throw' })).toThrow(UnknownTokensError);
    expect(() => tokenizer.encode('the zebra and the yak', { onUnknown: 'throw' })).toThrow('unknown words: "zebra", "yak"');
  });

  it('puts user specials first and adds <unk> after them', () => {
    const tokenizer = trainTokenizer('word', 'the <s> end', { specials: ['<pad>', '<s>', '</s>'] });
    expect(tokenizer.specials).toEqual(['<pad>', '<s>', '</s>', '<unk>']);
    expect(tokenizer.tokens.slice(0, 4)).toEqual(['<pad>', '<s>', '</s>', '<unk>']);
    expect(tokenizer.encode('<s>')).not.toContain(1);
    expect(tokenizer.decode(tokenizer.encode('the <s> end'))).toBe('the <s> end');
  });

  it('round-trips through JSON', () => {
    const tokenizer = trainTokenizer('word', english, { vocabSize: 40 });
    const copy = new WordTokenizer(tokenizer.toJSON().specials, tokenizer.tokens);
    expect(copy.encode(english)).toEqual(tokenizer.encode(english));
  });
});
