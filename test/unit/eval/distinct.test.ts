/** distinct-n: different n-grams over all n-grams of the outputs, on lower-cased 13a tokens. */
import { describe, expect, it } from 'vitest';
import { distinctN } from '../../../src/eval/index.js';

describe('distinct-n', () => {
  it('counts different n-grams over all n-grams, across outputs', () => {
    // Tokens: [i, don't, know, .] twice and [yes, ., yes] → unigrams 11, different: i don't know . yes = 5.
    const outputs = ["I don't know.", "i don't know.", 'Yes. yes'];
    expect(distinctN(outputs, 1)).toBeCloseTo(5 / 11, 12);
    // Bigrams: 3 + 3 + 2 = 8; different: "i don't", "don't know", "know .", "yes .", ". yes" = 5.
    expect(distinctN(outputs, 2)).toBeCloseTo(5 / 8, 12);
  });

  it('is 1 when nothing repeats, and 0 when there is nothing to count', () => {
    expect(distinctN(['a b c', 'd e'], 1)).toBe(1);
    expect(distinctN(['a', ''], 2)).toBe(0);
    expect(distinctN([], 1)).toBe(0);
  });
});
