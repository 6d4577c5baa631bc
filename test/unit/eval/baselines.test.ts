import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { lead1, lead3, leadK, leadSentences } from '../../../src/eval/baselines.js';

const bbc = readFileSync(new URL('../../fixtures/pairs/data/bbc_news_summary/bbc_news_summary.jsonl', import.meta.url), 'utf8')
  .trim()
  .split('\n')
  .map((l) => JSON.parse(l) as { id: string; article: string; summary: string });

describe('lead-k baselines', () => {
  it('takes the first k sentences, one per line, skipping the headline when asked', () => {
    const article = bbc.find((r) => r.id === 'business/001')!.article;
    expect(lead1(article, { skipHeadline: true })).toBe(
      'Quarterly profits at textile maker Harbour Mills rose 12% to £4.2m ($7.9m) in the three months to March.',
    );
    expect(leadSentences(article, 3, { skipHeadline: true })).toEqual([
      'Quarterly profits at textile maker Harbour Mills rose 12% to £4.2m ($7.9m) in the three months to March.',
      'The firm said sales of its wool blankets grew faster than expected.',
      'Chief executive Mr Dale said the results were "very pleasing".',
    ]);
    // Without skipping, the headline (no full stop, then a blank line) is a sentence of its own.
    expect(leadSentences(article, 1)).toEqual(['Harbour Mills profit jumps']);
  });

  it('copes with abbreviations and decimals, and returns fewer when the text is short', () => {
    const tech = bbc.find((r) => r.id === 'tech/001')!.article;
    expect(leadSentences(tech, 3, { skipHeadline: true })[1]).toBe('The device will cost about $1,200 when it goes on sale in the U.S.');
    expect(lead3('One. Two.')).toBe('One.\nTwo.');
    expect(leadK('', 3)).toBe('');
    expect(() => leadK('x', -1)).toThrow(/k ≥ 0/);
  });
});
