import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/compute/tf.js';
import { beamSearch, type Continuation } from '../../../src/generate/beam.js';
import { generate } from '../../../src/generate/sample.js';
import { Session } from '../../../src/generate/session.js';
import { countWords, tokenTable } from '../../../src/generate/stop.js';
import type { LanguageModel } from '../../../src/model/languageModel.js';
import type { Tokenizer } from '../../../src/text/tokenizers/index.js';
import { testBackends, useBackend } from '../../helpers/tf.js';
import { forwardLogProbs, randomModel, trainedCharModel } from './helpers.js';

describe.each(testBackends)('beam search on %s', (backend) => {
  let model: LanguageModel;
  let tokenizer: Tokenizer;
  let session: Session;
  const prime = 'a dog. the ';
  beforeAll(async () => {
    await useBackend(backend);
    ({ model, tokenizer } = trainedCharModel());
    session = new Session(model, tokenizer);
    session.prime(prime);
  });
  afterAll(() => {
    session.dispose();
    model.dispose();
  });

  /** The model's log-probability of a continuation, recomputed from one `forward` over prime + tokens. */
  const recompute = (c: Continuation, endIds: number[]): number => {
    const context = tokenizer.encode(prime);
    const rows = forwardLogProbs(model, [...context, ...c.tokens]);
    let sum = 0;
    c.tokens.forEach((id, i) => (sum += rows[context.length - 1 + i]![id]!));
    if (c.events > c.tokens.length) {
      const last = rows[context.length - 1 + c.tokens.length]!;
      sum += Math.log(endIds.reduce((total, id) => total + Math.exp(last[id]!), 0));
    }
    return sum;
  };

  it('with a beam of one is greedy decoding', async () => {
    for (const options of [{ maxTokens: 15 }, { maxTokens: 40, stopAt: 'word' as const, count: 2 }, { maxTokens: 60, stopAt: 'sentence' as const }]) {
      const [beam] = await beamSearch(session, { n: 1, ...options });
      const greedy = await generate(session, { temperature: 0, ...options });
      expect(beam!.text, JSON.stringify(options)).toBe(greedy.text);
      expect(beam!.tokens).toEqual(greedy.tokens);
      expect(beam!.logProb).toBeCloseTo(greedy.logProb, 9);
    }
  });

  it('returns n distinct continuations, sorted by score, scored with the model’s own log-probabilities', async () => {
    const results = await beamSearch(session, { n: 4, beamWidth: 6, maxTokens: 12 });
    expect(results).toHaveLength(4);
    expect(new Set(results.map((r) => r.text)).size).toBe(4);
    for (let i = 1; i < results.length; i++) expect(results[i - 1]!.score).toBeGreaterThanOrEqual(results[i]!.score);
    for (const r of results) {
      expect(r.stopReason).toBe('max-tokens');
      expect(r.events).toBe(12);
      expect(r.score).toBeCloseTo(r.logProb / r.events, 12);
      expect(Math.abs(r.logProb - recompute(r, []))).toBeLessThan(1e-4);
    }
  });

  it('ends every continuation at a word boundary, the end event scored as the mass of the boundary tokens', async () => {
    const table = tokenTable(tokenizer);
    const spaceIds = [...table.space.keys()].filter((id) => table.space[id] === 1);
    const results = await beamSearch(session, { n: 3, maxTokens: 40, stopAt: 'word', count: 2 });
    expect(results).toHaveLength(3);
    expect(new Set(results.map((r) => r.text)).size).toBe(3);
    for (let i = 1; i < results.length; i++) expect(results[i - 1]!.score).toBeGreaterThanOrEqual(results[i]!.score);
    for (const r of results) {
      expect(r.stopReason).toBe('word');
      expect(countWords(r.text)).toBe(2);
      expect(r.text).toMatch(/\S$/);
      expect(r.events).toBe(r.tokens.length + 1);
      expect(Math.abs(r.logProb - recompute(r, spaceIds))).toBeLessThan(1e-4);
    }
  });

  it('does not leak tensors, and stops on an AbortSignal', async () => {
    await beamSearch(session, { n: 3, maxTokens: 5 });
    const before = tf.memory().numTensors;
    await beamSearch(session, { n: 5, maxTokens: 30, stopAt: 'sentence' });
    expect(tf.memory().numTensors).toBe(before);
    const controller = new AbortController();
    const run = beamSearch(session, { n: 3, maxTokens: 10_000, signal: controller.signal });
    setTimeout(() => controller.abort(), 5);
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('works for GRU and multi-layer models too', async () => {
    const gru = randomModel(tokenizer, 5, { cell: 'gru', layers: 2 });
    const s = new Session(gru, tokenizer);
    s.prime(prime);
    const [beam] = await beamSearch(s, { n: 1, maxTokens: 10 });
    const greedy = await generate(s, { temperature: 0, maxTokens: 10 });
    expect(beam!.text).toBe(greedy.text);
    const three = await beamSearch(s, { n: 3, maxTokens: 10 });
    expect(three.map((r) => r.score)).toEqual([...three.map((r) => r.score)].sort((a, b) => b - a));
    s.dispose();
    gru.dispose();
  });
});
