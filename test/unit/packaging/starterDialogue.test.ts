/**
 * The starter dialogue model the app ships (resources/starter/dialogue) is whole and is a real model of
 * conversation: its manifest verifies without optimizer state, on thirty exchanges of a novel it never read
 * (test/fixtures/seq2seq/novel-dialogue-heldout.jsonl) its perplexity is a small fraction of its vocabulary's
 * (a model that learnt nothing scores about the vocabulary size), and it answers in words.
 * resources/README.md records how it was trained.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSeq2seq, reply } from '../../../src/generate/seq2seq/index.js';
import { evaluateSeq2seq } from '../../../src/generate/seq2seq/evaluate.js';
import { readPairsFile } from '../../../src/text/pairs/index.js';
import { useBackend } from '../../helpers/tf.js';

const MODEL = path.join(import.meta.dirname, '../../../resources/starter/dialogue');
const HELD_OUT = path.join(import.meta.dirname, '../../fixtures/seq2seq/novel-dialogue-heldout.jsonl');

describe('the shipped starter dialogue model', () => {
  it('ships the files its manifest lists and nothing for resuming', async () => {
    const meta = JSON.parse(await fs.readFile(path.join(MODEL, 'longhand.json'), 'utf8')) as { kind: string; task: string; files: Record<string, unknown>; optimizer?: unknown; trainState?: unknown };
    expect(meta).toMatchObject({ kind: 'seq2seq', task: 'dialogue' });
    expect(Object.keys(meta.files).sort()).toEqual(['seq2seq.json', 'tokenizer.json', 'weights.bin']);
    expect(meta.optimizer).toBeUndefined();
    expect(meta.trainState).toBeUndefined();
  });

  it('predicts the replies of a book it never read far better than chance, and answers in words', async () => {
    await useBackend('wasm');
    const handle = await loadSeq2seq(MODEL);
    try {
      const pairs = await readPairsFile(HELD_OUT);
      const report = evaluateSeq2seq(handle, pairs, { task: 'dialogue', examples: 0 });
      const vocabulary = handle.model.config.targetVocabSize;
      expect(report.pairs).toBe(30);
      expect(report.perplexity).toBeLessThan(vocabulary / 20);
      // Sampled replies are independent draws, pair i with seed i, as `longhand reply --seed i` gives them.
      const sampled = evaluateSeq2seq(handle, pairs.slice(0, 3), { task: 'dialogue', examples: 3 });
      expect(sampled.examples.map((e) => e.output)).toEqual(pairs.slice(0, 3).map((p, i) => reply(handle, p.source, { seed: i }).reply));
      const answer = reply(handle, 'Where have you been all this while?', { seed: 1 });
      expect(answer.reply).toMatch(/\p{L}{2,}/u);
    } finally {
      handle.dispose();
    }
  }, 120_000);
});
