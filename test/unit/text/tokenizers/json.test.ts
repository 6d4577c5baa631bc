import { describe, expect, it } from 'vitest';
import { tokenizerFromJson, TokenizerJsonError, trainTokenizer } from '../../../../src/text/tokenizers/index.js';
import { english } from './fixtures.js';

describe('tokenizerFromJson', () => {
  it.each(['char', 'word', 'bpe'] as const)('rebuilds a %s tokenizer from its JSON text or object', (level) => {
    const tokenizer = trainTokenizer(level, english, { vocabSize: 120, specials: ['<pad>', '<unk>'] });
    for (const input of [JSON.stringify(tokenizer), JSON.parse(JSON.stringify(tokenizer)) as unknown]) {
      const copy = tokenizerFromJson(input);
      expect(copy.level).toBe(level);
      expect(copy.toJSON()).toEqual(tokenizer.toJSON());
      expect(copy.encode(english)).toEqual(tokenizer.encode(english));
    }
  });

  it.each([
    ['not JSON', '{"level":', /^invalid tokenizer JSON: not JSON \(/],
    ['not an object', '[1,2]', 'invalid tokenizer JSON: expected an object, got an array'],
    ['null', null, 'invalid tokenizer JSON: expected an object, got null'],
    ['unknown level', { level: 'sentencepiece', tokens: [] }, 'invalid tokenizer JSON: "level" must be one of "char", "word", "bpe", got "sentencepiece"'],
    ['missing level', { tokens: ['a'] }, 'invalid tokenizer JSON: "level" must be one of "char", "word", "bpe", got nothing'],
    ['tokens not strings', { level: 'char', tokens: ['a', 3] }, /^invalid tokenizer JSON: char: tokens\[1\]: .*string/],
    ['missing tokens', { level: 'char' }, /^invalid tokenizer JSON: char: tokens: /],
    ['duplicate character', { level: 'char', tokens: ['a', 'b', 'a'] }, 'invalid tokenizer JSON: char: "a" appears twice (tokens[0] and tokens[2])'],
    ['special after characters', { level: 'char', tokens: ['a', '<pad>'] }, /^invalid tokenizer JSON: char: tokens\[1\] "<pad>" is longer than one character; special tokens must come before/],
    ['empty char token', { level: 'char', tokens: ['a', ''] }, 'invalid tokenizer JSON: char: tokens[1] is empty'],
    ['word without <unk>', { level: 'word', specials: ['<pad>'], tokens: ['<pad>', 'a'] }, 'invalid tokenizer JSON: word: the specials must include "<unk>"'],
    ['word specials not first', { level: 'word', specials: ['<unk>'], tokens: ['a', '<unk>'] }, 'invalid tokenizer JSON: word: tokens[0] must be the special "<unk>", found "a"'],
    ['bpe merge pointing ahead', { level: 'bpe', specials: ['<unk>'], tokens: ['<unk>', 'a', 'b', 'ab'], merges: [[1, 3]] }, /^invalid tokenizer JSON: bpe: merges\[0\] = \[1, 3\] must join two non-special tokens made before token 3$/],
    ['bpe merge not matching its token', { level: 'bpe', specials: ['<unk>'], tokens: ['<unk>', 'a', 'b', 'ba'], merges: [[1, 2]] }, 'invalid tokenizer JSON: bpe: tokens[3] "ba" is not tokens[1] + tokens[2] as merges[0] says'],
    ['bpe negative id', { level: 'bpe', specials: ['<unk>'], tokens: ['<unk>', 'a'], merges: [[-1, 0]] }, /^invalid tokenizer JSON: bpe: merges\[0\]\[0\]: /],
    ['bpe too many merges', { level: 'bpe', specials: ['<unk>'], tokens: ['<unk>', 'a'], merges: [[1, 1], [1, 1]] }, 'invalid tokenizer JSON: bpe: 2 merges but only 1 non-special tokens'],
  ])('rejects %s with a clear message', (_label, input, message) => {
    let error: unknown;
    try {
      tokenizerFromJson(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TokenizerJsonError);
    if (typeof message === 'string') expect((error as Error).message).toBe(message);
    else expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });
});
