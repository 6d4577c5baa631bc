import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/compute/tf.js';
import { complete } from '../../../src/generate/complete.js';
import { ModelHandle } from '../../../src/generate/handle.js';
import { countWords } from '../../../src/generate/stop.js';
import { testBackends, useBackend } from '../../helpers/tf.js';
import { trainedCharModel } from './helpers.js';

describe.each(testBackends)('complete() on %s', (backend) => {
  let handle: ModelHandle;
  beforeAll(async () => {
    await useBackend(backend);
    const { model, tokenizer } = trainedCharModel();
    handle = new ModelHandle(model, tokenizer);
  });
  afterAll(() => handle.dispose());

  it('suggests up to three whole words, reusing the context as the text grows', async () => {
    const first = await complete(handle, { text: 'a cat saw a dog. the dog ' });
    expect(first.context).toMatchObject({ mode: 'primed', fed: 25 });
    expect(first.alternatives).toHaveLength(1);
    const [suggestion] = first.alternatives;
    expect(countWords(suggestion!.text)).toBe(3);
    expect(suggestion!.text).toMatch(/^\S.*\S$/);
    expect(suggestion!.score).toBeLessThan(0);
    expect(first.tookMs).toBeGreaterThanOrEqual(0);
    expect(first.unknown).toBeNull();

    const typed = await complete(handle, { text: 'a cat saw a dog. the dog sa' });
    expect(typed.context).toMatchObject({ mode: 'extended', fed: 2 });
    expect(typed.alternatives[0]!.text).toMatch(/^t /);
    const same = await complete(handle, { text: 'a cat saw a dog. the dog sa' });
    expect(same.context).toMatchObject({ mode: 'unchanged', fed: 0 });
    expect(same.alternatives).toEqual(typed.alternatives);
    const backspace = await complete(handle, { text: 'a cat saw a dog. the dog s' });
    expect(backspace.context.mode).toBe('rewound');
  });

  it('with n > 1 returns distinct alternatives by beam search, best first', async () => {
    const result = await complete(handle, { text: 'the cat sat on the ', n: 3, count: 2 });
    const texts = result.alternatives.map((a) => a.text);
    expect(texts.length).toBeGreaterThan(1);
    expect(texts.length).toBeLessThanOrEqual(3);
    expect(new Set(texts).size).toBe(texts.length);
    for (const text of texts) {
      expect(countWords(text)).toBeLessThanOrEqual(2);
      expect(text).toMatch(/\S$/);
    }
    const scores = result.alternatives.map((a) => a.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    const greedy = await complete(handle, { text: 'the cat sat on the ', count: 2 });
    expect(greedy.alternatives[0]!.text).toBe(texts[0]);
  });

  it('maps or drops characters the model does not know and says so', async () => {
    const result = await complete(handle, { text: 'the “dog” sat on thé log€ ' });
    expect(result.alternatives.length).toBe(1);
    expect(result.unknown).toEqual({
      kind: 'characters',
      items: [
        { text: '“', replacement: '' },
        { text: '”', replacement: '' },
        { text: 'é', replacement: 'e' },
        { text: '€', replacement: '' },
      ],
    });
  });

  it('samples when asked, reproducibly with a seed', async () => {
    const a = await complete(handle, { text: 'the ', temperature: 1.2, seed: 5, count: 5, maxTokens: 40 });
    const b = await complete(handle, { text: 'the ', temperature: 1.2, seed: 5, count: 5, maxTokens: 40 });
    expect(b.alternatives).toEqual(a.alternatives);
  });

  it('stops on an AbortSignal', async () => {
    const aborted = new AbortController();
    aborted.abort();
    await expect(complete(handle, { text: 'the ', signal: aborted.signal })).rejects.toMatchObject({ name: 'AbortError' });
    for (const n of [1, 3]) {
      const controller = new AbortController();
      const run = complete(handle, { text: 'the cat ', n, stopAt: null, maxTokens: 100_000, signal: controller.signal });
      setTimeout(() => controller.abort(), 5);
      await expect(run).rejects.toMatchObject({ name: 'AbortError' });
    }
  });

  it('keeps the tensor count constant across repeated completions, and frees everything on dispose', async () => {
    const start = tf.memory().numTensors;
    const { model, tokenizer } = trainedCharModel();
    const own = new ModelHandle(model, tokenizer);
    let text = 'a cat saw a dog. the dog ran home.\nthe ';
    await complete(own, { text });
    await complete(own, { text, n: 3 });
    const counts: number[] = [];
    for (let i = 0; i < 20; i++) {
      const [best] = (await complete(own, { text, n: i % 2 ? 3 : 1 })).alternatives;
      text += best?.text[0] ?? 'a';
      counts.push(tf.memory().numTensors);
    }
    expect(new Set(counts).size).toBe(1);
    own.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });

  it('serves concurrent requests, and defers disposal until they finish', async () => {
    const { model, tokenizer } = trainedCharModel();
    const own = new ModelHandle(model, tokenizer);
    const signal = new AbortController().signal;
    const runs = [
      complete(own, { text: 'the cat ', signal }),
      complete(own, { text: 'the cat sat', n: 2, signal }),
      complete(own, { text: 'a dog ', signal }),
    ];
    own.dispose();
    const results = await Promise.all(runs);
    expect(results.every((r) => r.alternatives.length > 0)).toBe(true);
    expect(own.disposed).toBe(true);
    await expect(complete(own, { text: 'the ' })).rejects.toThrow(/unloaded/);
  });
});
