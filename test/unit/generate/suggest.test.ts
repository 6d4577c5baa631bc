import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/compute/tf.js';
import { ModelHandle } from '../../../src/generate/handle.js';
import { suggest } from '../../../src/generate/suggest.js';
import { SUGGEST_POLICY } from '../../../src/generate/suggestPolicy.js';
import { testBackends, useBackend } from '../../helpers/tf.js';
import { trainedCharModel } from './helpers.js';

describe.each(testBackends)('suggest() on %s', (backend) => {
  let handle: ModelHandle;
  beforeAll(async () => {
    await useBackend(backend);
    const { model, tokenizer } = trainedCharModel();
    handle = new ModelHandle(model, tokenizer);
  });
  afterAll(() => handle.dispose());

  it('suggests whole words after a space, reusing the context as the text grows', async () => {
    const first = await suggest(handle, { before: 'a cat saw a dog. the dog ' });
    expect(first.context).toMatchObject({ mode: 'primed', fed: 25 });
    expect(first.raw).toMatchObject({ state: 'after-space', continueProb: null });
    const [best] = first.alternatives;
    expect(best!.text).toMatch(/^\S+( \S+){0,2}$/);
    expect(best!.confidence).toBeGreaterThanOrEqual(SUGGEST_POLICY.firstWordMin);
    expect(best!.score).toBeLessThan(0);
    const typed = await suggest(handle, { before: 'a cat saw a dog. the dog sa' });
    expect(typed.context).toMatchObject({ mode: 'extended', fed: 2 });
    const backspace = await suggest(handle, { before: 'a cat saw a dog. the dog s' });
    expect(backspace.context.mode).toBe('rewound');
  });

  it('completes a half-typed word the model is sure of, and starts after a finished one without breaking it', async () => {
    const half = await suggest(handle, { before: 'the dog sat on the lo' });
    expect(half.raw.state).toBe('mid-word');
    expect(half.raw.continueProb!).toBeGreaterThan(SUGGEST_POLICY.completeWordMin);
    expect(half.alternatives[0]!.text).toMatch(/^g\./);

    const done = await suggest(handle, { before: 'the cat sat on the mat. the dog sat' });
    expect(done.raw.continueProb!).toBeLessThan(SUGGEST_POLICY.finishedWordMax);
    expect(done.alternatives[0]!.text).toMatch(/^ on the/);
    // Whatever the model would glue onto "sat" is not shown.
    expect(done.raw.branches['complete-word']).toBeUndefined();
    const explored = await suggest(handle, { before: 'the cat sat on the mat. the dog sat' }, { explore: true });
    expect(explored.raw.branches['complete-word']!.length).toBeGreaterThan(0);
    expect(explored.alternatives).toEqual(done.alternatives);
  });

  it('gives n distinct alternatives, the best first', async () => {
    const result = await suggest(handle, { before: 'the cat sat on the ', n: 3 }, { policy: { ...SUGGEST_POLICY, firstWordMin: 0 } });
    const texts = result.alternatives.map((a) => a.text);
    expect(texts.length).toBeGreaterThan(1);
    expect(new Set(texts).size).toBe(texts.length);
    const confidences = result.alternatives.map((a) => a.confidence);
    expect(confidences).toEqual([...confidences].sort((a, b) => b - a));
  });

  it('reads the writer’s text in plain typography and reports characters it does not know', async () => {
    // The model sees straight quotes (which this tiny vocabulary lacks too), never the curly ones typed.
    const result = await suggest(handle, { before: 'the “dog” sat on the log. the cat ' });
    expect(result.unknown).toEqual({ kind: 'characters', items: [{ text: '"', replacement: '' }] });
  });

  it('stops on an AbortSignal', async () => {
    const aborted = new AbortController();
    aborted.abort();
    await expect(suggest(handle, { before: 'the ', signal: aborted.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });

  it('keeps the tensor count constant across repeated suggestions, and frees everything on dispose', async () => {
    const start = tf.memory().numTensors;
    const { model, tokenizer } = trainedCharModel();
    const own = new ModelHandle(model, tokenizer);
    let text = 'a cat saw a dog. the dog ran home.\nthe ';
    await suggest(own, { before: text, n: 3 });
    const counts: number[] = [];
    for (let i = 0; i < 12; i++) {
      const [best] = (await suggest(own, { before: text, n: i % 2 ? 3 : 1 }, { explore: true })).alternatives;
      text += best?.text[0] ?? 'a';
      counts.push(tf.memory().numTensors);
    }
    expect(new Set(counts).size).toBe(1);
    own.dispose();
    expect(tf.memory().numTensors).toBe(start);
  });
});
