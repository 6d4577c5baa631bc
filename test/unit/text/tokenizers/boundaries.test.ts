import { describe, expect, it } from 'vitest';
import { endsSentence, isWordBoundary } from '../../../../src/text/tokenizers/index.js';

describe('isWordBoundary', () => {
  it.each([
    [' ', true],
    ['\n\n', true],
    [',', true],
    [' the', true],
    ['"', true],
    ['the', false],
    ['ing', false],
    ['é', false],
    ['7', false],
    ['', false],
  ])('%j → %s', (token, expected) => {
    expect(isWordBoundary(token)).toBe(expected);
  });
});

describe('endsSentence', () => {
  it.each([
    ['.', true],
    ['?"', true],
    [' end.', true],
    ['!)', true],
    ['…', true],
    ['。', true],
    ['. ', true],
    ['.”', true],
    [',', false],
    ['the', false],
    [' ', false],
    ['', false],
  ])('%j → %s', (token, expected) => {
    expect(endsSentence(token)).toBe(expected);
  });
});
