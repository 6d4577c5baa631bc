import { describe, expect, it } from 'vitest';
import { pairsInSourceOrder, targetInSourceOrder } from '../../../../src/text/pairs/sourceOrder.js';

// Shaped like a BBC News Summary record (invented text): headline, body, and a summary that lists article
// sentences by salience, glued together without spaces, one of them ending in a quotation.
const ARTICLE = [
  'Harbour Mills profit jumps',
  '',
  'Harbour Mills made a profit of £12m in the year to March, up 40% on the year before. The firm sells flour to bakers.',
  '',
  '"We have had a very good year," said chief executive Ann Lee. Sales abroad rose by a fifth. Yes. The shares rose 3% in the U.S. The firm will open two mills in 2006.',
].join('\n');

describe('targetInSourceOrder', () => {
  it('puts a glued, salience-ordered extractive summary back into the article order', () => {
    const summary =
      'The firm will open two mills in 2006.Harbour Mills made a profit of £12m in the year to March, up 40% on the year before."We have had a very good year," said chief executive Ann Lee.Sales abroad rose by a fifth.';
    expect(targetInSourceOrder(ARTICLE, summary)).toBe(
      'Harbour Mills made a profit of £12m in the year to March, up 40% on the year before. "We have had a very good year," said chief executive Ann Lee. Sales abroad rose by a fifth. The firm will open two mills in 2006.',
    );
  });

  it('keeps a summary that is already in order, apart from the spacing', () => {
    expect(targetInSourceOrder(ARTICLE, 'The firm sells flour to bakers.  Sales abroad rose by a fifth.')).toBe(
      'The firm sells flour to bakers. Sales abroad rose by a fifth.',
    );
  });

  it('does not let a short sentence claim part of a longer one', () => {
    // "Yes." is a sentence of the article and also a piece of nothing here; "The shares rose 3% in the U.S." must
    // be matched whole, not as "The shares rose 3% in the U." + "S.".
    expect(targetInSourceOrder(ARTICLE, 'The firm will open two mills in 2006. The shares rose 3% in the U.S.')).toBe(
      'The shares rose 3% in the U.S. The firm will open two mills in 2006.',
    );
  });

  it('returns null when a summary sentence is not in the article (not purely extractive)', () => {
    expect(targetInSourceOrder(ARTICLE, 'Sales abroad rose by a fifth. Profits were strong.')).toBeNull();
    expect(targetInSourceOrder(ARTICLE, 'Sales abroad rose by a fifth, the firm said.')).toBeNull();
    expect(targetInSourceOrder(ARTICLE, '')).toBeNull();
    expect(targetInSourceOrder('', 'Sales abroad rose by a fifth.')).toBeNull();
  });

  it('refuses a summary that repeats a sentence the article has once', () => {
    expect(targetInSourceOrder(ARTICLE, 'Sales abroad rose by a fifth. Sales abroad rose by a fifth.')).toBeNull();
  });
});

describe('pairsInSourceOrder', () => {
  it('reorders the extractive pairs, keeps the others as they are and counts', () => {
    const pairs = [
      { id: 'a', source: ARTICLE, target: 'Sales abroad rose by a fifth.The firm sells flour to bakers.' },
      { id: 'b', source: ARTICLE, target: 'A summary in other words.' },
    ];
    const { pairs: out, reordered } = pairsInSourceOrder(pairs);
    expect(reordered).toBe(1);
    expect(out[0]).toEqual({ id: 'a', source: ARTICLE, target: 'The firm sells flour to bakers. Sales abroad rose by a fifth.' });
    expect(out[1]).toBe(pairs[1]);
  });
});
