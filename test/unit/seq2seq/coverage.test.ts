/**
 * Coverage makes repeated phrases rarer. The task copies sequences over six symbols in which symbols recur but
 * no bigram does, so every repeated bigram in an output is an error, the "a b c a b c…" loop of an attention
 * model that has lost its place. As See et al. (2017) do, a model is first trained without coverage, then
 * continued for the same steps on the same batches twice: as it is, and with coverage switched on (the vector
 * in the Luong score, its weight starting at 0 so the two branches start as the same function, plus the
 * coverage loss with λ = 1). Greedy decoding, no n-gram blocking.
 *
 * Measured on wasm (repeated bigrams over the 100 test sources, base 300 steps + 200 each branch):
 *   seeds 1, 2, 3, 4, 5 → without coverage 100, 30, 95, 72, 22 repeats; with 4, 7, 16, 0, 0
 *   (exact match without 1, 55, 2, 37, 66 %; with 91, 83, 55, 98, 98 %).
 *   Seeds 6–10: without 68, 301, 73, 58, 182; with 1, 444, 12, 4, 114. Seed 7's base model never found the
 *   alignment (token accuracy 16 %) and coverage cannot repair that; seed 10 is cut only to 63 %.
 * Part of the gain is coverage finding the alignment sooner: with 400 branch steps the model without coverage
 * catches up much of the way, though a gap stays (seeds 6, 8, 9, 10: 12, 12, 14, 35 without, 1, 0, 0, 5 with;
 * seed 7 still 250 and 252). The coverage vector without its loss (λ = 0) barely helps (seeds 1–3: 87, 22, 83),
 * and this test fails with it. This test runs seed 1, about 10 s on a loaded 2-core machine.
 * Trained from scratch with coverage at this size, 2 of 5 seeds got stuck with attention sweeping the source
 * backwards (disjoint, so the coverage loss is already low, but useless for copying): why the coverage phase
 * comes after the base training here, as in See et al.
 */
import { describe, expect, it } from 'vitest';
import { tf } from '../../../src/compute/tf.js';
import { search } from '../../../src/generate/seq2seq/search.js';
import { Seq2seqSession } from '../../../src/generate/seq2seq/session.js';
import { makeBatch } from '../../../src/model/seq2seq/batch.js';
import type { EncodedPair } from '../../../src/model/seq2seq/codec.js';
import { Seq2seqModel } from '../../../src/model/seq2seq/model.js';
import { Rng } from '../../../src/model/rng.js';
import { Seq2seqTrainer } from '../../../src/train/seq2seq/step.js';
import { useBackend } from '../../helpers/tf.js';
import { tinyConfig } from './helpers.js';

const SYMBOLS = 6;
const BATCH = 16;
const BASE_STEPS = 300;
const BRANCH_STEPS = 200;
const SEED = 1;

/**
 * Copy pairs of 8–14 tokens over `SYMBOLS` symbols (ids 4…): no symbol twice in a row and no bigram twice, so a
 * correct output never repeats a bigram, while the recurring symbols make "which occurrence am I at?" hard.
 */
function loopPronePairs(count: number, seed: number): EncodedPair[] {
  const rng = new Rng(seed);
  const symbols = Array.from({ length: SYMBOLS }, (_, i) => 4 + i);
  return Array.from({ length: count }, () => {
    const n = 8 + Math.floor(rng.next() * 7);
    for (;;) {
      const ids: number[] = [];
      const seen = new Set<string>();
      for (let i = 0; i < n; i++) {
        const prev = ids[i - 1];
        const choices = symbols.filter((x) => x !== prev && !seen.has(`${prev},${x}`));
        if (choices.length === 0) break; // a dead end: draw the sequence again
        const next = choices[Math.floor(rng.next() * choices.length)]!;
        if (prev !== undefined) seen.add(`${prev},${next}`);
        ids.push(next);
      }
      if (ids.length === n) return { source: { ids, extended: ids, pieces: ids.map(String), oovs: [], truncated: false }, target: ids };
    }
  });
}

/** Bigrams that already occurred earlier in the output. */
function repeatedBigrams(ids: readonly number[]): number {
  const bigrams = ids.slice(1).map((x, i) => `${ids[i]},${x}`);
  return bigrams.length - new Set(bigrams).size;
}

function decodeAll(model: Seq2seqModel, pairs: readonly EncodedPair[]): { repeats: number; exact: number; tokenAccuracy: number } {
  let repeats = 0;
  let exact = 0;
  let right = 0;
  let total = 0;
  for (const pair of pairs) {
    const session = new Seq2seqSession(model, pair.source);
    const out = search(session, { strategy: 'greedy' });
    session.dispose();
    repeats += repeatedBigrams(out.ids);
    if (out.ids.join() === pair.target.join()) exact++;
    pair.target.forEach((id, i) => {
      total++;
      if (out.ids[i] === id) right++;
    });
  }
  return { repeats, exact: exact / pairs.length, tokenAccuracy: right / total };
}

describe('seq2seq coverage on wasm', () => {
  it('makes repeated bigrams far rarer than the same model and steps without it, and copies better', async () => {
    await useBackend('wasm');
    const config = tinyConfig({ sourceVocabSize: 4 + SYMBOLS, targetVocabSize: 4 + SYMBOLS, sharedEmbedding: true, embedDim: 8, hiddenSize: 16, maxSourceLen: 14, maxTargetLen: 16 });
    const withCoverage = { ...config, coverage: true };
    const train = loopPronePairs(BATCH * (BASE_STEPS + BRANCH_STEPS), SEED * 1000 + 7);
    const test = loopPronePairs(100, 999);
    const batchAt = (step: number) => makeBatch(train.slice(BATCH * step, BATCH * (step + 1)), config);

    const plain = Seq2seqModel.init(config, SEED);
    const base = new Seq2seqTrainer(plain, { lr: 1e-2, clipNorm: 5, seed: SEED });
    for (let step = 0; step < BASE_STEPS; step++) base.step(batchAt(step));
    base.dispose();

    // Luong coverage adds one scalar weight; at 0 the coverage branch starts as exactly the base model.
    const zero = tf.zeros([1, 1]);
    const covered = Seq2seqModel.fromWeights(withCoverage, { ...plain.weights, 'attention.coverage': zero });
    zero.dispose();
    // Both branches get a fresh Adam, the same batches and the same step count; only coverage differs.
    for (const model of [plain, covered]) {
      const trainer = new Seq2seqTrainer(model, { lr: 1e-2, clipNorm: 5, coverageWeight: 1, seed: SEED });
      for (let step = BASE_STEPS; step < BASE_STEPS + BRANCH_STEPS; step++) trainer.step(batchAt(step));
      trainer.dispose();
    }

    const without = decodeAll(plain, test);
    const withCov = decodeAll(covered, test);
    plain.dispose();
    covered.dispose();

    // The loop is real without coverage (else the comparison shows nothing) …
    expect(without.repeats).toBeGreaterThanOrEqual(20);
    // … and coverage cuts it by well over half (measured 100 → 4 for this seed).
    expect(withCov.repeats).toBeLessThanOrEqual(without.repeats / 2);
    // Fewer repeats by copying better, not by writing less: the task itself is not worse.
    expect(withCov.exact).toBeGreaterThanOrEqual(without.exact);
    expect(withCov.tokenAccuracy).toBeGreaterThanOrEqual(Math.max(without.tokenAccuracy, 0.9));
  });
});
