import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/compute/tf.js';
import type { LanguageModel } from '../../../src/model/languageModel.js';
import {
  applyRepetitionPenalty,
  filteredProbabilities,
  generate,
  nextTokenProbabilities,
  sampleIndex,
} from '../../../src/generate/sample.js';
import { Session } from '../../../src/generate/session.js';
import { countSentences, countWords } from '../../../src/generate/stop.js';
import type { Tokenizer } from '../../../src/text/tokenizers/index.js';
import { testBackends, useBackend } from '../../helpers/tf.js';
import { expectRowsClose, trainedCharModel } from './helpers.js';

describe('the next-token distribution (crafted rows)', () => {
  const probs = [0.5, 0.3, 0.15, 0.05];
  const logits = probs.map(Math.log);

  it('is the softmax at temperature 1, and sharper below 1, flatter above', () => {
    expectRowsClose(nextTokenProbabilities(logits), probs, 1e-12);
    const cold = nextTokenProbabilities(logits, { temperature: 0.5 });
    const hot = nextTokenProbabilities(logits, { temperature: 2 });
    expect(cold[0]).toBeGreaterThan(0.5);
    expect(hot[0]).toBeLessThan(0.5);
    expectRowsClose(cold, normalise(probs.map((p) => p ** 2)), 1e-12);
  });

  it('temperature 0 puts everything on the argmax', () => {
    expect([...nextTokenProbabilities([0.1, 3, 2.9, -1], { temperature: 0 })]).toEqual([0, 1, 0, 0]);
  });

  it('top-p keeps the smallest head reaching p and drops the tail', () => {
    expectRowsClose(filteredProbabilities(logits, { topP: 0.75 }), [0.625, 0.375, 0, 0], 1e-12);
    expectRowsClose(filteredProbabilities(logits, { topP: 0.9 }), [0.5 / 0.95, 0.3 / 0.95, 0.15 / 0.95, 0], 1e-12);
    // Even a tiny p keeps the most likely token.
    expectRowsClose(filteredProbabilities(logits, { topP: 0.01 }), [1, 0, 0, 0], 1e-12);
  });

  it('top-k keeps the k most likely; top-k then top-p compose', () => {
    expectRowsClose(filteredProbabilities(logits, { topK: 2 }), [0.625, 0.375, 0, 0], 1e-12);
    expectRowsClose(filteredProbabilities(logits, { topK: 1 }), [1, 0, 0, 0], 1e-12);
    expectRowsClose(filteredProbabilities(logits, { topK: 3, topP: 0.6 }), [0.5 / 0.8, 0.3 / 0.8, 0, 0], 1e-12);
  });

  it('the repetition penalty (CTRL) lowers the probability of recent tokens only', () => {
    const row = [2, 1, -1, 0.5];
    const penalised = applyRepetitionPenalty(Float64Array.from(row), [3, 0, 2, 0], 2, 3);
    // Window 3 sees [0, 2, 0]: token 3 is out of it. Positive logits are divided, negative multiplied.
    expect([...penalised]).toEqual([1, 1, -2, 0.5]);
    const before = nextTokenProbabilities(row);
    const after = nextTokenProbabilities(row, { history: [3, 0, 2, 0], repetitionPenalty: 2, repetitionWindow: 3 });
    expect(after[0]).toBeLessThan(before[0]!);
    expect(after[2]).toBeLessThan(before[2]!);
    expect(after[1]).toBeGreaterThan(before[1]!);
    expect(after[3]).toBeGreaterThan(before[3]!);
  });

  it('samples by inverse CDF and refuses bad options', () => {
    expect(sampleIndex([0.2, 0, 0.8], 0)).toBe(0);
    expect(sampleIndex([0.2, 0, 0.8], 0.2)).toBe(2);
    expect(sampleIndex([0.2, 0, 0.8], 0.999999)).toBe(2);
    expect(() => nextTokenProbabilities(logits, { topP: 0 })).toThrow(/top-p/);
    expect(() => nextTokenProbabilities(logits, { temperature: -1 })).toThrow(/temperature/);
    expect(() => nextTokenProbabilities(logits, { topK: 1.5 })).toThrow(/top-k/);
  });
});

describe.each(testBackends)('generate() on %s', (backend) => {
  let model: LanguageModel;
  let tokenizer: Tokenizer;
  let session: Session;
  beforeAll(async () => {
    await useBackend(backend);
    ({ model, tokenizer } = trainedCharModel());
    session = new Session(model, tokenizer);
    session.prime('the cat ');
  });
  afterAll(() => {
    session.dispose();
    model.dispose();
  });

  it('temperature 0 is deterministic whatever the seed, and leaves the session where it was', async () => {
    const before = Float32Array.from(session.logits);
    const a = await generate(session, { maxTokens: 30, temperature: 0, seed: 1 });
    const b = await generate(session, { maxTokens: 30, temperature: 0, seed: 2 });
    expect(a.text).toBe(b.text);
    expect(a.text).toHaveLength(30);
    expect(a.text).toMatch(/^[a-z. \n]+$/);
    expect(session.text).toBe('the cat ');
    expect([...session.logits]).toEqual([...before]);
  });

  it('the same seed gives the same text; different seeds (almost surely) differ', async () => {
    const options = { maxTokens: 60, temperature: 1.5 };
    const a = await generate(session, { ...options, seed: 11 });
    const again = await generate(session, { ...options, seed: 11 });
    expect(again.text).toBe(a.text);
    expect(again.seed).toBe(11);
    const others = await Promise.all([12, 13, 14].map((seed) => generate(session, { ...options, seed })));
    expect(others.some((o) => o.text !== a.text)).toBe(true);
    const unseeded = await generate(session, options);
    expect(Number.isInteger(unseeded.seed)).toBe(true);
  });

  it('top-k = 1 is greedy at any temperature', async () => {
    const greedy = await generate(session, { maxTokens: 40, temperature: 0 });
    for (const seed of [1, 2]) {
      const topOne = await generate(session, { maxTokens: 40, temperature: 1.3, topK: 1, seed });
      expect(topOne.text).toBe(greedy.text);
    }
  });

  it('stops at the end of a word, of n words, of a sentence, of a line, or at a stop string', async () => {
    const word = await generate(session, { maxTokens: 40, temperature: 0, stopAt: 'word' });
    expect(word.stopReason).toBe('word');
    expect(word.text).toMatch(/^\S+$/);
    const free = await generate(session, { maxTokens: 40, temperature: 0 });
    expect(free.text.startsWith(word.text)).toBe(true);
    expect(free.text[word.text.length]).toMatch(/\s/);

    const three = await generate(session, { maxTokens: 40, temperature: 0, stopAt: 'word', count: 3 });
    expect(three.stopReason).toBe('word');
    expect(countWords(three.text)).toBe(3);
    expect(three.text).toMatch(/\S$/);
    expect(free.text.startsWith(three.text)).toBe(true);

    const sentence = await generate(session, { maxTokens: 200, temperature: 0, stopAt: 'sentence' });
    expect(sentence.stopReason).toBe('sentence');
    expect(sentence.text).toMatch(/\.$/);
    expect(countSentences(sentence.text)).toBe(1);

    const home = new Session(model, tokenizer);
    home.prime('a cat saw a dog. the dog ran');
    const line = await generate(home, { maxTokens: 100, temperature: 0, stopAt: 'line' });
    const beyond = await generate(home, { maxTokens: 100, temperature: 0 });
    home.dispose();
    expect(line.stopReason).toBe('line');
    expect(line.text.length).toBeGreaterThan(0);
    expect(line.text).not.toContain('\n');
    expect(beyond.text.startsWith(`${line.text}\n`)).toBe(true);

    const stop = await generate(session, { maxTokens: 200, temperature: 0, stopStrings: ['on'] });
    expect(stop.stopReason).toBe('stop-string');
    expect(free.text.startsWith(stop.text)).toBe(true);
    expect(free.text.slice(stop.text.length).startsWith('on')).toBe(true);
  });

  it('trims back to the last whole word when maxTokens cuts one short', async () => {
    const free = await generate(session, { maxTokens: 13, temperature: 0 });
    const cut = await generate(session, { maxTokens: 13, temperature: 0, stopAt: 'word', count: 10 });
    expect(cut.stopReason).toBe('max-tokens');
    expect(cut.trimmed).toBe(true);
    expect(free.text.startsWith(cut.text)).toBe(true);
    expect(free.text[cut.text.length]).toMatch(/\s/);
    expect(cut.tokens).toHaveLength(cut.text.length);
  });

  it('reports the model log-probability of what it wrote (penalty or not)', async () => {
    const plain = await generate(session, { maxTokens: 10, temperature: 0 });
    const penalised = await generate(session, { maxTokens: 10, temperature: 0, repetitionPenalty: 1.0001 });
    expect(penalised.text).toBe(plain.text);
    expect(penalised.logProb).toBeCloseTo(plain.logProb, 9);
    expect(plain.logProb).toBeLessThan(0);
    expect(plain.events).toBe(10);
  });

  it('stops on an AbortSignal between tokens', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(generate(session, { maxTokens: 10, signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    const later = new AbortController();
    let tokensSeen = 0;
    const run = generate(session, { maxTokens: 100_000, temperature: 0, signal: later.signal });
    const timer = setInterval(() => {
      tokensSeen += 1;
      if (tokensSeen === 3) later.abort();
    }, 1);
    await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    clearInterval(timer);
  });

  it('does not leak tensors over 100 generated tokens', async () => {
    await generate(session, { maxTokens: 5, temperature: 1, seed: 1 });
    const before = tf.memory().numTensors;
    const result = await generate(session, { maxTokens: 100, temperature: 1, seed: 3 });
    expect(result.tokens).toHaveLength(100);
    expect(tf.memory().numTensors).toBe(before);
  });
});

function normalise(values: number[]): number[] {
  const sum = values.reduce((a, b) => a + b, 0);
  return values.map((v) => v / sum);
}
