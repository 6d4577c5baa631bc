import { describe, expect, it } from 'vitest';
import { tf } from '../../../src/compute/tf.js';
import { makeBatch } from '../../../src/model/seq2seq/batch.js';
import { Seq2seqModel } from '../../../src/model/seq2seq/model.js';
import { sourceCountFeature } from '../../../src/model/seq2seq/sourceCounts.js';
import { weightSpecs } from '../../../src/model/seq2seq/weights.js';
import { useBackend } from '../../helpers/tf.js';
import { tinyConfig, tinyPairs } from './helpers.js';

describe('sourceCountFeature', () => {
  it('is ln(count) of each token in its own row, 0 on padding, rows counted apart', () => {
    // Batch-major [2, 5]: row 0 "7 8 7 7 0" (length 4), row 1 "8 9 0 0 0" (length 2).
    const keys = Int32Array.from([7, 8, 7, 7, 0, 8, 9, 0, 0, 0]);
    const f = sourceCountFeature(keys, Int32Array.from([4, 2]), 2, 5);
    const ln3 = Math.log(3);
    expect(Array.from(f)).toEqual([ln3, 0, ln3, ln3, 0, 0, 0, 0, 0, 0].map((x) => Math.fround(x)));
  });

  it('counts extended ids, so two unknown names are not one <unk>', () => {
    // The same source as ids (both names <unk> = 3) and as extended ids (9 and 10).
    const lengths = Int32Array.from([3]);
    expect(sourceCountFeature(Int32Array.from([3, 5, 3]), lengths, 1, 3)[0]).toBeCloseTo(Math.log(2), 6);
    expect(sourceCountFeature(Int32Array.from([9, 5, 10]), lengths, 1, 3)[0]).toBe(0);
  });

  it('widens only the first encoder layer by one input', () => {
    const kernel = (on: boolean, name: string) => weightSpecs(tinyConfig({ layers: 2, sourceCounts: on })).find((w) => w.name === name)!.shape;
    expect(kernel(false, 'encoder.0.fw.kernel')).toEqual([3, 16]);
    expect(kernel(true, 'encoder.0.fw.kernel')).toEqual([4, 16]);
    expect(kernel(true, 'encoder.1.fw.kernel')).toEqual([4, 16]);
  });
});

describe('the count column in training', () => {
  it('has the kernel row it feeds trained by the right gradient (finite differences), and changes the loss', async () => {
    await useBackend('cpu');
    const config = tinyConfig({ sourceCounts: true });
    const batch = makeBatch(tinyPairs(), config); // pair 3 holds <unk> twice: ln 2 there
    const model = Seq2seqModel.init(config, 3);
    const kernel = model.weights['encoder.0.fw.kernel']!;
    const loss = () => {
      const r = model.lossAndGrads(batch, { training: false });
      tf.dispose(Object.values(r.grads));
      return r.loss;
    };
    const { grads } = model.lossAndGrads(batch, { training: false });
    const analytic = grads['encoder.0.fw.kernel']!.dataSync();
    const data = Float32Array.from(kernel.dataSync());
    const row = config.embedDim; // the count column's row, [E + 1, 4H]
    const eps = 1e-2;
    let moved = 0;
    for (let j = 0; j < 16; j++) {
      const i = row * 16 + j;
      const at = (value: number) => {
        data[i] = value;
        kernel.assign(tf.tensor(data, kernel.shape));
        return loss();
      };
      const original = data[i]!;
      const numeric = (at(original + eps) - at(original - eps)) / (2 * eps);
      at(original);
      expect(Math.abs(numeric - analytic[i]!), `row ${row}, column ${j}`).toBeLessThan(1e-4 + 1e-3 * Math.abs(numeric));
      moved = Math.max(moved, Math.abs(numeric));
    }
    expect(moved).toBeGreaterThan(1e-4);
    tf.dispose(Object.values(grads));
    model.dispose();
  });
});
