import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/compute/tf.js';
import { LanguageModel } from '../../../src/model/languageModel.js';
import { weightEntries } from '../../../src/model/weights.js';
import { testBackends, useBackend } from '../../helpers/tf.js';
import { expectClose, type Golden, goldenConfig, goldenWeights, loadGolden, type Nested } from './helpers.js';

const TOL = 1e-4;

describe.each(testBackends)('LSTM language model vs PyTorch golden (%s)', (backend) => {
  const g: Golden = loadGolden();
  let model: LanguageModel;
  let x: tf.Tensor;
  let y: tf.Tensor;
  let state0: { h: tf.Tensor; c: tf.Tensor }[];

  beforeAll(async () => {
    await useBackend(backend);
    const tensors = goldenWeights(g);
    model = LanguageModel.fromWeights(goldenConfig(g), tensors);
    tf.dispose(weightEntries(tensors).map(([, t]) => t));
    x = tf.tensor(g.inputs.x as number[], undefined, 'int32');
    y = tf.tensor(g.inputs.y as number[], undefined, 'int32');
    state0 = g.inputs.h0.map((h, l) => ({ h: tf.tensor(h as number[]), c: tf.tensor(g.inputs.c0[l] as number[]) }));
  });

  afterAll(() => {
    model.dispose();
    tf.dispose([x, y, ...state0.flatMap((s) => [s.h, s.c])]);
  });

  it('forward: logits and final states', () => {
    const { logits, state } = model.forward(x, state0);
    expect(logits.shape).toEqual([g.sizes.batch, g.sizes.steps, g.sizes.vocab]);
    expectClose(logits, g.outputs.logits, TOL, 'logits');
    state.forEach((s, l) => {
      expectClose(s.h, g.outputs.h_last[l]!, TOL, `h_last[${l}]`);
      expectClose(s.c!, g.outputs.c_last[l]!, TOL, `c_last[${l}]`);
    });
    tf.dispose([logits, ...state.flatMap((s) => [s.h, s.c!])]);
  });

  it('loss and every gradient', () => {
    const { loss, grads, finalState } = model.lossAndGrads(x, y, state0);
    expect(Math.abs(loss.dataSync()[0]! - g.outputs.loss)).toBeLessThan(TOL);
    expectClose(grads.embedding, g.grads.embedding, TOL, 'd embedding');
    expectClose(grads.dense.kernel, g.grads.dense.kernel, TOL, 'd dense.kernel');
    expectClose(grads.dense.bias, g.grads.dense.bias, TOL, 'd dense.bias');
    g.weights.lstm.forEach((layer, l) => {
      const got = grads.layers[l]!;
      expectClose(got.kernel, layer.grad.kernel, TOL, `d lstm[${l}].kernel`);
      expectClose(got.recurrentKernel, layer.grad.recurrent_kernel, TOL, `d lstm[${l}].recurrent_kernel`);
      expectClose(got.bias, layer.grad.bias, TOL, `d lstm[${l}].bias`);
    });
    finalState.forEach((s, l) => expectClose(s.h, g.outputs.h_last[l]!, TOL, `final h[${l}]`));
    tf.dispose([loss, ...weightEntries(grads).map(([, t]) => t), ...finalState.flatMap((s) => [s.h, s.c!])]);
  });

  it('loss() without gradients agrees', () => {
    const { loss, finalState } = model.loss(x, y, state0);
    expect(Math.abs(loss.dataSync()[0]! - g.outputs.loss)).toBeLessThan(TOL);
    tf.dispose([loss, ...finalState.flatMap((s) => [s.h, s.c!])]);
  });

  it('step() token by token reproduces the sequence logits', () => {
    const ids = g.inputs.x as number[][];
    let state = state0.map((s) => ({ h: s.h.clone(), c: s.c.clone() }));
    const expected = g.outputs.logits as Nested[][];
    for (let t = 0; t < g.sizes.steps; t++) {
      const out = model.step(ids.map((row) => row[t]!), state);
      expectClose(out.logits, expected.map((row) => row[t]!), TOL, `step ${t}`);
      tf.dispose([out.logits, ...state.flatMap((s) => [s.h, s.c])]);
      state = out.state.map((s) => ({ h: s.h, c: s.c! }));
    }
    tf.dispose(state.flatMap((s) => [s.h, s.c]));
    // Batch 1 takes the single-matMul path.
    const one = model.step([ids[1]![0]!], [0, 1].map((l) => ({ h: state0[l]!.h.slice([1, 0], [1, 7]), c: state0[l]!.c.slice([1, 0], [1, 7]) })));
    expectClose(one.logits, [expected[1]![0]!], TOL, 'batch-1 step');
    tf.dispose([one.logits, ...one.state.flatMap((s) => [s.h, s.c!])]);
  });
});
