/**
 * The hand-written backward pass against central finite differences on tiny models, for every part of the
 * model (bidirectional and stacked encoders, both attentions, copy, coverage and its loss, dropout, shared
 * embeddings, source counts), on cpu and wasm; and constant tensor counts across training steps and decodes.
 */
import { describe, expect, it } from 'vitest';
import { tf } from '../../../src/compute/tf.js';
import { search } from '../../../src/generate/seq2seq/search.js';
import { Seq2seqSession } from '../../../src/generate/seq2seq/session.js';
import { makeBatch } from '../../../src/model/seq2seq/batch.js';
import { Seq2seqModel } from '../../../src/model/seq2seq/model.js';
import type { Seq2seqConfig } from '../../../src/model/seq2seq/types.js';
import { Seq2seqTrainer } from '../../../src/train/seq2seq/step.js';
import { testBackends, useBackend } from '../../helpers/tf.js';
import { tinyConfig, tinyPairs } from './helpers.js';

const variants: [string, Partial<Seq2seqConfig>][] = [
  ['luong general, 2 layers, dropout', { attention: 'luong', layers: 2, dropout: 0.3 }],
  ['luong dot, copy, coverage, shared embedding', { luongScore: 'dot', copy: true, coverage: true, sharedEmbedding: true }],
  ['bahdanau, bidirectional, copy, coverage', { attention: 'bahdanau', bidirectional: true, copy: true, coverage: true }],
  // Pair 3's source holds <unk> twice: its count column is ln 2 there, so the feature's kernel row is exercised.
  ['source counts, bidirectional, 2 layers', { bidirectional: true, layers: 2, sourceCounts: true }],
];

/** Perturbs every weight a little so that biases and zero-initialised weights are not special points. */
function jitter(model: Seq2seqModel, seed: number): void {
  for (const v of model.variables()) v.assign(tf.tidy(() => tf.add(v, tf.randomUniform(v.shape, -0.3, 0.3, 'float32', seed))));
}

describe.each(testBackends)('seq2seq gradients on %s', (backend) => {
  it.each(variants)('match finite differences: %s', async (_name, overrides) => {
    await useBackend(backend);
    const config = tinyConfig(overrides);
    const batch = makeBatch(tinyPairs(), config);
    const model = Seq2seqModel.init(config, 3);
    jitter(model, 11);
    const options = { training: true, dropoutSeed: 5, coverageWeight: 0.7 };
    const objective = () => {
      const r = model.lossAndGrads(batch, options);
      tf.dispose(Object.values(r.grads));
      return r.loss + r.coverageLoss;
    };
    const { grads } = model.lossAndGrads(batch, options);
    const eps = 1e-2;
    for (const name of model.names()) {
      const variable = model.weights[name]!;
      const analytic = grads[name]!.dataSync();
      const data = Float32Array.from(variable.dataSync());
      for (let k = 0; k < 2; k++) {
        const i = (k * 7919 + name.length) % data.length;
        const original = data[i]!;
        const at = (value: number) => {
          data[i] = value;
          variable.assign(tf.tensor(data, variable.shape));
          return objective();
        };
        const numeric = (at(original + eps) - at(original - eps)) / (2 * eps);
        at(original);
        // float32 central differences at eps 1e-2 agree to ~1e-5 on these sizes.
        expect(Math.abs(numeric - analytic[i]!), `${name}[${i}]`).toBeLessThan(1e-4 + 1e-3 * Math.abs(numeric));
      }
    }
    tf.dispose(Object.values(grads));
    model.dispose();
  });

  it('keeps the tensor count constant across training steps and decodes', async () => {
    await useBackend(backend);
    const start = tf.memory().numTensors;
    const config = tinyConfig({ bidirectional: true, copy: true, coverage: true, dropout: 0.2, layers: 2 });
    const model = Seq2seqModel.init(config, 1);
    const trainer = new Seq2seqTrainer(model, { lr: 1e-2, clipNorm: 1 });
    const batch = makeBatch(tinyPairs(), config);
    const counts: number[] = [];
    for (let i = 0; i < 3; i++) {
      trainer.step(batch);
      counts.push(tf.memory().numTensors);
    }
    for (const strategy of ['greedy', 'sample', 'beam'] as const) {
      const session = new Seq2seqSession(model, tinyPairs()[0]!.source);
      search(session, { strategy, beam: 3, maxLength: 6, coveragePenalty: 0.2, blockNgram: 2 });
      session.dispose();
      counts.push(tf.memory().numTensors);
    }
    expect(new Set(counts.slice(0, 3)).size).toBe(1);
    expect(new Set(counts.slice(3)).size).toBe(1);
    expect(counts[3]).toBe(counts[2]);
    trainer.dispose();
    const beforeModel = tf.memory().numTensors;
    model.dispose();
    expect(beforeModel - tf.memory().numTensors).toBe(model.names().length);
    // (Not checked against `start`: src/train/optimizer.ts's Adam keeps the zerosLike tensor behind each slot.)
    void start;
  });
});
