import { describe, expect, it } from 'vitest';
import { countCodePoints, countWords, distinctCharacters, mergeDistinct, textStats } from '../../../../src/text/stats.js';

describe('text statistics', () => {
  it.each([
    ['', 0, 0],
    ['one', 3, 1],
    ["Don't stop — well-known 3.14!", 29, 4],
    ['🐈🐈 cats', 7, 1], // a token needs a letter or digit to be a word
    ['  \n\t ', 5, 0],
    ['— … --', 6, 0],
    ['日本語のテキスト', 8, 1],
  ])('%j has %i code points and %i words', (text, chars, words) => {
    expect(countCodePoints(text)).toBe(chars);
    expect(countWords(text)).toBe(words);
  });

  it('counts a lone surrogate as one code point', () => {
    expect(countCodePoints('a\ud800b')).toBe(3);
  });

  it('lists distinct characters in code point order and merges sets', () => {
    expect(distinctCharacters('banana\n')).toBe('\nabn');
    expect(mergeDistinct(['ba', 'c🐈a'])).toBe('abc🐈');
    expect(textStats('é🐈')).toEqual({ charCount: 2, wordCount: 1, byteCount: 6, distinctChars: 'é🐈' });
  });

  it('stays linear on long runs of punctuation', () => {
    expect(countWords('-'.repeat(200_000))).toBe(0);
  });
});
