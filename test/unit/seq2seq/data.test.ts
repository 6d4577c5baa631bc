/** Seq2seq training data: the validation split, random and length-bucketed batches that resume exactly, settings. */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { buildCodec } from '../../../src/model/seq2seq/codec.js';
import { BucketBatcher, evaluationBatches, loadPairs, targetLengthOf } from '../../../src/train/seq2seq/data.js';
import { reversePairs } from './helpers.js';

const fixtures = fileURLToPath(new URL('../../fixtures/seq2seq/', import.meta.url));

describe('seq2seq training data', () => {
  it('reads pairs files, splits validation by id, and takes a validation file as given', async () => {
    const split = await loadPairs({ kind: 'file', path: path.join(fixtures, 'summaries.jsonl') }, 0.4);
    expect(split.train.length + split.validation.length).toBe(5);
    expect(split.validation.length).toBeGreaterThan(0);
    const again = await loadPairs({ kind: 'file', path: path.join(fixtures, 'summaries.jsonl') }, 0.4);
    expect(again.sha256).toBe(split.sha256);
    const given = await loadPairs({ kind: 'file', path: path.join(fixtures, 'summaries.jsonl'), validPath: path.join(fixtures, 'dialogue.tsv') }, 0.4);
    expect([given.train.length, given.validation.length]).toEqual([5, 5]);
    const mined = await loadPairs({ kind: 'pairs', label: 'notes', pairs: [{ source: 'a b', target: 'b' }] }, 0);
    expect([mined.train.length, mined.validation.length]).toEqual([1, 0]);
    await expect(loadPairs({ kind: 'pairs', label: 'none', pairs: [] }, 0)).rejects.toThrow(/no pairs/);
  });

  it.each([true, false])('batches (length buckets: %s) cover every pair once per epoch and resume exactly', (buckets) => {
    const examples = reversePairs(100, 2, 30, 5, 3);
    const batcher = new BucketBatcher(examples, 8, 42, undefined, buckets);
    expect(batcher.batchesPerEpoch).toBe(13);
    const seen: number[] = [];
    let spread = 0;
    for (let i = 0; i < 13; i++) {
      const batch = batcher.next();
      seen.push(...batch.map((e) => examples.indexOf(e)));
      const lengths = batch.map((e) => e.source.ids.length);
      spread = Math.max(spread, Math.max(...lengths) - Math.min(...lengths));
    }
    expect(new Set(seen).size).toBe(100);
    // Buckets hold similar lengths; random batches mix them as the data does (lengths 2–30).
    if (buckets) expect(spread).toBeLessThan(10);
    else expect(spread).toBeGreaterThan(20);
    const state = batcher.state;
    const next = batcher.next();
    expect(new BucketBatcher(examples, 8, 42, state, buckets).next()).toEqual(next);
    expect(state.epoch).toBe(0);
    expect(batcher.state).toEqual({ epoch: 1, index: 1 });
  });

  it('evaluates a fixed prefix of pairs up to a token budget', () => {
    const examples = reversePairs(20, 4, 4, 5, 1);
    const batches = evaluationBatches(examples, 8, 25);
    expect(batches.flat()).toHaveLength(5);
  });

  it('records how long the training targets are: the median of target tokens per source token, neither cut', () => {
    const pairs = [
      { source: 'a b c d', target: 'a' },
      { source: 'a b c d', target: 'a b' },
      { source: 'a b c d e f g h', target: 'a b c d e f' },
      { source: '', target: 'a b' },
    ];
    const codec = buildCodec(pairs, { level: 'word', shared: true });
    expect(targetLengthOf(codec, pairs)).toEqual({ perSourceToken: 0.5 });
    expect(targetLengthOf(codec, pairs.slice(0, 2))).toEqual({ perSourceToken: 0.375 });
    expect(targetLengthOf(codec, [{ source: '', target: 'a' }])).toBeNull();
  });
});
