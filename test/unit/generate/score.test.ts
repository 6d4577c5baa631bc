import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/compute/tf.js';
import { score } from '../../../src/generate/score.js';
import { UnknownTokensError, trainTokenizer } from '../../../src/text/tokenizers/index.js';
import { testBackends, useBackend } from '../../helpers/tf.js';
import { CORPUS, forwardLogProbs, randomModel, trainedCharModel } from './helpers.js';

/** Mean NLL of tokens 2..N from one forward pass, done by hand. */
function manualNll(rows: number[][], ids: number[]): { total: number; mean: number } {
  let total = 0;
  for (let i = 1; i < ids.length; i++) total -= rows[i - 1]![ids[i]!]!;
  return { total, mean: total / (ids.length - 1) };
}

describe.each(testBackends)('score() on %s', (backend) => {
  beforeAll(async () => useBackend(backend));

  it('matches a manual computation from forward logits, however the text is chunked', () => {
    const { model, tokenizer } = trainedCharModel();
    const text = CORPUS.slice(0, 150);
    const ids = tokenizer.encode(text);
    const { total, mean } = manualNll(forwardLogProbs(model, ids), ids);
    const before = tf.memory().numTensors;
    for (const chunkTokens of [256, 7, 1]) {
      const result = score(model, tokenizer, text, { chunkTokens });
      expect(result.tokens).toBe(150);
      expect(result.predicted_tokens).toBe(149);
      expect(result.predicted_chars).toBe(149);
      expect(result.nll).toBeCloseTo(mean, 5);
      expect(result.perplexity).toBeCloseTo(Math.exp(mean), 4);
      expect(result.bits_per_char).toBeCloseTo(total / Math.LN2 / 149, 5);
      expect(result.bits_per_char).toBeCloseTo(result.nll / Math.LN2, 9);
    }
    expect(tf.memory().numTensors).toBe(before);
    // A model that has learnt the text predicts it far better than chance.
    expect(score(model, tokenizer, text).perplexity).toBeLessThan(tokenizer.vocabSize / 4);
    model.dispose();
  });

  it('has exactly the documented keys, in order', () => {
    const { model, tokenizer } = trainedCharModel();
    expect(Object.keys(score(model, tokenizer, 'the cat'))).toEqual(['tokens', 'nll', 'perplexity', 'bits_per_char', 'predicted_tokens', 'predicted_chars']);
    model.dispose();
  });

  it('names the characters the vocabulary lacks, and refuses a text of one token', () => {
    const { model, tokenizer } = trainedCharModel();
    const error = (() => {
      try {
        score(model, tokenizer, 'the cat ate €5 of café');
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(UnknownTokensError);
    expect((error as Error).message).toBe('unknown characters: "€", "5", "f", "é"');
    expect(() => score(model, tokenizer, 't')).toThrow(/at least 2 tokens/);
    model.dispose();
  });

  it('word level: predicted characters are those after the first word, an <unk> counting the word it replaced', () => {
    const tokenizer = trainTokenizer('word', CORPUS);
    const model = randomModel(tokenizer, 2);
    const text = 'zebra sat on the mat.';
    const ids = tokenizer.encode(text);
    expect(ids[0]).toBe(tokenizer.unkId);
    const result = score(model, tokenizer, text);
    const { total } = manualNll(forwardLogProbs(model, ids), ids);
    expect(result.tokens).toBe(ids.length);
    expect(result.predicted_chars).toBe(text.length - 'zebra'.length);
    expect(result.bits_per_char).toBeCloseTo(total / Math.LN2 / (text.length - 5), 5);
    model.dispose();
  });

  it('BPE: predicted characters are those after the first token', () => {
    const tokenizer = trainTokenizer('bpe', CORPUS, { vocabSize: 60 });
    const model = randomModel(tokenizer, 3);
    const text = 'the dog ran home.';
    const ids = tokenizer.encode(text);
    const first = tokenizer.decode([ids[0]!]);
    expect(first.length).toBeGreaterThan(1);
    const result = score(model, tokenizer, text);
    expect(result.predicted_chars).toBe(text.length - first.length);
    expect(result.nll).toBeCloseTo(manualNll(forwardLogProbs(model, ids), ids).mean, 5);
    expect(() => score(model, tokenizer, 'the dog ran hōme')).toThrow(/unknown characters: "ō"/);
    model.dispose();
  });
});
