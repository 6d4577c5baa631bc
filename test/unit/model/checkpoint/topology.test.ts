import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tf } from '../../../../src/compute/tf.js';
import { CheckpointError } from '../../../../src/model/checkpoint/errors.js';
import { fileSystemIOHandler } from '../../../../src/model/checkpoint/fileIO.js';
import { artifactsToLanguageModel } from '../../../../src/model/checkpoint/layersModel.js';
import { languageModelTopology } from '../../../../src/model/checkpoint/lmTopology.js';
import { planLanguageModel } from '../../../../src/model/checkpoint/lmTopologyPlan.js';
import type { LanguageModelConfig } from '../../../../src/model/types.js';
import { useBackend } from '../../../helpers/tf.js';
import { disposeWeights, smallConfig, tempDir } from './helpers.js';

type Layer = { class_name: string; config: Record<string, unknown> };

/** Our own topology for `config`, edited by `edit` (which gets the layer list). */
function topology(config: LanguageModelConfig, edit: (layers: Layer[]) => void = () => {}) {
  const json = languageModelTopology(config) as { config: { layers: Layer[] } };
  edit(json.config.layers);
  return json;
}

function refusal(json: unknown): CheckpointError {
  try {
    planLanguageModel(json, '/ckpt');
  } catch (error) {
    expect(error).toBeInstanceOf(CheckpointError);
    return error as CheckpointError;
  }
  throw new Error('expected the topology to be refused');
}

describe('planLanguageModel refuses what the engine cannot run', () => {
  const lstm = smallConfig();
  const gru = smallConfig({ cell: 'gru' });

  it.each<[string, unknown, string | RegExp]>([
    [
      'a Conv1D layer',
      topology(lstm, (l) => l.splice(2, 0, { class_name: 'Conv1D', config: { name: 'conv1d', filters: 4, kernel_size: [3] } })),
      'model.json in /ckpt: layer 3 ("conv1d") is Conv1D; Longhand loads Embedding → LSTM/GRU… → Dense models',
    ],
    [
      'a Bidirectional LSTM',
      topology(lstm, (l) => (l[1] = { class_name: 'Bidirectional', config: { name: 'bidirectional', layer: l[1], merge_mode: 'concat' } })),
      'layer 2 ("bidirectional") is Bidirectional (Longhand language models read text left to right only); Longhand loads Embedding → LSTM/GRU… → Dense models',
    ],
    [
      'an LSTM with relu gates',
      topology(lstm, (l) => (l[2]!.config.recurrent_activation = 'relu')),
      `layer 3 ("lstm_2") is LSTM with recurrent_activation relu; Longhand's gates are sigmoid or hard_sigmoid`,
    ],
    [
      'LSTMs with different gate activations',
      topology(lstm, (l) => (l[2]!.config.recurrent_activation = 'hard_sigmoid')),
      'layer 3 ("lstm_2") is LSTM with recurrent_activation hard_sigmoid but the layers before it use sigmoid; Longhand models use one gate activation throughout',
    ],
    ['an LSTM with relu', topology(lstm, (l) => (l[1]!.config.activation = 'relu')), "is LSTM with activation relu; Longhand's LSTM uses tanh"],
    ['a GRU with linear gates', topology(gru, (l) => (l[1]!.config.recurrent_activation = 'linear')), "is GRU with recurrent_activation linear; Longhand's gates are sigmoid or hard_sigmoid"],
    ['a GRU with reset_after', topology(gru, (l) => (l[1]!.config.reset_after = true)), /is a GRU with reset_after: true \(the TF2 Keras default\)/],
    ['mask_zero', topology(lstm, (l) => (l[0]!.config.mask_zero = true)), /layer 1 \("embedding"\) is an Embedding with mask_zero: true .*Longhand does not mask/],
    ['return_sequences false', topology(lstm, (l) => (l[2]!.config.return_sequences = false)), /layer 3 \("lstm_2"\) is LSTM with return_sequences false; a Longhand language model predicts the next token at every position/],
    ['go_backwards', topology(lstm, (l) => (l[1]!.config.go_backwards = true)), 'is LSTM with go_backwards: true'],
    ['different hidden sizes', topology(lstm, (l) => (l[2]!.config.units = 7)), 'layer 3 ("lstm_2") has 7 units but the layer before it has 5; Longhand models use one hidden size throughout'],
    ['mixed cells', topology(lstm, (l) => (l[2] = topology(gru).config.layers[2]!)), 'is GRU but the layers before it are LSTM; Longhand models use one cell kind throughout'],
    ['an output layer of another size', topology(lstm, (l) => (l[3]!.config.units = 4)), 'the output layer (layer 4 ("dense")) has 4 units but the embedding has 9 rows'],
    ['a relu output', topology(lstm, (l) => (l[3]!.config.activation = 'relu')), 'has activation relu; the output of a Longhand language model is softmax (or linear logits)'],
    ['two Dense layers', topology(lstm, (l) => l.push({ ...l[3]!, config: { ...l[3]!.config, name: 'dense_2' } })), 'layer 5 ("dense_2") is a second Dense layer'],
    ['no output layer', topology(lstm, (l) => l.pop()), 'the model has no Dense output layer after its LSTM layers'],
    ['no embedding', topology(lstm, (l) => l.shift()), 'layer 1 ("lstm_1") is LSTM, not Embedding'],
    ['a SimpleRNN', topology(lstm, (l) => (l[1]!.class_name = 'SimpleRNN')), 'is SimpleRNN (Longhand runs LSTM and GRU cells only)'],
    ['TimeDistributed(Conv1D)', topology(lstm, (l) => (l[3] = { class_name: 'TimeDistributed', config: { name: 'td', layer: { class_name: 'Conv1D', config: {} } } })), 'layer 4 ("td") is TimeDistributed(Conv1D)'],
    ['a functional model', { class_name: 'Functional', config: { layers: [] } }, 'the model is a functional model (Functional); Longhand loads Embedding → LSTM/GRU… → Dense models built as Sequential'],
  ])('%s', (_, json, expected) => {
    const error = refusal(json);
    expect(error.code === 'unsupported' || error.code === 'invalid').toBe(true);
    expect(error.file).toBe('model.json');
    if (typeof expected === 'string') expect(error.message).toContain(expected);
    else expect(error.message).toMatch(expected);
    expect(error.message).not.toContain('\n');
  });
});

describe('planLanguageModel accepts the variants Keras and tfjs-layers write', () => {
  const config = smallConfig({ layers: 1 });

  it('InputLayer, model_config wrapper, TimeDistributed Dense, Dropout after the embedding, trailing softmax Activation', () => {
    const json = topology(config, (l) => {
      l[2] = { class_name: 'TimeDistributed', config: { name: 'td', layer: { ...l[2]!, config: { ...l[2]!.config, activation: 'linear' } } } };
      l.splice(1, 0, { class_name: 'SpatialDropout1D', config: { rate: 0.3, name: 'sd' } });
      l.unshift({ class_name: 'InputLayer', config: { batch_input_shape: [null, null], name: 'in' } });
      l.push({ class_name: 'Activation', config: { activation: 'softmax', name: 'act' } });
    });
    const plan = planLanguageModel({ model_config: json, keras_version: '2.15.0', backend: 'tensorflow' }, '/ckpt');
    expect(plan).toEqual({
      config: { ...config, dropout: 0.3 },
      classNames: ['Embedding', 'SpatialDropout1D', 'LSTM', 'TimeDistributed', 'Activation'],
      embedding: 0,
      recurrent: [2],
      dense: 3,
    });
  });

  it.each<[string, LanguageModelConfig['cell'], unknown, LanguageModelConfig['recurrentActivation']]>([
    ['LSTM, hard_sigmoid', 'lstm', 'hard_sigmoid', 'hard_sigmoid'],
    ['LSTM, hardSigmoid (camelCase)', 'lstm', 'hardSigmoid', 'hard_sigmoid'],
    ['LSTM, no recurrent_activation (tfjs-layers default: hard sigmoid)', 'lstm', undefined, 'hard_sigmoid'],
    ['LSTM, sigmoid (the default of the config)', 'lstm', 'sigmoid', undefined],
    ['LSTM, sigmoid as a {class_name} object', 'lstm', { class_name: 'Sigmoid', config: {} }, undefined],
    ['GRU, sigmoid', 'gru', 'sigmoid', 'sigmoid'],
    ['GRU, hard_sigmoid (the default of the config)', 'gru', 'hard_sigmoid', undefined],
  ])('gate activations: %s', (_, cell, value, expected) => {
    const json = topology(smallConfig({ cell }), (l) => {
      for (const layer of [l[1]!, l[2]!]) {
        if (value === undefined) delete layer.config.recurrent_activation;
        else layer.config.recurrent_activation = value;
      }
    });
    const plan = planLanguageModel(json, '/ckpt');
    expect(plan.config.recurrentActivation).toBe(expected);
    expect('recurrentActivation' in plan.config).toBe(expected !== undefined);
  });

  it('the legacy list form of a Sequential config, and camelCase keys', () => {
    const layers = topology(config).config.layers.map((layer) => ({
      className: layer.class_name,
      config: Object.fromEntries(Object.entries(layer.config).map(([k, v]) => [k.replace(/_([a-z])/g, (_m, c: string) => c.toUpperCase()), v])),
    }));
    expect(planLanguageModel({ class_name: 'Sequential', config: layers }, '/ckpt').config).toEqual(config);
  });
});

describe('artifactsToLanguageModel with models made by tfjs-layers', () => {
  let dir: string;
  beforeAll(async () => useBackend('cpu'));
  beforeEach(async () => {
    dir = await tempDir();
  });
  afterEach(async () => fs.rm(dir, { recursive: true, force: true }));

  async function save(layers: tf.layers.Layer[]): Promise<void> {
    const model = tf.sequential({ layers });
    await model.save(fileSystemIOHandler(dir));
    model.dispose();
  }

  it('refuses a Conv1D model with a message naming the layer', async () => {
    await save([
      tf.layers.embedding({ inputDim: 6, outputDim: 3, inputShape: [null] }),
      tf.layers.conv1d({ filters: 4, kernelSize: 2, padding: 'same', name: 'conv' }),
      tf.layers.dense({ units: 6 }),
    ]);
    await expect(artifactsToLanguageModel(dir)).rejects.toThrow(`model.json in ${dir}: layer 2 ("conv") is Conv1D; Longhand loads Embedding → LSTM/GRU… → Dense models`);
  });

  it('loads tf.layers.lstm with its default hard-sigmoid gates, and tf.layers.gru with sigmoid gates', async () => {
    await save([tf.layers.embedding({ inputDim: 6, outputDim: 3, inputShape: [null] }), tf.layers.lstm({ units: 4, returnSequences: true, name: 'l' }), tf.layers.dense({ units: 6 })]);
    const lstm = await artifactsToLanguageModel(dir);
    expect(lstm.config).toEqual({ vocabSize: 6, embedDim: 3, hiddenSize: 4, layers: 1, cell: 'lstm', dropout: 0, recurrentActivation: 'hard_sigmoid' });
    disposeWeights(lstm.weights);
    await save([
      tf.layers.embedding({ inputDim: 6, outputDim: 3, inputShape: [null] }),
      tf.layers.gru({ units: 4, returnSequences: true, recurrentActivation: 'sigmoid', recurrentInitializer: 'zeros' }),
      tf.layers.dense({ units: 6 }),
    ]);
    const gru = await artifactsToLanguageModel(dir);
    expect(gru.config).toEqual({ vocabSize: 6, embedDim: 3, hiddenSize: 4, layers: 1, cell: 'gru', dropout: 0, recurrentActivation: 'sigmoid' });
    disposeWeights(gru.weights);
  });

  it('loads layers without biases as zero biases, with a linear Dense and a softmax Activation', async () => {
    const before = tf.memory().numTensors;
    await save([
      tf.layers.embedding({ inputDim: 6, outputDim: 3, inputShape: [null] }),
      tf.layers.gru({ units: 4, returnSequences: true, useBias: false, recurrentInitializer: 'zeros' }),
      tf.layers.dense({ units: 6, useBias: false }),
      tf.layers.activation({ activation: 'softmax' }),
    ]);
    const { config, weights } = await artifactsToLanguageModel(dir);
    expect(config).toEqual({ vocabSize: 6, embedDim: 3, hiddenSize: 4, layers: 1, cell: 'gru', dropout: 0 });
    expect(Array.from(weights.layers[0]!.bias.dataSync())).toEqual(new Array(12).fill(0));
    expect(Array.from(weights.dense.bias.dataSync())).toEqual(new Array(6).fill(0));
    disposeWeights(weights);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a graph model and a model.json that is not a Layers model', async () => {
    await fs.writeFile(path.join(dir, 'model.json'), JSON.stringify({ format: 'graph-model', modelTopology: {}, weightsManifest: [] }));
    await expect(artifactsToLanguageModel(dir)).rejects.toThrow(/is a TF\.js graph model \(converted from a SavedModel\); Longhand loads Layers models/);
    await fs.writeFile(path.join(dir, 'model.json'), JSON.stringify({ modelTopology: {} }));
    await expect(artifactsToLanguageModel(dir)).rejects.toThrow(/is not a TF\.js Layers model\.json: weightsManifest/);
  });
});
