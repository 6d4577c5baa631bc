/** The length-matched lead baseline of `longhand eval` (src/generate/seq2seq/evaluate.ts). */
import { describe, expect, it } from 'vitest';
import { hasHeadline, leadWords } from '../../../src/generate/seq2seq/evaluate.js';

const article = 'Firm posts record profit\n\nThe firm made £1bn. Sales rose 5% in the year to March. Shares fell.\n';

describe('leadWords', () => {
  it('takes the first n words after the headline, one sentence per line, cutting the last sentence', () => {
    expect(hasHeadline(article)).toBe(true);
    expect(leadWords(article, 6, { skipHeadline: true })).toBe('The firm made £1bn.\nSales rose');
    expect(leadWords(article, 4, { skipHeadline: true })).toBe('The firm made £1bn.');
  });

  it('stops at the end of the article and gives nothing for 0 words', () => {
    expect(leadWords(article, 100, { skipHeadline: true })).toBe('The firm made £1bn.\nSales rose 5% in the year to March.\nShares fell.');
    expect(leadWords(article, 0, { skipHeadline: true })).toBe('');
    expect(leadWords(article, 3)).toBe('Firm posts record');
  });
});
