import { describe, expect, it } from 'vitest';
import { closestRefLength, computeBleu, corpusBleu, sentenceBleu } from '../../../src/eval/bleu.js';
import { pyRstrip, pySplit, tokenize13a } from '../../../src/eval/tokenize13a.js';

describe('tokenize13a (sacrebleu tokenizer_13a)', () => {
  it.each([
    // Worked through the four regexes by hand: punctuation in the class gets spaces; "." and "," split
    // off unless between digits; "-" split only after a digit; ' and - inside words are kept.
    ['"Hello, world!"', '" Hello , world ! "'],
    ["don't", "don't"],
    ['It costs $10.9bn.', 'It costs $ 10.9bn .'],
    ['the U.S. economy', 'the U . S . economy'],
    ['&quot;Hi&quot; &amp; bye &lt;b&gt;', '" Hi " & bye < b >'],
    ['pages 5-6, e-mail', 'pages 5 - 6 , e-mail'],
    ['1,000.5 people.', '1,000.5 people .'],
    ['(a) [b] {c}', '( a ) [ b ] { c }'],
    ['word-\nbreak two\nlines', 'wordbreak two lines'],
    ['a <skipped> b', 'a b'],
    ['x;y:z?w', 'x ; y : z ? w'],
    ["I'm a student.", "I'm a student ."],
  ])('%j → %j', (input, expected) => {
    expect(tokenize13a(input)).toBe(expected);
  });

  it("uses Python's whitespace, not JavaScript's", () => {
    expect(pySplit('a\u00a0b\u2003c\x1cd\ufeffe')).toEqual(['a', 'b', 'c', 'd\ufeffe']);
    expect(pyRstrip('x \x85')).toBe('x');
  });
});

describe('BLEU — hand-checked', () => {
  it('corpus BLEU of one pair with n-gram precisions and BP written out', () => {
    // hyp: the cat sat on the mat / ref: the cat is on the mat (6 tokens each, BP = 1).
    // 1-grams 5/6 (the×2 cat on mat), 2-grams 3/5 (the cat, on the, the mat), 3-grams 1/4 (on the mat),
    // 4-grams 0/3 → exp smoothing: 100 / (2 · 3). BLEU = (83.33 · 60 · 25 · 16.67)^(1/4) ≈ 37.99.
    const b = corpusBleu(['the cat sat on the mat'], ['the cat is on the mat']);
    expect(b.counts).toEqual([5, 3, 1, 0]);
    expect(b.totals).toEqual([6, 5, 4, 3]);
    expect(b.precisions[0]).toBeCloseTo(500 / 6, 10);
    expect(b.precisions[3]).toBeCloseTo(100 / 6, 10);
    expect(b.bp).toBe(1);
    expect(b.score).toBeCloseTo(Math.exp((Math.log(500 / 6) + Math.log(60) + Math.log(25) + Math.log(100 / 6)) / 4), 10);
    expect(b.score).toBeCloseTo(37.99178428, 6);
  });

  it('brevity penalty, and effective order for sentence BLEU', () => {
    // hyp "the cat" (2) vs ref of 6 tokens: BP = exp(1 − 6/2) = e^−2. Precisions 2/2 and 1/1; no 3- or
    // 4-grams. Corpus BLEU (effective order off) counts the missing orders as log 0 → 0.
    // Sentence BLEU averages over the 2 orders it has: e^−2 · 100 ≈ 13.53.
    expect(corpusBleu(['the cat'], ['the cat sat on the mat']).score).toBe(0);
    const s = sentenceBleu('the cat', 'the cat sat on the mat');
    expect(s.bp).toBeCloseTo(Math.exp(-2), 12);
    expect(s.score).toBeCloseTo(100 * Math.exp(-2), 10);
  });

  it('closest reference length prefers the shorter on a tie', () => {
    expect(closestRefLength(5, [3, 7])).toBe(3);
    expect(closestRefLength(5, [7, 4, 6])).toBe(4);
  });
});

describe("BLEU — sacrebleu's own test values", () => {
  // test/test_bleu.py: the README example with two reference streams.
  const refs = [
    ['The dog bit the man.', 'It was not unexpected.', 'The man bit him first.'],
    ['The dog had bit the man.', 'No one was surprised.', 'The man had bitten the dog.'],
  ];
  const hyps = ['The dog bit the man.', "It wasn't surprising.", 'The man had just bitten him.'];

  it('corpus BLEU', () => {
    expect(corpusBleu(hyps, refs).score).toBeCloseTo(48.530827, 6);
    expect(corpusBleu(['', '', ''], refs).score).toBe(0);
    expect(corpusBleu(hyps, refs, { tokenize: 'none' }).score).toBeCloseTo(49.1919566, 6);
    expect(corpusBleu(hyps, refs, { smoothMethod: 'none' }).score).toBeCloseTo(48.530827, 6);
  });

  it.each([
    [1, '77.65'], [2, '60.50'], [3, '53.93'], [4, '48.53'], [5, '46.14'], [6, '43.28'],
  ])('max n-gram order %i → %s', (order, expected) => {
    expect(corpusBleu(hyps, refs, { maxNgramOrder: order }).score.toFixed(2)).toBe(expected);
  });

  it('compute_bleu from statistics', () => {
    expect(computeBleu([9, 7, 5, 3], [10, 8, 6, 4], 11, 11).score / 100).toBeCloseTo(0.8375922397, 9);
    expect(computeBleu([0, 0, 0, 0], [4, 4, 2, 1], 0, 1, { smoothMethod: 'floor', smoothValue: 0 }).score).toBe(0);
    expect(computeBleu([6, 5, 4, 0], [6, 5, 4, 3], 6, 6, { smoothMethod: 'floor', smoothValue: 0 }).score).toBe(0);
  });

  it('raw corpus BLEU (tokenize none, floor 0.01, effective order)', () => {
    const raw = (h: string[], r: string[]) =>
      corpusBleu(h, r, { tokenize: 'none', smoothMethod: 'floor', smoothValue: 0.01, effectiveOrder: true }).score / 100;
    expect(raw(['this is a test', 'another test'], ['ref1', 'ref2'])).toBe(0);
    expect(raw(['this is a test'], ['this is a test'])).toBeCloseTo(1, 10);
    expect(raw(['this is a fest'], ['this is a test'])).toBeCloseTo(0.223606797749979, 10);
    expect(raw(['test'], ['a test'])).toBeCloseTo(0.3678794411714425, 10);
    expect(raw(['a little test'], ['a test'])).toBeCloseTo(0.03218297948685433, 10);
    const stats = corpusBleu(['am I am a character sequence'], ['I am a symbol string sequence a a'], { tokenize: 'none' });
    expect([stats.counts, stats.totals]).toEqual([[4, 2, 1, 0], [6, 5, 4, 3]]);
  });

  it('sentence BLEU (test_sentence_bleu.py, which allows an error of 1e-3)', () => {
    const near = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThan(1e-3);
    const ref = 'producţia de zahăr brut se exprimă în zahăr alb;';
    const sys = 'Producția de zahăr primă va fi exprimată în ceea ce privește zahărul alb;';
    near(sentenceBleu(sys, [ref]).score, 8.493);
    near(sentenceBleu(sys, [ref], { smoothMethod: 'none' }).score, 0);
    near(sentenceBleu(sys, [ref], { smoothMethod: 'floor' }).score, 4.51688);
    near(sentenceBleu(sys, [ref], { smoothMethod: 'floor', smoothValue: 0.5 }).score, 10.1);
    near(sentenceBleu(sys, [ref], { smoothMethod: 'add-k' }).score, 14.882);
    near(sentenceBleu(sys, [ref], { smoothMethod: 'add-k', smoothValue: 2 }).score, 21.389);
    near(sentenceBleu(sys, [ref], { tokenize: 'none' }).score, 7.347);
    expect(sentenceBleu('this is a cat', ['okay thanks']).score).toBe(0);
  });

  it('refuses mismatched references and a segment without any', () => {
    expect(() => corpusBleu(['a', 'b'], ['a'])).toThrow(/1 segments for 2 hypotheses/);
    expect(() => corpusBleu(['a'], [null])).toThrow(/Segment 0 has no reference/);
  });

  // sacrebleu ≥ 2.2 keeps an empty reference (length 0, no n-grams) and drops only None
  // (sacrebleu/metrics/base.py `_cache_references`). Expected values worked out from that rule by hand.
  it('keeps an empty reference: it can be the closest length, so no brevity penalty', () => {
    const hyp = 'the cat sat on';
    const long = 'the cat sat on the mat by the door today';
    const withEmpty = corpusBleu([hyp], [[long], ['']]);
    // All 4+3+2+1 hypothesis n-grams are in the long reference; the closest reference length to 4 is 0
    // (|4-0| < |4-10|), so sys_len 4 ≥ ref_len 0 and BP = 1: BLEU 100.
    expect(withEmpty).toMatchObject({ counts: [4, 3, 2, 1], totals: [4, 3, 2, 1], sysLen: 4, refLen: 0, bp: 1 });
    expect(withEmpty.score).toBeCloseTo(100, 10);
    // A None (null) reference is left out: ref_len 10, BP = exp(1 - 10/4), BLEU 22.313.
    const withNull = corpusBleu([hyp], [[long], [null]]);
    expect(withNull.refLen).toBe(10);
    expect(withNull.score).toBeCloseTo(100 * Math.exp(1 - 10 / 4), 10);
    expect(withNull.score).toBeCloseTo(22.313016014842983, 10);
  });

  it('counts a segment whose only reference is empty: its hypothesis n-grams all miss', () => {
    const score = corpusBleu(['the cat sat on the mat', 'a b c'], ['the cat sat on the mat', '']);
    // Summed: sys 6+3, ref 6+0, correct [6,5,4,3], totals [6+3, 5+2, 4+1, 3+0]; BP 1.
    expect(score).toMatchObject({ counts: [6, 5, 4, 3], totals: [9, 7, 5, 3], sysLen: 9, refLen: 6, bp: 1 });
    const expected = Math.exp((Math.log(600 / 9) + Math.log(500 / 7) + Math.log(80) + Math.log(100)) / 4);
    expect(score.score).toBeCloseTo(expected, 10);
    expect(score.score).toBeCloseTo(78.56293018010261, 10);
  });

  it('gives sentence BLEU 0 against an empty reference instead of throwing', () => {
    expect(sentenceBleu('a b c', '')).toEqual({ score: 0, counts: [0, 0, 0, 0], totals: [3, 2, 1, 0], precisions: [0, 0, 0, 0], bp: 1, sysLen: 3, refLen: 0 });
    expect(sentenceBleu('', '').score).toBe(0);
  });
});
