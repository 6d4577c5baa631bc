import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../../src/compute/tf.js';
import { fileSystemIOHandler } from '../../../../src/model/checkpoint/fileIO.js';
import { loadLanguageModelCheckpoint } from '../../../../src/model/checkpoint/lmCheckpoint.js';
import { LanguageModel } from '../../../../src/model/languageModel.js';
import { weightEntries } from '../../../../src/model/weights.js';
import { fixtureDir, fixtureWeights } from '../../../fixtures/checkpoints/keras-char-lm/generate.js';
import { testBackends, useBackend } from '../../../helpers/tf.js';
import { bytesOf, disposeWeights, expectClose, tfjsLayersTwin, tokenBatch } from './helpers.js';

describe.each(testBackends)('a Keras-converted Layers model with a tokenizer.json beside it, on %s', (backend) => {
  beforeAll(async () => useBackend(backend));
  afterAll(() => tf.disposeVariables());

  it('loads, with the config from the topology and every weight bitwise', async () => {
    const before = tf.memory().numTensors;
    const loaded = await loadLanguageModelCheckpoint(fixtureDir);
    expect(loaded.meta).toBeNull();
    expect(loaded.optimizer).toBeUndefined();
    expect(loaded.config).toEqual({ vocabSize: 12, embedDim: 4, hiddenSize: 5, layers: 2, cell: 'lstm', dropout: 0.1 });
    expect(loaded.tokenizerJson).toMatchObject({ level: 'char' });
    expect(Object.keys(loaded.digest.files)).toEqual(['generate.ts', 'group1-shard1of2.bin', 'group1-shard2of2.bin', 'model.json', 'tokenizer.json', 'README.md'].sort());
    const expected = fixtureWeights();
    const actual = weightEntries(loaded.weights);
    expect(actual).toHaveLength(expected.length);
    actual.forEach(([name, tensor], i) => {
      expect(tensor.shape, name).toEqual(expected[i]!.shape);
      expect(bytesOf(tensor.dataSync() as Float32Array).equals(bytesOf(expected[i]!.values)), `${name} vs ${expected[i]!.name}`).toBe(true);
    });
    disposeWeights(loaded.weights);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('predicts the same through tf.loadLayersModel, a tfjs-layers twin and the engine', async () => {
    const { config, weights } = await loadLanguageModelCheckpoint(path.resolve(fixtureDir));
    const converted = await tf.loadLayersModel(fileSystemIOHandler(fixtureDir));
    const twin = tfjsLayersTwin(config, weights);
    const engine = LanguageModel.fromWeights(config, weights);
    const x = tokenBatch(config, 2, 5);
    const fromFile = converted.predict(x) as tf.Tensor;
    const fromTwin = twin.predict(x) as tf.Tensor;
    const { logits, state } = engine.forward(tf.cast(x, 'int32'));
    const fromEngine = tf.softmax(logits);
    expectClose(fromFile, fromTwin, 1e-6, 'converted vs twin');
    expectClose(fromEngine, fromFile, 1e-5, 'engine vs converted');
    tf.dispose([x, fromFile, fromTwin, logits, fromEngine, ...state.flatMap((s) => [s.h, ...(s.c ? [s.c] : [])])]);
    converted.dispose();
    twin.dispose();
    engine.variables().forEach((v) => v.dispose());
    disposeWeights(weights);
  });
});
