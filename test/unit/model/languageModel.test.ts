import { describe, expect, it } from 'vitest';
import { tf } from '../../../src/compute/tf.js';
import { LanguageModel } from '../../../src/model/languageModel.js';
import { SMALL_BATCH } from '../../../src/model/recurrent.js';
import type { CellKind, LanguageModelConfig, LayerState, RecurrentActivation } from '../../../src/model/types.js';
import { weightEntries } from '../../../src/model/weights.js';
import { testBackends, useBackend } from '../../helpers/tf.js';
import { expectClose, maxAbsDiff } from './helpers.js';

function config(cell: CellKind, dropout = 0, gates: RecurrentActivation | 'default' = 'default'): LanguageModelConfig {
  return { vocabSize: 11, embedDim: 5, hiddenSize: 8, layers: 2, cell, dropout, ...(gates === 'default' ? {} : { recurrentActivation: gates }) };
}

/** Both cells with their default gates (no recurrentActivation in the config), and with the other activation. */
const cells = [
  ['lstm', 'default'],
  ['lstm', 'hard_sigmoid'],
  ['gru', 'default'],
  ['gru', 'sigmoid'],
] as const;

function tokens(batch: number, steps: number, vocab: number, salt: number): tf.Tensor2D {
  const ids = Array.from({ length: batch * steps }, (_, i) => (i * 7 + salt * 3 + ((i * i) % 5)) % vocab);
  return tf.tensor2d(ids, [batch, steps], 'int32');
}

function disposeState(state: LayerState[]): void {
  tf.dispose(state.flatMap((s) => (s.c ? [s.h, s.c] : [s.h])));
}

describe.each(testBackends)('LanguageModel on %s', (backend) => {
  describe.each(cells)('%s (%s gates)', (cell, gates) => {
    it('keeps the tensor count constant across training and generation steps', async () => {
      await useBackend(backend);
      const start = tf.memory().numTensors;
      const model = LanguageModel.init(config(cell, 0.3, gates), 1);
      const x = tokens(3, 4, 11, 1);
      const y = tokens(3, 4, 11, 2);
      const counts: number[] = [];
      for (let i = 0; i < 3; i++) {
        const { loss, grads, finalState } = model.lossAndGrads(x, y, undefined, { training: true, dropoutSeed: i });
        tf.dispose([loss, ...weightEntries(grads).map(([, t]) => t)]);
        disposeState(finalState);
        counts.push(tf.memory().numTensors);
      }
      for (const batch of [1, SMALL_BATCH + 2]) {
        let state = model.zeroState(batch);
        for (let i = 0; i < 4; i++) {
          const out = model.step(Array.from({ length: batch }, (_, b) => (b + i) % 11), state);
          out.logits.dispose();
          disposeState(state);
          state = out.state;
          counts.push(tf.memory().numTensors);
        }
        disposeState(state);
      }
      expect(new Set(counts.slice(0, 3)).size).toBe(1);
      expect(new Set(counts.slice(3, 7)).size).toBe(1);
      expect(new Set(counts.slice(7)).size).toBe(1);
      tf.dispose([x, y]);
      model.dispose();
      expect(tf.memory().numTensors).toBe(start);
    });

    it.each([1, SMALL_BATCH + 2])('step() with batch %d reproduces forward()', async (batch) => {
      await useBackend(backend);
      const model = LanguageModel.init(config(cell, 0, gates), 2);
      const steps = 4;
      const x = tokens(batch, steps, 11, 3);
      const start = model.zeroState(batch).map((s) => ({ h: tf.add(s.h, 0.1), c: s.c ? tf.sub(s.c, 0.2) : undefined }));
      const { logits, state } = model.forward(x, start as LayerState[]);
      const ids = x.arraySync() as number[][];
      const all = logits.arraySync() as number[][][];
      let carried = start as LayerState[];
      for (let t = 0; t < steps; t++) {
        const out = model.step(
          ids.map((row) => row[t]!),
          carried,
        );
        expectClose(out.logits, all.map((row) => row[t]!), 1e-5, `step ${t}`);
        if (t > 0) disposeState(carried);
        carried = out.state;
        out.logits.dispose();
      }
      carried.forEach((s, l) => expectClose(s.h, state[l]!.h, 1e-5, `final h ${l}`));
      disposeState(carried);
      disposeState(state);
      disposeState(start as LayerState[]);
      tf.dispose([x, logits]);
      model.dispose();
    });
  });

  it('dropout: deterministic per seed, off outside training', async () => {
    await useBackend(backend);
    const model = LanguageModel.init(config('lstm', 0.5), 4);
    const x = tokens(2, 5, 11, 4);
    const y = tokens(2, 5, 11, 5);
    const lossOf = (options: { training?: boolean; dropoutSeed?: number }) => {
      const r = model.lossAndGrads(x, y, undefined, options);
      const value = r.loss.dataSync()[0]!;
      tf.dispose([r.loss, ...weightEntries(r.grads).map(([, t]) => t)]);
      disposeState(r.finalState);
      return value;
    };
    const plain = lossOf({});
    const eval1 = model.loss(x, y);
    expect(eval1.loss.dataSync()[0]).toBeCloseTo(plain, 6);
    expect(lossOf({ training: true, dropoutSeed: 7 })).toBe(lossOf({ training: true, dropoutSeed: 7 }));
    expect(lossOf({ training: true, dropoutSeed: 7 })).not.toBe(lossOf({ training: true, dropoutSeed: 8 }));
    expect(lossOf({ training: true, dropoutSeed: 7 })).not.toBe(plain);
    tf.dispose([x, y, eval1.loss]);
    disposeState(eval1.finalState);
    model.dispose();
  });

  it('rejects token ids outside the vocabulary and mis-shaped states', async () => {
    await useBackend(backend);
    const model = LanguageModel.init(config('lstm'), 5);
    const bad = tf.tensor2d([[1, 11]], [1, 2], 'int32');
    expect(() => model.forward(bad)).toThrow(/outside the vocabulary of 11/);
    expect(() => model.step([12])).toThrow(/outside the vocabulary/);
    const wrong = [{ h: tf.zeros([2, 8]), c: tf.zeros([2, 8]) }];
    expect(() => model.step([1], wrong)).toThrow(/must be \[1, 8\]/);
    tf.dispose([bad, wrong[0]!.h, wrong[0]!.c]);
    model.dispose();
  });

  it('generation sees weight updates (the prepared-weight cache follows variable assignment)', async () => {
    await useBackend(backend);
    const model = LanguageModel.init(config('lstm'), 6);
    const first = model.step([3]);
    const count = tf.memory().numTensors;
    const kernel = model.weights.layers[0]!.kernel;
    const doubled = tf.mul(kernel, 2);
    kernel.assign(doubled);
    doubled.dispose();
    const second = model.step([3]);
    expect(maxAbsDiff(first.logits, second.logits)).toBeGreaterThan(1e-6);
    // The rebuilt cache replaced the old one without leaking (second step's outputs: logits, h, c × 2 layers).
    expect(tf.memory().numTensors).toBe(count + 5);
    tf.dispose([first.logits, second.logits]);
    disposeState(first.state);
    disposeState(second.state);
    model.dispose();
  });
});

describe('gradients with dropout match finite differences (cpu)', () => {
  it.each(cells)('%s (%s gates)', async (cell, gates) => {
    await useBackend('cpu');
    const model = LanguageModel.init(config(cell, 0.3, gates), 9);
    const x = tokens(2, 3, 11, 6);
    const y = tokens(2, 3, 11, 7);
    const options = { training: true, dropoutSeed: 42 };
    const { loss, grads, finalState } = model.lossAndGrads(x, y, undefined, options);
    const gradByName = new Map(weightEntries(grads).map(([n, t]) => [n, t.dataSync()]));
    const eps = 1e-2;
    for (const [name, variable] of weightEntries(model.weights)) {
      const size = variable.size;
      for (const index of [0, Math.floor(size / 2), size - 1]) {
        const base = variable.dataSync().slice();
        const at = (delta: number) => {
          const values = base.slice();
          values[index] = values[index]! + delta;
          variable.assign(tf.tensor(values, variable.shape));
          const r = model.lossAndGrads(x, y, undefined, options);
          const value = r.loss.dataSync()[0]!;
          tf.dispose([r.loss, ...weightEntries(r.grads).map(([, t]) => t)]);
          disposeState(r.finalState);
          return value;
        };
        const numeric = (at(eps) - at(-eps)) / (2 * eps);
        variable.assign(tf.tensor(base, variable.shape));
        const analytic = gradByName.get(name)![index]!;
        expect(Math.abs(numeric - analytic), `${name}[${index}]: ${numeric} vs ${analytic}`).toBeLessThan(2e-3);
      }
    }
    tf.dispose([x, y, loss, ...weightEntries(grads).map(([, t]) => t)]);
    disposeState(finalState);
    model.dispose();
  });
});
