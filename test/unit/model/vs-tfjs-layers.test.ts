/**
 * The engine against TF.js Layers: the same weights in tf.sequential(embedding → lstm|gru × 2 → dense) must
 * give the same logits, and tf.variableGrads through that model the same gradients, for both gate activations
 * (tf.layers' default hard sigmoid is built by leaving recurrentActivation out). The reference runs on cpu (its
 * embedding gradient needs UnsortedSegmentSum, which wasm lacks); ours on every test backend.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/compute/tf.js';
import { LanguageModel } from '../../../src/model/languageModel.js';
import type { CellKind, LanguageModelConfig, RecurrentActivation } from '../../../src/model/types.js';
import { initWeights, weightEntries } from '../../../src/model/weights.js';
import { testBackends, useBackend } from '../../helpers/tf.js';
import { expectClose } from './helpers.js';

const B = 3;
const T = 5;

function config(cell: CellKind, vocabSize: number, recurrentActivation: RecurrentActivation): LanguageModelConfig {
  return { vocabSize, embedDim: 4, hiddenSize: 6, layers: 2, cell, dropout: 0, recurrentActivation };
}

interface Reference {
  weights: [string, number[], number[]][];
  x: number[][];
  y: number[][];
  logits: number[];
  loss: number;
  grads: Map<string, number[]>;
  /** Hidden activations at exactly ±1 in the first layer's output would not show clipping; count gate
   * pre-activations outside the hard sigmoid's linear range instead. */
  saturated: number;
}

function buildReference(cell: CellKind, seed: number, scale: number, vocab: number, activation: RecurrentActivation): Reference {
  const cfg = config(cell, vocab, activation);
  const init = initWeights(cfg, seed);
  // Non-zero biases so that bias paths are exercised; `scale` > 1 saturates gates (hard-sigmoid clipping).
  const entries = weightEntries(init).map(([name, t]): [string, tf.Tensor] => [
    name,
    name.endsWith('bias')
      ? tf.randomUniform(t.shape, -0.5, 0.5, 'float32', seed + name.length)
      : name.startsWith('layers.') || name === 'embedding'
        ? tf.mul(t, name === 'embedding' ? scale * scale : scale)
        : t,
  ]);
  const x = Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, t) => (b * 7 + t * 3 + seed) % cfg.vocabSize));
  const y = Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, t) => (b * 5 + t * 2 + 1) % cfg.vocabSize));
  const rnn = (units: number, first: boolean) => {
    // Hard sigmoid is tf.layers' default for both cells: leave the option out to test exactly the defaults.
    const common = {
      units,
      returnSequences: true,
      ...(first ? { inputShape: [T, cfg.embedDim] } : {}),
      ...(activation === 'sigmoid' ? { recurrentActivation: 'sigmoid' as const } : {}),
    };
    return cell === 'lstm' ? tf.layers.lstm(common) : tf.layers.gru(common);
  };
  const model = tf.sequential({
    layers: [
      tf.layers.embedding({ inputDim: cfg.vocabSize, outputDim: cfg.embedDim, inputLength: T }),
      rnn(cfg.hiddenSize, false),
      rnn(cfg.hiddenSize, false),
      tf.layers.dense({ units: cfg.vocabSize }),
    ],
  });
  model.setWeights(entries.map(([, t]) => t));
  const xs = tf.tensor2d(x, [B, T], 'int32');
  const labels = tf.oneHot(tf.tensor2d(y, [B, T], 'int32'), cfg.vocabSize).toFloat();
  const logits = model.predict(xs) as tf.Tensor;
  const lossFn = () => tf.losses.softmaxCrossEntropy(labels, model.apply(xs) as tf.Tensor) as tf.Scalar;
  const { value, grads } = tf.variableGrads(lossFn);
  // model.weights order = setWeights order = weightEntries order.
  const names = entries.map(([name]) => name);
  const byVar = new Map(model.weights.map((w, i) => [w.originalName ?? w.name, names[i]!]));
  const out = new Map<string, number[]>();
  for (const w of model.weights) {
    const grad = Object.entries(grads).find(([k]) => k === (w as unknown as { val: tf.Variable }).val.name)?.[1];
    if (grad) out.set(byVar.get(w.originalName ?? w.name)!, Array.from(grad.dataSync()));
  }
  const ref: Reference = {
    weights: entries.map(([name, t]) => [name, t.shape, Array.from(t.dataSync())]),
    x,
    y,
    logits: Array.from(logits.dataSync()),
    loss: value.dataSync()[0]!,
    grads: out,
    saturated: countSaturated(model, xs),
  };
  model.dispose();
  return ref;
}

/** How many first-layer gate pre-activations (at zero state, i.e. x·W + b) fall outside [-2.5, 2.5]. */
function countSaturated(model: tf.Sequential, xs: tf.Tensor): number {
  const embedded = model.layers[0]!.apply(xs) as tf.Tensor;
  const [kernel, , bias] = model.layers[1]!.getWeights() as [tf.Tensor, tf.Tensor, tf.Tensor];
  const pre = tf.add(tf.matMul(tf.reshape(embedded, [-1, kernel.shape[0]!]), kernel), bias);
  return tf.sum(tf.cast(tf.greater(tf.abs(pre), 2.5), 'int32')).dataSync()[0]!;
}

// Vocabulary 9 < B·T takes the token-table projection and one-hot-scatter gradient path; 70 > B·T the
// gather/matMul paths. Weights ×4 saturate gates: with hard sigmoid their gradient is cut by the clip.
describe.each([
  ['lstm', 1, 9, 'sigmoid'],
  ['lstm', 1, 70, 'sigmoid'],
  ['lstm', 4, 9, 'sigmoid'],
  ['lstm', 1, 9, 'hard_sigmoid'],
  ['lstm', 4, 9, 'hard_sigmoid'],
  ['lstm', 1, 70, 'hard_sigmoid'],
  ['gru', 1, 9, 'hard_sigmoid'],
  ['gru', 4, 9, 'hard_sigmoid'],
  ['gru', 1, 70, 'hard_sigmoid'],
  ['gru', 1, 9, 'sigmoid'],
  ['gru', 4, 9, 'sigmoid'],
] as const)('%s language model (weights ×%d, vocabulary %d, %s gates) vs tf.layers', (cell, scale, vocab, activation) => {
  let ref: Reference;
  beforeAll(async () => {
    await useBackend('cpu');
    ref = tf.tidy(() => buildReference(cell, 3, scale, vocab, activation) as unknown as tf.TensorContainer) as unknown as Reference;
  });

  it.each(testBackends)('matches logits and gradients on %s', async (backend) => {
    await useBackend(backend);
    expect(ref.grads.size).toBe(ref.weights.length);
    if (scale > 1) expect(ref.saturated).toBeGreaterThan(0);
    const before = tf.memory().numTensors;
    const tensors = new Map(ref.weights.map(([name, shape, data]) => [name, tf.tensor(data, shape)]));
    const get = (name: string) => tensors.get(name)!;
    const cfg = config(cell, vocab, activation);
    const model = LanguageModel.fromWeights(cfg, {
      embedding: get('embedding'),
      layers: [0, 1].map((l) => ({
        kernel: get(`layers.${l}.kernel`),
        recurrentKernel: get(`layers.${l}.recurrentKernel`),
        bias: get(`layers.${l}.bias`),
      })),
      dense: { kernel: get('dense.kernel'), bias: get('dense.bias') },
    });
    tf.dispose([...tensors.values()]);
    const x = tf.tensor2d(ref.x, [B, T], 'int32');
    const y = tf.tensor2d(ref.y, [B, T], 'int32');
    const { logits, state } = model.forward(x);
    expectClose(logits, ref.logits, 1e-5, 'logits');
    const { loss, grads, finalState } = model.lossAndGrads(x, y);
    expect(Math.abs(loss.dataSync()[0]! - ref.loss)).toBeLessThan(1e-5);
    for (const [name, grad] of weightEntries(grads)) expectClose(grad, ref.grads.get(name)!, 1e-5, `d ${name}`);
    tf.dispose([x, y, logits, loss, ...state.flatMap((s) => [s.h, s.c ?? []].flat()), ...finalState.flatMap((s) => [s.h, s.c ?? []].flat())]);
    tf.dispose(weightEntries(grads).map(([, t]) => t));
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
