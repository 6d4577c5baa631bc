import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { aggregateRouge, corpusRouge, rougeScore, rougeTokenize } from '../../../src/eval/rouge.js';
import { lcsIndices, lcsTable, summaryLevelLcsHits, unionLcs } from '../../../src/eval/lcs.js';
import { scoreSummaryLcs } from '../../../src/eval/rouge.js';

const fixture = (name: string): string => readFileSync(new URL(`../../fixtures/eval/${name}`, import.meta.url), 'utf8');
const lines = (name: string): string[] => fixture(name).split(/(?<=\n)/);

function expectScore(actual: { precision: number; recall: number; fmeasure: number } | undefined, p: number, r: number, f: number, digits = 10): void {
  expect(actual).toBeDefined();
  expect(actual!.precision).toBeCloseTo(p, digits);
  expect(actual!.recall).toBeCloseTo(r, digits);
  expect(actual!.fmeasure).toBeCloseTo(f, digits);
}

describe('rougeTokenize', () => {
  it('lower-cases, keeps only [a-z0-9] runs, drops non-ASCII letters', () => {
    expect(rougeTokenize("Don't STOP-me now, café 2004!")).toEqual(['don', 't', 'stop', 'me', 'now', 'caf', '2004']);
    expect(rougeTokenize('one\n Two \nthree')).toEqual(['one', 'two', 'three']); // rouge_score tokenize_test
    expect(rougeTokenize('  ...  ')).toEqual([]);
  });

  it('stems only tokens longer than 3 characters', () => {
    // "was" would stem to "wa", but 3-letter tokens are left alone.
    expect(rougeTokenize('Cats was running dies', true)).toEqual(['cat', 'was', 'run', 'die']);
  });
});

describe('rougeScore — hand-checked', () => {
  it('ROUGE-1/2/L on two short sentences', () => {
    // T = the quick brown fox jumps over the lazy dog (9 tokens), P = the quick brown dog jumps on the log (8).
    // ROUGE-1: clipped overlap the×2 quick brown jumps dog = 6 → P 6/8, R 6/9, F 2PR/(P+R) = 12/17.
    // ROUGE-2: T has 8 bigrams, P 7; shared: "the quick", "quick brown" = 2 → P 2/7, R 2/8, F 4/15.
    // ROUGE-L: LCS "the quick brown jumps the" = 5 → P 5/8, R 5/9, F 10/17.
    const s = rougeScore('the quick brown fox jumps over the lazy dog', 'the quick brown dog jumps on the log');
    expectScore(s.rouge1, 6 / 8, 6 / 9, 12 / 17);
    expectScore(s.rouge2, 2 / 7, 2 / 8, 4 / 15);
    expectScore(s.rougeL, 5 / 8, 5 / 9, 10 / 17);
  });

  it('ROUGE-Lsum with two sentences each, against ROUGE-L', () => {
    // R1 = the cat sat down, R2 = it was very happy; C1 = the cat was happy, C2 = it sat down. m = 8, n = 7.
    // R1: LCS(R1,C1) = {the, cat}, LCS(R1,C2) = {sat, down} → union 4 hits.
    // R2: LCS(R2,C1) = {was, happy}, LCS(R2,C2) = {it} → union 3 hits; no token is used twice.
    // Lsum: P 7/7, R 7/8, F 14/15. Whole-text ROUGE-L only finds an LCS of 4: P 4/7, R 4/8, F 8/15.
    const s = rougeScore('the cat sat down\nit was very happy', 'the cat was happy\nit sat down', { types: ['rougeL', 'rougeLsum'] });
    expectScore(s.rougeLsum, 1, 7 / 8, 14 / 15);
    expectScore(s.rougeL, 4 / 7, 4 / 8, 8 / 15);
  });

  it('stemming: "police killed the gunman" vs "police kill the gunman"', () => {
    // Unstemmed: 3 of 4 unigrams, 1 of 3 bigrams, LCS 3. Stemmed: killed → kill, so everything matches.
    const plain = rougeScore('police killed the gunman', 'police kill the gunman');
    expectScore(plain.rouge1, 0.75, 0.75, 0.75);
    expectScore(plain.rouge2, 1 / 3, 1 / 3, 1 / 3);
    expectScore(plain.rougeL, 0.75, 0.75, 0.75);
    const stemmed = rougeScore('police killed the gunman', 'police kill the gunman', { useStemmer: true });
    expectScore(stemmed.rouge1, 1, 1, 1);
    expectScore(stemmed.rouge2, 1, 1, 1);
  });

  it('splitSummaries finds sentences in run-together BBC-style text', () => {
    // One line each, so without splitting ROUGE-Lsum is just ROUGE-L and the reordering costs recall.
    const target = 'Profits rose 12% to $4.2m.The firm was pleased.';
    const prediction = 'The firm was pleased. Profits rose 12% to $4.2m.';
    expect(rougeScore(target, prediction, { types: ['rougeLsum'] }).rougeLsum!.recall).toBeLessThan(1);
    expectScore(rougeScore(target, prediction, { types: ['rougeLsum'], splitSummaries: true }).rougeLsum, 1, 1, 1);
  });

  it('rejects unknown types', () => {
    expect(() => rougeScore('a', 'a', { types: ['rougeX' as never] })).toThrow(/Unknown ROUGE type/);
    expect(() => rougeScore('a', 'a', { types: ['rouge0' as never] })).toThrow(/positive n/);
  });
});

describe('rougeScore — rouge_score\'s own test values', () => {
  it('simple cases from rouge_scorer_test.py', () => {
    expectScore(rougeScore('testing one two', 'testing').rouge1, 1, 1 / 3, 1 / 2);
    expectScore(rougeScore('testing one two', 'testing one').rouge2, 1, 1 / 2, 2 / 3);
    expectScore(rougeScore('testing one two', 'testing one').rougeL, 1, 2 / 3, 4 / 5);
    expectScore(rougeScore('testing one two', 'testing two').rougeL, 1, 2 / 3, 4 / 5);
    for (const type of ['rouge1', 'rouge2', 'rougeL', 'rougeLsum'] as const) {
      expectScore(rougeScore('testing one two', '', { types: [type] })[type], 0, 0, 0);
    }
    expectScore(rougeScore('w1 w2 w3 w4 w5', 'w1 w2 w6 w7 w8\nw1 w3 w8 w9 w5', { types: ['rougeLsum'] }).rougeLsum, 0.4, 0.8, 0.5333, 3);
    expectScore(rougeScore('w1 w2 w3 w4 w5', '/', { types: ['rougeLsum'] }).rougeLsum, 0, 0, 0);
    expectScore(rougeScore('', 'w1', { types: ['rougeLsum'] }).rougeLsum, 0, 0, 0);
  });

  it('matches ROUGE-1.5.5 on its test data, with and without stemming', () => {
    const targets = lines('rouge_target.txt');
    const predictions = lines('rouge_prediction.txt');
    const s0 = rougeScore(targets[0]!, predictions[0]!, { types: ['rouge1', 'rouge2', 'rougeL'] });
    expectScore(s0.rouge1, 0.6875, 0.40741, 0.51163, 5);
    expectScore(s0.rouge2, 0.53333, 0.30769, 0.39024, 5);
    expectScore(s0.rougeL, 0.6875, 0.40741, 0.51163, 5);
    const s1 = rougeScore(targets[1]!, predictions[1]!, { types: ['rouge1', 'rouge2', 'rougeL'] });
    expectScore(s1.rouge1, 0.65385, 0.40476, 0.5, 5);
    expectScore(s1.rouge2, 0.48, 0.29268, 0.36364, 5);
    expectScore(s1.rougeL, 0.65385, 0.40476, 0.5, 5);
    const stemmed = rougeScore(targets[1]!, predictions[1]!, { types: ['rouge1', 'rouge2'], useStemmer: true });
    expectScore(stemmed.rouge1, 0.69231, 0.42857, 0.52941, 5);
    expectScore(stemmed.rouge2, 0.48, 0.29268, 0.36364, 5);
  });

  it('matches ROUGE-1.5.5 for ROUGE-Lsum with stemming on multi-sentence summaries', () => {
    const s = rougeScore(fixture('rouge_target_multi.0.txt'), fixture('rouge_prediction_multi.0.txt'), { types: ['rougeLsum'], useStemmer: true });
    expectScore(s.rougeLsum, 0.66667, 0.36538, 0.47205, 5);
  });
});

describe('LCS helpers (rouge_scorer_test.py cases)', () => {
  it('table, backtrack and union', () => {
    const ref = [1, 2, 3, 4, 5];
    const t = lcsTable(ref, [2, 5, 3, 4]);
    expect(t.cells[t.cells.length - 1]).toBe(3);
    expect(lcsIndices(ref, [2, 5, 3, 4])).toEqual([1, 2, 3]);
    expect(lcsIndices(ref, [8, 9])).toEqual([]);
    expect(unionLcs(ref, [[1, 2, 6, 7, 8], [1, 3, 8, 9, 5]])).toEqual([1, 2, 3, 5]);
  });

  it('summary-level LCS guards against double counting', () => {
    expect(summaryLevelLcsHits([[1, 2, 3, 4, 5]], [[1, 2, 6, 7, 8], [1, 3, 8, 9, 5]])).toBe(4);
    const s = scoreSummaryLcs([['a', 'b', 'c', 'd', 'e']], [['a', 'b', 'f', 'g', 'h'], ['a', 'c', 'h', 'i', 'e']]);
    expect([s.recall, s.precision]).toEqual([0.8, 0.4]);
    // "a a" against "a": the union LCS finds one a, and the candidate has only one to give.
    expect(summaryLevelLcsHits([['a'], ['a']], [['a']])).toBe(1);
    expect(scoreSummaryLcs([['reference']], [[]]).recall).toBe(0);
  });
});

describe('corpus aggregation', () => {
  it('is the plain mean of per-example scores', () => {
    // Example 1: identical → all 1. Example 2: "a b" vs "c d" → all 0. Mean 0.5 everywhere.
    const c = corpusRouge(['a b', 'a b'], ['a b', 'c d'], { types: ['rouge1', 'rougeL'] });
    expect(c.count).toBe(2);
    expectScore(c.mean.rouge1, 0.5, 0.5, 0.5);
    expectScore(c.mean.rougeL, 0.5, 0.5, 0.5);
    expect(() => corpusRouge(['a'], [])).toThrow(/one prediction per target/);
    expect(() => aggregateRouge([{}], ['rouge1'])).toThrow(/no rouge1/);
  });
});
