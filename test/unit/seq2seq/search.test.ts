/**
 * Decoding: greedy, sampling and beam search on an untrained tiny model — the constraints (min/max length,
 * n-gram blocking, no <pad>/<s>/<unk>), determinism, one attention row per output token, and agreement between
 * beam search with width 1… and greedy, and between a session's steps and the training pass's scores.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { summarySearch } from '../../../src/generate/seq2seq/index.js';
import { search } from '../../../src/generate/seq2seq/search.js';
import { Seq2seqSession } from '../../../src/generate/seq2seq/session.js';
import { makeBatch } from '../../../src/model/seq2seq/batch.js';
import { Seq2seqModel } from '../../../src/model/seq2seq/model.js';
import { useBackend } from '../../helpers/tf.js';
import { tinyConfig, tinyPairs } from './helpers.js';

describe('seq2seq search', () => {
  let model: Seq2seqModel;
  const source = tinyPairs()[2]!.source;
  beforeAll(async () => {
    await useBackend('wasm');
    model = Seq2seqModel.init(tinyConfig({ copy: true, coverage: true, bidirectional: true, hiddenSize: 8, embedDim: 6 }), 4);
    return () => model.dispose();
  });
  const run = (options: Parameters<typeof search>[1]) => {
    const session = new Seq2seqSession(model, source);
    try {
      return search(session, options);
    } finally {
      session.dispose();
    }
  };

  it('respects minimum and maximum lengths and never emits <pad>, <s> or <unk>', () => {
    for (const strategy of ['greedy', 'sample', 'beam'] as const) {
      const long = run({ strategy, minLength: 7, maxLength: 9, beam: 3, seed: 1 });
      expect(long.ids.length, strategy).toBeGreaterThanOrEqual(7);
      expect(long.ids.length, strategy).toBeLessThanOrEqual(9);
      for (const id of long.ids) expect([0, 1, 2, 3]).not.toContain(id);
      expect(long.attention).toHaveLength(long.ids.length);
      for (const row of long.attention) {
        expect(row).toHaveLength(source.ids.length);
        expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
      }
    }
  });

  it('sets the minimum from the source length when none is given (a summary model\'s target length), up to the maximum', () => {
    const n = source.ids.length;
    for (const strategy of ['greedy', 'beam'] as const) {
      const half = run({ strategy, minLengthPerSourceToken: 0.5, maxLength: 40, beam: 3 });
      expect(half.ids.length, strategy).toBeGreaterThanOrEqual(Math.round(0.5 * n));
      expect(run({ strategy, minLengthPerSourceToken: 10, maxLength: 9, beam: 3 }).ids, strategy).toHaveLength(9);
      // A minimum that is given wins.
      const given = run({ strategy, minLength: 2, minLengthPerSourceToken: 10, maxLength: 40, beam: 3 });
      expect(given.ids.length, strategy).toBeLessThan(Math.round(10 * n));
    }
    expect(summarySearch({}, { targetLength: { perSourceToken: 0.4 } })).toMatchObject({ minLengthPerSourceToken: 0.4 });
    expect(summarySearch({ minLength: 5 }, { targetLength: { perSourceToken: 0.4 } })).toMatchObject({ minLength: 5 });
    expect(summarySearch({ minLength: 5 }, { targetLength: { perSourceToken: 0.4 } })).not.toHaveProperty('minLengthPerSourceToken');
    expect(summarySearch({})).not.toHaveProperty('minLength');
  });

  it('can copy source OOVs (extended ids) and blocks repeated n-grams', () => {
    const out = run({ strategy: 'sample', minLength: 12, maxLength: 12, seed: 3, temperature: 2, blockNgram: 2 });
    const bigrams = out.ids.slice(1).map((id, i) => `${out.ids[i]},${id}`);
    expect(new Set(bigrams).size).toBe(bigrams.length);
    const session = new Seq2seqSession(model, source);
    const state = session.start();
    const step = session.step([1], state);
    // 9 vocabulary ids + the source's 2 OOVs, which the copy distribution gives probability.
    expect(session.width).toBe(11);
    expect(Number.isFinite(step.logProbs[9]!) && Number.isFinite(step.logProbs[10]!)).toBe(true);
    session.release(state);
    session.release(step.state);
    session.dispose();
  });

  it('is deterministic, and sampling depends on the seed', () => {
    expect(run({ strategy: 'beam', beam: 4, maxLength: 8 })).toEqual(run({ strategy: 'beam', beam: 4, maxLength: 8 }));
    const a = run({ strategy: 'sample', seed: 1, maxLength: 10, minLength: 10, temperature: 1.5 });
    expect(run({ strategy: 'sample', seed: 1, maxLength: 10, minLength: 10, temperature: 1.5 }).ids).toEqual(a.ids);
    expect(run({ strategy: 'sample', seed: 2, maxLength: 10, minLength: 10, temperature: 1.5 }).ids).not.toEqual(a.ids);
  });

  it('finds a hypothesis at least as likely as greedy (no length penalty), and beam 1 is greedy', () => {
    const greedy = run({ strategy: 'greedy', maxLength: 6 });
    const beam = run({ strategy: 'beam', beam: 6, lengthPenalty: 0, maxLength: 6 });
    if (greedy.finished && beam.finished) expect(beam.logProb).toBeGreaterThanOrEqual(greedy.logProb - 1e-4);
    expect(run({ strategy: 'beam', beam: 1, maxLength: 6 }).ids).toEqual(greedy.ids);
  });

  it('ends at the length limit the same way greedy and beam 1 do: with </s> and its probability', () => {
    const greedy = run({ strategy: 'greedy', minLength: 3, maxLength: 3 });
    const beam = run({ strategy: 'beam', beam: 1, lengthPenalty: 0, minLength: 3, maxLength: 3 });
    expect(greedy.ids).toHaveLength(3);
    expect(beam.ids).toEqual(greedy.ids);
    expect(greedy.finished).toBe(true);
    expect(beam.finished).toBe(true);
    expect(greedy.logProb).toBeCloseTo(beam.logProb, 4);
  });

  it('scores a sequence the same way step by step as the training pass does', () => {
    const pair = tinyPairs()[2]!;
    const session = new Seq2seqSession(model, pair.source);
    let state = session.start();
    let previous = 1;
    let logProb = 0;
    for (const id of [...pair.target, 2]) {
      const out = session.step([previous], state);
      session.release(state);
      state = out.state;
      logProb += out.logProbs[id]!;
      previous = id;
    }
    session.release(state);
    session.dispose();
    const scored = model.score(makeBatch([pair], model.config));
    expect(-logProb).toBeCloseTo(scored.nllSum, 3);
  });
});
