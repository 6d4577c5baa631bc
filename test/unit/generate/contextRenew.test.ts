import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/compute/tf.js';
import { ContextCache } from '../../../src/generate/contexts.js';
import type { LanguageModel } from '../../../src/model/languageModel.js';
import type { Tokenizer } from '../../../src/text/tokenizers/index.js';
import { useBackend } from '../../helpers/tf.js';
import { CORPUS, trainedCharModel } from './helpers.js';

describe('ContextCache.renew (re-priming ahead of time, while idle)', () => {
  let model: LanguageModel;
  let tokenizer: Tokenizer;
  beforeAll(async () => {
    await useBackend('cpu');
    ({ model, tokenizer } = trainedCharModel());
  });
  afterAll(() => model.dispose());

  it('re-primes the latest session only when it nears the forced re-prime, so typing on just extends', () => {
    const cache = new ContextCache(model, tokenizer, { contextTokens: 20, rewindTokens: 4 });
    let text = CORPUS.slice(0, 20);
    expect(cache.sync(text).report.mode).toBe('primed');
    expect(cache.renew(8)).toBe(false);
    // 2 × 20 − 8 = 32 tokens fed: one more makes it due.
    text = CORPUS.slice(0, 33);
    expect(cache.sync(text).report.mode).toBe('extended');
    expect(cache.renew(8)).toBe(true);
    const { session } = cache.sync(text);
    expect(session.text).toBe(text);
    expect(session.fedTokens).toBe(20);
    // Without renewal the 41st token would have re-primed; now it extends.
    expect(cache.sync(CORPUS.slice(0, 41)).report).toMatchObject({ mode: 'extended', fed: 8 });
    const tensors = tf.memory().numTensors;
    cache.renew(8);
    expect(tf.memory().numTensors).toBe(tensors);
    cache.dispose();
  });

  it('does nothing without sessions', () => {
    const cache = new ContextCache(model, tokenizer);
    expect(cache.renew()).toBe(false);
  });
});
