/**
 * A language model made with tfjs-layers' defaults — tf.layers.lstm without options has hard-sigmoid gates — saved
 * by tfjs-layers' own model.save into a directory with a tokenizer.json: Longhand loads it as a checkpoint, and
 * the engine computes what tfjs-layers computes, forward (logits, on every backend) and backward
 * (tf.variableGrads through the same Layers model, on cpu: wasm lacks the embedding's gradient kernel). Weights
 * are scaled up so that some gates saturate, where hard sigmoid's gradient is cut by the clip.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../../src/compute/tf.js';
import { fileSystemIOHandler } from '../../../../src/model/checkpoint/fileIO.js';
import { loadLanguageModelCheckpoint } from '../../../../src/model/checkpoint/lmCheckpoint.js';
import { LanguageModel } from '../../../../src/model/languageModel.js';
import { weightEntries } from '../../../../src/model/weights.js';
import { testBackends, useBackend } from '../../../helpers/tf.js';
import { expectClose } from '../helpers.js';
import { charTokenizer, disposeWeights, tempDir } from './helpers.js';

const V = 10;
const E = 4;
const H = 5;
const B = 3;
const T = 7;

/** Embedding → LSTM → LSTM → Dense(V), every layer with tfjs-layers' default settings (linear Dense: logits). */
function defaultLstmModel(scale: number): tf.Sequential {
  const model = tf.sequential({
    layers: [
      tf.layers.embedding({ inputDim: V, outputDim: E, inputShape: [null] }),
      tf.layers.lstm({ units: H, returnSequences: true }),
      tf.layers.lstm({ units: H, returnSequences: true }),
      tf.layers.dense({ units: V }),
    ],
  });
  // Big weights push gate pre-activations past ±2.5, where the hard sigmoid clips.
  const scaled = model.getWeights().map((w, i) => tf.tidy(() => (i === 0 ? tf.mul(w, 40) : tf.mul(w, scale))));
  const biases = scaled.map((w, i) => (w.shape.length === 1 && i < 7 ? tf.tidy(() => tf.add(w, tf.randomUniform(w.shape, -1, 1, 'float32', i))) : w));
  model.setWeights(biases);
  tf.dispose([...scaled, ...biases]);
  return model;
}

const ids = Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, t) => (b * 4 + t * 3 + 1) % V));
const labels = Array.from({ length: B }, (_, b) => Array.from({ length: T }, (_, t) => (b * 2 + t * 5) % V));

describe('an LSTM made with tf.layers defaults (hard-sigmoid gates)', () => {
  let dir: string;
  let expectedLogits: number[];
  let expectedGrads: number[][];
  let expectedLoss: number;
  let saturated: number;

  beforeAll(async () => {
    await useBackend('cpu');
    dir = await tempDir();
    const model = defaultLstmModel(3);
    expect(model.layers[1]!.getConfig().recurrentActivation).toBe('hardSigmoid');
    await model.save(fileSystemIOHandler(dir));
    await fs.writeFile(path.join(dir, 'tokenizer.json'), JSON.stringify(charTokenizer(V)));
    const x = tf.tensor2d(ids, [B, T], 'int32');
    const oneHot = tf.oneHot(tf.tensor2d(labels, [B, T], 'int32'), V).toFloat();
    const logits = model.predict(x) as tf.Tensor;
    expectedLogits = Array.from(logits.dataSync());
    const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(oneHot, model.apply(x) as tf.Tensor) as tf.Scalar);
    // model.weights is in the engine's weightEntries order (embedding, kernel, recurrent, bias ×2, dense).
    expectedLoss = value.dataSync()[0]!;
    expectedGrads = model.weights.map((w) => Array.from(grads[(w as unknown as { val: tf.Variable }).val.name]!.dataSync()));
    expect(expectedGrads).toHaveLength(9);
    // Gate pre-activations of the first LSTM at zero state outside the hard sigmoid's linear range.
    const [kernel, , bias] = model.layers[1]!.getWeights() as [tf.Tensor, tf.Tensor, tf.Tensor];
    const embedded = tf.reshape(model.layers[0]!.apply(x) as tf.Tensor, [-1, E]);
    saturated = tf.sum(tf.cast(tf.greater(tf.abs(tf.add(tf.matMul(embedded, kernel), bias)), 2.5), 'int32')).dataSync()[0]!;
    tf.dispose([x, oneHot, logits, value, ...Object.values(grads), embedded]);
    model.dispose();
  });
  afterAll(async () => fs.rm(dir, { recursive: true, force: true }));

  it('is saved with recurrent_activation hard_sigmoid and some gates saturate', async () => {
    const json = JSON.parse(await fs.readFile(path.join(dir, 'model.json'), 'utf8'));
    const layers = json.modelTopology.config.layers as { class_name: string; config: Record<string, unknown> }[];
    expect(layers.filter((l) => l.class_name === 'LSTM').map((l) => l.config.recurrent_activation)).toEqual(['hard_sigmoid', 'hard_sigmoid']);
    expect(saturated).toBeGreaterThan(B * T);
  });

  describe.each(testBackends)('on %s', (backend) => {
    beforeAll(async () => useBackend(backend));

    it('loads with hard-sigmoid gates, and forward() gives the logits of the Layers model', async () => {
      const before = tf.memory().numTensors;
      const loaded = await loadLanguageModelCheckpoint(dir);
      expect(loaded.meta).toBeNull();
      expect(loaded.config).toEqual({ vocabSize: V, embedDim: E, hiddenSize: H, layers: 2, cell: 'lstm', dropout: 0, recurrentActivation: 'hard_sigmoid' });
      const model = LanguageModel.fromWeights(loaded.config, loaded.weights);
      disposeWeights(loaded.weights);
      const x = tf.tensor2d(ids, [B, T], 'int32');
      const { logits, state } = model.forward(x);
      expectClose(logits, expectedLogits, 1e-5, 'logits');

      // Token by token (the generation paths: batch ≤ 4 in JS, and the tensor path for a larger batch).
      const wide = [...ids, ...ids];
      for (const rows of [ids, wide]) {
        let carried = model.zeroState(rows.length);
        for (let t = 0; t < T; t++) {
          const out = model.step(
            rows.map((row) => row[t]!),
            carried,
          );
          const want = rows.map((_, b) => expectedLogits.slice(((b % B) * T + t) * V, ((b % B) * T + t + 1) * V));
          expectClose(out.logits, want, 1e-5, `step ${t} (batch ${rows.length})`);
          tf.dispose([out.logits, ...carried.flatMap((s) => [s.h, s.c!])]);
          carried = out.state;
        }
        tf.dispose(carried.flatMap((s) => [s.h, s.c!]));
      }
      tf.dispose([x, logits, ...state.flatMap((s) => [s.h, s.c!])]);
      model.dispose();
      expect(tf.memory().numTensors).toBe(before);
    });

    it('lossAndGrads() gives the gradients tf.variableGrads takes through the Layers model', async () => {
      const loaded = await loadLanguageModelCheckpoint(dir);
      const model = LanguageModel.fromWeights(loaded.config, loaded.weights);
      disposeWeights(loaded.weights);
      const x = tf.tensor2d(ids, [B, T], 'int32');
      const y = tf.tensor2d(labels, [B, T], 'int32');
      const { loss, grads, finalState } = model.lossAndGrads(x, y);
      weightEntries(grads).forEach(([name, grad], i) => expectClose(grad, expectedGrads[i]!, 1e-5, `d ${name}`));
      expect(Math.abs(loss.dataSync()[0]! - expectedLoss)).toBeLessThan(1e-5);
      tf.dispose([x, y, loss, ...weightEntries(grads).map(([, t]) => t), ...finalState.flatMap((s) => [s.h, s.c!])]);
      model.dispose();
    });
  });
});

/**
 * Gate pre-activations exactly on the hard sigmoid's corners: with a one-unit embedding of ±2.5, a kernel of
 * ones and a zero recurrent kernel and bias, 0.2·z + 0.5 is exactly 0 or 1 at every step. tf.clipByValue's
 * gradient (what tfjs-layers differentiates) counts both bounds as inside, so the gates' derivative there is 0.2.
 */
describe('hard-sigmoid gates exactly on the clip boundaries', () => {
  const ids2 = [
    [0, 1, 1, 2, 0],
    [1, 0, 3, 1, 1],
  ];
  const labels2 = [
    [1, 2, 0, 3, 1],
    [0, 0, 2, 1, 3],
  ];
  const weights = (): tf.Tensor[] => [
    tf.tensor2d([[-2.5], [2.5], [0], [3]]),
    tf.ones([1, 4]),
    tf.zeros([1, 4]),
    tf.zeros([4]),
    tf.tensor2d([[0.7, -0.3, 0.2, 1.1]]),
    tf.tensor1d([0.1, 0, -0.2, 0.3]),
  ];
  let expected: { logits: number[]; grads: number[][] };

  beforeAll(async () => {
    await useBackend('cpu');
    const model = tf.sequential({
      layers: [tf.layers.embedding({ inputDim: 4, outputDim: 1, inputShape: [null] }), tf.layers.lstm({ units: 1, returnSequences: true }), tf.layers.dense({ units: 4 })],
    });
    const w = weights();
    model.setWeights(w);
    const x = tf.tensor2d(ids2, [2, 5], 'int32');
    const oneHot = tf.oneHot(tf.tensor2d(labels2, [2, 5], 'int32'), 4).toFloat();
    const logits = model.predict(x) as tf.Tensor;
    const { value, grads } = tf.variableGrads(() => tf.losses.softmaxCrossEntropy(oneHot, model.apply(x) as tf.Tensor) as tf.Scalar);
    expected = {
      logits: Array.from(logits.dataSync()),
      grads: model.weights.map((v) => Array.from(grads[(v as unknown as { val: tf.Variable }).val.name]!.dataSync())),
    };
    // The embedding's gradient flows only through gate derivatives taken at the corners.
    expect(expected.grads[0]!.slice(0, 2).every((g) => g !== 0)).toBe(true);
    tf.dispose([...w, x, oneHot, logits, value, ...Object.values(grads)]);
    model.dispose();
  });

  it.each(testBackends)('gives tfjs-layers\' logits and gradients on %s', async (backend) => {
    await useBackend(backend);
    const w = weights();
    const model = LanguageModel.fromWeights(
      { vocabSize: 4, embedDim: 1, hiddenSize: 1, layers: 1, cell: 'lstm', dropout: 0, recurrentActivation: 'hard_sigmoid' },
      { embedding: w[0]!, layers: [{ kernel: w[1]!, recurrentKernel: w[2]!, bias: w[3]! }], dense: { kernel: w[4]!, bias: w[5]! } },
    );
    tf.dispose(w);
    const x = tf.tensor2d(ids2, [2, 5], 'int32');
    const y = tf.tensor2d(labels2, [2, 5], 'int32');
    const { logits, state } = model.forward(x);
    expectClose(logits, expected.logits, 1e-6, 'logits');
    const { loss, grads, finalState } = model.lossAndGrads(x, y);
    weightEntries(grads).forEach(([name, grad], i) => expectClose(grad, expected.grads[i]!, 1e-6, `d ${name}`));
    tf.dispose([x, y, logits, loss, ...weightEntries(grads).map(([, t]) => t), ...[...state, ...finalState].flatMap((s) => [s.h, s.c!])]);
    model.dispose();
  });
});
