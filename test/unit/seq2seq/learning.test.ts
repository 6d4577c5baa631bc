/**
 * The model learns: a small attention model learns to reverse short random sequences within seconds (the
 * benchmark scripts/bench-seq2seq.ts runs the full-size version, 5–12 symbols to ≥ 95 % exact match). On wasm
 * only: the cpu backend takes ~10× longer, and the gradient tests already cover both backends numerically.
 */
import { describe, expect, it } from 'vitest';
import { search } from '../../../src/generate/seq2seq/search.js';
import { Seq2seqSession } from '../../../src/generate/seq2seq/session.js';
import { makeBatch } from '../../../src/model/seq2seq/batch.js';
import { Seq2seqModel } from '../../../src/model/seq2seq/model.js';
import { Seq2seqTrainer } from '../../../src/train/seq2seq/step.js';
import { useBackend } from '../../helpers/tf.js';
import { reversePairs, tinyConfig } from './helpers.js';

describe.each(['wasm'] as const)('seq2seq learning on %s', (backend) => {
  it('learns to reverse 3–5 symbols', async () => {
    await useBackend(backend);
    const symbols = 8;
    const config = tinyConfig({ sourceVocabSize: 4 + symbols, targetVocabSize: 4 + symbols, sharedEmbedding: true, embedDim: 16, hiddenSize: 48 });
    const model = Seq2seqModel.init(config, 1);
    const trainer = new Seq2seqTrainer(model, { lr: 1e-2, clipNorm: 5 });
    const train = reversePairs(32 * 150, 3, 5, symbols, 1);
    const losses: number[] = [];
    for (let step = 0; step < 150; step++) losses.push(trainer.step(makeBatch(train.slice(32 * step, 32 * (step + 1)), config)).loss);
    const test = reversePairs(50, 3, 5, symbols, 2);
    let exact = 0;
    for (const pair of test) {
      const session = new Seq2seqSession(model, pair.source);
      const out = search(session, { strategy: 'greedy' });
      session.dispose();
      if (out.ids.join() === pair.target.join()) exact++;
    }
    expect(losses[0]).toBeGreaterThan(2);
    expect(losses.slice(-10).reduce((a, b) => a + b, 0) / 10).toBeLessThan(0.3);
    expect(exact / test.length).toBeGreaterThanOrEqual(0.8);
    trainer.dispose();
    model.dispose();
  });
});
