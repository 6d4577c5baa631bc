import { promises as fs } from 'node:fs';
import path from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tf } from '../../../../src/compute/tf.js';
import { fileSystemIOHandler, modelJsonText } from '../../../../src/model/checkpoint/fileIO.js';
import { artifactsToLanguageModel, languageModelToArtifacts } from '../../../../src/model/checkpoint/layersModel.js';
import { languageModelTopology } from '../../../../src/model/checkpoint/lmTopology.js';
import { LanguageModel } from '../../../../src/model/languageModel.js';
import type { LanguageModelConfig } from '../../../../src/model/types.js';
import { testBackends, useBackend } from '../../../helpers/tf.js';
import { disposeWeights, expectClose, expectWeightsBitwiseEqual, randomWeights, smallConfig, tempDir, tfjsLayersTwin, tokenBatch } from './helpers.js';

async function writeArtifacts(dir: string, config: LanguageModelConfig, weights = randomWeights(config)) {
  const { modelJson, weightsBin } = await languageModelToArtifacts(config, weights);
  await fs.mkdir(dir, { recursive: true });
  await fs.writeFile(path.join(dir, 'model.json'), modelJsonText(modelJson));
  await fs.writeFile(path.join(dir, 'weights.bin'), weightsBin);
  return weights;
}

const configs: [string, LanguageModelConfig][] = [
  ['lstm ×2, dropout', smallConfig({ dropout: 0.2 })],
  ['gru ×1', smallConfig({ cell: 'gru', layers: 1 })],
  ['lstm ×3', smallConfig({ layers: 3, embedDim: 4, hiddenSize: 3 })],
  ['lstm ×2, hard-sigmoid gates', smallConfig({ recurrentActivation: 'hard_sigmoid' })],
  ['gru ×2, sigmoid gates', smallConfig({ cell: 'gru', recurrentActivation: 'sigmoid' })],
];

describe('the model.json Longhand writes', () => {
  beforeAll(async () => useBackend('cpu'));

  it.each([
    ['lstm', 'sigmoid'],
    ['lstm', 'hard_sigmoid'],
    ['gru', 'hard_sigmoid'],
    ['gru', 'sigmoid'],
  ] as const)('is what tfjs-layers itself serialises for the same %s layers with %s gates', (cell, gates) => {
    const config = smallConfig({ cell, dropout: 0.25, recurrentActivation: gates });
    const recurrentActivation = gates === 'sigmoid' ? 'sigmoid' : 'hardSigmoid';
    const model = tf.sequential({ name: 'longhand_lm' });
    model.add(tf.layers.embedding({ name: 'embedding', inputDim: config.vocabSize, outputDim: config.embedDim, inputShape: [null], maskZero: false }));
    for (let l = 0; l < config.layers; l++) {
      const args = { name: `${cell}_${l + 1}`, units: config.hiddenSize, returnSequences: true, kernelInitializer: 'glorotUniform', recurrentInitializer: 'orthogonal' } as const;
      model.add(cell === 'lstm' ? tf.layers.lstm({ ...args, recurrentActivation, unitForgetBias: true }) : tf.layers.gru({ ...args, recurrentActivation }));
      model.add(tf.layers.dropout({ name: `dropout_${l + 1}`, rate: config.dropout }));
    }
    model.add(tf.layers.dense({ name: 'dense', units: config.vocabSize, activation: 'softmax', kernelInitializer: 'glorotUniform' }));
    const theirs = model.toJSON(null, false);
    model.dispose();
    expect(isDeepStrictEqual(theirs, languageModelTopology(config))).toBe(true);
  });

  it('has the standard layers-model shape', async () => {
    const config = smallConfig();
    const weights = randomWeights(config);
    const { modelJson, weightsBin } = await languageModelToArtifacts(config, weights);
    disposeWeights(weights);
    expect(Object.keys(modelJson)).toEqual(['modelTopology', 'format', 'generatedBy', 'convertedBy', 'weightsManifest']);
    expect(modelJson.format).toBe('layers-model');
    expect(modelJson.convertedBy).toBeNull();
    expect(modelJson.weightsManifest).toHaveLength(1);
    expect(modelJson.weightsManifest[0]!.paths).toEqual(['weights.bin']);
    expect(modelJson.weightsManifest[0]!.weights.map((w) => `${w.name} ${w.shape.join('x')} ${w.dtype}`)).toEqual([
      'embedding/embeddings 9x3 float32',
      'lstm_1/kernel 3x20 float32',
      'lstm_1/recurrent_kernel 5x20 float32',
      'lstm_1/bias 20 float32',
      'lstm_2/kernel 5x20 float32',
      'lstm_2/recurrent_kernel 5x20 float32',
      'lstm_2/bias 20 float32',
      'dense/kernel 5x9 float32',
      'dense/bias 9 float32',
    ]);
    expect(weightsBin.byteLength).toBe(4 * (27 + 60 + 100 + 20 + 100 + 100 + 20 + 45 + 9));
  });
});

describe.each(testBackends)('Layers models on %s', (backend) => {
  let dir: string;
  beforeAll(async () => useBackend(backend));
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => fs.rm(dir, { recursive: true, force: true }));
  afterAll(() => tf.disposeVariables());

  it.each(configs)('tf.loadLayersModel loads what Longhand writes and predicts like tfjs-layers (%s)', async (_, config) => {
    const weights = await writeArtifacts(dir, config);
    const before = tf.memory().numTensors;
    const loaded = await tf.loadLayersModel(fileSystemIOHandler(dir));
    const twin = tfjsLayersTwin(config, weights);
    const x = tokenBatch(config);
    const [ours, theirs] = [loaded.predict(x) as tf.Tensor, twin.predict(x) as tf.Tensor];
    expect(ours.shape).toEqual([3, 6, config.vocabSize]);
    expectClose(ours, theirs, 1e-6, 'predictions');
    tf.dispose([ours, theirs, x]);
    loaded.dispose();
    twin.dispose();
    expect(tf.memory().numTensors).toBe(before);
    disposeWeights(weights);
  });

  it.each(configs)('artifactsToLanguageModel reads the config and bitwise weights back (%s)', async (_, config) => {
    const weights = await writeArtifacts(dir, config);
    const before = tf.memory().numTensors;
    const back = await artifactsToLanguageModel(dir);
    expect(back.config).toEqual(config);
    expectWeightsBitwiseEqual(back.weights, weights);
    disposeWeights(back.weights);
    expect(tf.memory().numTensors).toBe(before);
    disposeWeights(weights);
  });

  it.each([
    ['lstm', 'sigmoid'],
    ['lstm', 'hard_sigmoid'],
    ['gru', 'hard_sigmoid'],
    ['gru', 'sigmoid'],
  ] as const)("the engine's %s logits (%s gates) match the Layers model's predictions from the same file", async (cell, gates) => {
    const config = smallConfig({ cell, recurrentActivation: gates });
    const engine = LanguageModel.init(config, 7);
    const { modelJson, weightsBin } = await languageModelToArtifacts(config, engine.weights);
    await fs.writeFile(path.join(dir, 'model.json'), modelJsonText(modelJson));
    await fs.writeFile(path.join(dir, 'weights.bin'), weightsBin);
    const layers = await tf.loadLayersModel(fileSystemIOHandler(dir));
    const x = tokenBatch(config);
    const { logits, state } = engine.forward(tf.cast(x, 'int32'));
    const probs = tf.softmax(logits);
    const predicted = layers.predict(x) as tf.Tensor;
    expectClose(predicted, probs, 1e-5, `${cell} probabilities`);
    tf.dispose([x, logits, probs, predicted, ...state.flatMap((s) => [s.h, ...(s.c ? [s.c] : [])])]);
    layers.dispose();
    engine.variables().forEach((v) => v.dispose());
  });

  it('loads a Layers model made with tfjs-layers directly (model.save through the file handler)', async () => {
    const config = smallConfig({ layers: 1 });
    const weights = randomWeights(config);
    const twin = tfjsLayersTwin(config, weights);
    await twin.save(fileSystemIOHandler(dir));
    twin.dispose();
    const back = await artifactsToLanguageModel(dir);
    expect(back.config).toEqual(config);
    expectWeightsBitwiseEqual(back.weights, weights);
    disposeWeights(back.weights);
    disposeWeights(weights);
  });

  it('reads uint8-quantised weights (tensorflowjs_converter --quantize_uint8) as their dequantised values', async () => {
    const config = smallConfig({ layers: 1 });
    const weights = await writeArtifacts(dir, config);
    const json = JSON.parse(await fs.readFile(path.join(dir, 'model.json'), 'utf8'));
    const specs = json.weightsManifest[0].weights as { shape: number[]; quantization?: object }[];
    const bytes: number[] = [];
    let k = 0;
    for (const spec of specs) {
      spec.quantization = { dtype: 'uint8', scale: 0.5, min: -2 };
      for (let i = 0; i < spec.shape.reduce((a, b) => a * b, 1); i++) bytes.push(k++ % 9);
    }
    await fs.writeFile(path.join(dir, 'model.json'), JSON.stringify(json));
    await fs.writeFile(path.join(dir, 'weights.bin'), Uint8Array.from(bytes));
    const back = await artifactsToLanguageModel(dir);
    expect(Array.from(back.weights.embedding.dataSync().slice(0, 10))).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 0].map((q) => -2 + 0.5 * q));
    await fs.writeFile(path.join(dir, 'weights.bin'), Uint8Array.from(bytes.slice(1)));
    await expect(artifactsToLanguageModel(dir)).rejects.toThrow(`weights.bin is truncated: model.json in ${dir} describes ${bytes.length} bytes of weights, the file holds ${bytes.length - 1}`);
    disposeWeights(back.weights);
    disposeWeights(weights);
  });
});
