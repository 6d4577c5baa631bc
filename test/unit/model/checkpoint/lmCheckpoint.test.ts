import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { tf } from '../../../../src/compute/tf.js';
import { CheckpointError } from '../../../../src/model/checkpoint/errors.js';
import { type LanguageModelCheckpoint, loadLanguageModelCheckpoint, saveLanguageModelCheckpoint } from '../../../../src/model/checkpoint/lmCheckpoint.js';
import { testBackends, useBackend } from '../../../helpers/tf.js';
import { charTokenizer, disposeWeights, expectBitwiseEqual, expectWeightsBitwiseEqual, flipByte, randomWeights, smallConfig, tempDir } from './helpers.js';

async function rejection(promise: Promise<unknown>): Promise<CheckpointError> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CheckpointError);
  expect((error as Error).message).not.toContain('\n');
  return error as CheckpointError;
}

function checkpoint(overrides: Partial<LanguageModelCheckpoint> = {}): LanguageModelCheckpoint {
  const config = overrides.config ?? smallConfig({ dropout: 0.1 });
  return {
    config,
    weights: overrides.weights ?? randomWeights(config),
    tokenizer: charTokenizer(config.vocabSize),
    step: 1200,
    metrics: { loss: 1.25, valLoss: 1.5, perplexity: Number.POSITIVE_INFINITY, gradNorm: Number.NaN },
    optimizer: 'optimizer' in overrides ? overrides.optimizer : {
      name: 'adam',
      hyper: { learningRate: 0.002, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, clipNorm: 5 },
      state: [
        { name: 'iter', tensor: tf.scalar(1200, 'int32') },
        { name: 'embedding/m', tensor: tf.randomNormal([config.vocabSize, config.embedDim], 0, 1, 'float32', 3) },
        { name: 'embedding/v', tensor: tf.randomUniform([config.vocabSize, config.embedDim], 0, 1, 'float32', 4) },
      ],
    },
    trainState: { rngState: [1, 2, 3, 4], epoch: 2, batchCursor: 37 },
    createdAt: new Date('2025-01-02T03:04:05.000Z'),
    ...overrides,
  };
}

function disposeCheckpoint(ckpt: { weights: LanguageModelCheckpoint['weights']; optimizer?: LanguageModelCheckpoint['optimizer'] }): void {
  disposeWeights(ckpt.weights);
  tf.dispose(ckpt.optimizer?.state.map((s) => s.tensor) ?? []);
}

let parent: string;
let dir: string;
beforeEach(async () => {
  parent = await tempDir();
  dir = path.join(parent, 'models', 'run-1', '1200');
});
afterEach(async () => fs.rm(parent, { recursive: true, force: true }));

describe.each(testBackends)('language model checkpoints on %s', (backend) => {
  beforeAll(async () => useBackend(backend));
  afterAll(() => tf.disposeVariables());

  it.each([
    ['lstm', smallConfig({ dropout: 0.1 })],
    ['gru', smallConfig({ cell: 'gru', layers: 1, dropout: 0 })],
    ['lstm with hard-sigmoid gates', smallConfig({ recurrentActivation: 'hard_sigmoid' })],
    ['gru with sigmoid gates', smallConfig({ cell: 'gru', layers: 1, recurrentActivation: 'sigmoid' })],
  ] as const)('round-trips config, weights, optimizer state and metadata bitwise (%s)', async (_, config) => {
    const before = tf.memory().numTensors;
    const saved = checkpoint({ config });
    const digest = await saveLanguageModelCheckpoint(dir, saved);
    expect(Object.keys(digest.files)).toEqual(['longhand.json', 'model.json', 'optimizer.bin', 'tokenizer.json', 'weights.bin']);
    expect(digest.bytes).toBe(Object.values(digest.files).reduce((sum, f) => sum + f.bytes, 0));

    const loaded = await loadLanguageModelCheckpoint(dir, { expectedSha256: digest.sha256 });
    expect(loaded.config).toEqual(config);
    expectWeightsBitwiseEqual(loaded.weights, saved.weights);
    expect(loaded.tokenizerJson).toEqual(saved.tokenizer);
    expect(loaded.meta).toEqual({
      format: 'longhand-checkpoint',
      version: 1,
      kind: 'lm',
      createdAt: '2025-01-02T03:04:05.000Z',
      config,
      step: 1200,
      metrics: saved.metrics,
      optimizer: { name: 'adam', hyper: saved.optimizer!.hyper },
      trainState: saved.trainState,
    });
    expect(loaded.optimizer!.name).toBe('adam');
    expect(loaded.optimizer!.hyper).toEqual(saved.optimizer!.hyper);
    expect(loaded.optimizer!.state.map((s) => s.name)).toEqual(['iter', 'embedding/m', 'embedding/v']);
    loaded.optimizer!.state.forEach((s, i) => expectBitwiseEqual(s.tensor, saved.optimizer!.state[i]!.tensor, s.name));
    expect(loaded.digest).toEqual(digest);

    disposeCheckpoint(loaded);
    disposeCheckpoint(saved);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('saving the same checkpoint twice gives the same sha256, and without an optimizer there is no optimizer.bin', async () => {
    const saved = checkpoint({ optimizer: undefined, trainState: undefined });
    const first = await saveLanguageModelCheckpoint(dir, saved);
    const second = await saveLanguageModelCheckpoint(path.join(parent, 'again'), saved);
    expect(second.sha256).toBe(first.sha256);
    expect(Object.keys(first.files)).not.toContain('optimizer.bin');
    const loaded = await loadLanguageModelCheckpoint(dir);
    expect(loaded.optimizer).toBeUndefined();
    expect(loaded.meta).not.toHaveProperty('trainState');
    disposeCheckpoint(loaded);
    disposeCheckpoint(saved);
  });
});

describe('loading refuses broken checkpoints with clear messages', () => {
  let digest: Awaited<ReturnType<typeof saveLanguageModelCheckpoint>>;
  let before: number;
  beforeAll(async () => useBackend('cpu'));
  beforeEach(async () => {
    const saved = checkpoint();
    digest = await saveLanguageModelCheckpoint(dir, saved);
    disposeCheckpoint(saved);
    before = tf.memory().numTensors;
  });
  afterEach(() => {
    expect(tf.memory().numTensors).toBe(before);
  });
  const file = (name: string) => path.join(dir, name);

  it('a changed byte in weights.bin', async () => {
    await flipByte(file('weights.bin'), 17);
    const error = await rejection(loadLanguageModelCheckpoint(dir));
    expect([error.code, error.file]).toEqual(['changed', 'weights.bin']);
    expect(error.message).toMatch(/^weights\.bin in checkpoint .* has changed since it was written/);
  });

  it('a truncated weights.bin', async () => {
    await fs.truncate(file('weights.bin'), 100);
    const error = await rejection(loadLanguageModelCheckpoint(dir));
    expect([error.code, error.file]).toEqual(['truncated', 'weights.bin']);
    expect(error.message).toContain('is truncated: 100 bytes');
  });

  it('a truncated weights.bin in a plain Layers model (no manifest to compare with)', async () => {
    await fs.rm(file('longhand.json'));
    await fs.truncate(file('weights.bin'), 100);
    const error = await rejection(loadLanguageModelCheckpoint(dir));
    expect(error.message).toBe(`weights.bin is truncated: model.json in ${dir} describes ${digest.files['weights.bin']!.bytes} bytes of weights, the file holds 100`);
  });

  it('a missing model.json', async () => {
    await fs.rm(file('model.json'));
    const error = await rejection(loadLanguageModelCheckpoint(dir));
    expect([error.code, error.file]).toEqual(['missing', 'model.json']);
    expect(error.message).toBe(`no model.json in ${dir}: a checkpoint is a TF.js Layers model directory (model.json, weight files, tokenizer.json)`);
  });

  it('a missing tokenizer.json', async () => {
    await fs.rm(file('tokenizer.json'));
    const error = await rejection(loadLanguageModelCheckpoint(dir));
    expect([error.code, error.file]).toEqual(['missing', 'tokenizer.json']);
    expect(error.message).toBe(`no tokenizer.json beside model.json in ${dir}: Longhand needs the vocabulary the model was trained with`);
  });

  it('a missing weights file and a missing directory', async () => {
    await fs.rm(file('weights.bin'));
    expect((await rejection(loadLanguageModelCheckpoint(dir))).message).toBe(`checkpoint ${dir} is missing weights.bin (listed in longhand.json)`);
    await fs.rm(file('longhand.json'));
    expect((await rejection(loadLanguageModelCheckpoint(dir))).message).toBe(`model.json in ${dir} lists weight file weights.bin, which is missing`);
    expect((await rejection(loadLanguageModelCheckpoint(path.join(parent, 'nope')))).message).toBe(`checkpoint ${path.join(parent, 'nope')} does not exist`);
  });

  it.each(['model.json', 'tokenizer.json', 'longhand.json'])('bad JSON in %s', async (name) => {
    await fs.writeFile(file(name), '{"oops": ');
    if (name !== 'longhand.json') await fs.rm(file('longhand.json'));
    const error = await rejection(loadLanguageModelCheckpoint(dir));
    expect([error.code, error.file]).toEqual(['invalid', name]);
    expect(error.message).toMatch(new RegExp(`^${name.replace('.', '\\.')} in (checkpoint )?${dir} is not valid JSON \\(`));
  });

  it('a tokenizer whose vocabulary size differs from the embedding', async () => {
    await fs.rm(file('longhand.json'));
    await fs.writeFile(file('tokenizer.json'), JSON.stringify(charTokenizer(5)));
    const error = await rejection(loadLanguageModelCheckpoint(dir));
    expect([error.code, error.file]).toEqual(['mismatch', 'tokenizer.json']);
    expect(error.message).toBe(`tokenizer.json in ${dir} has 5 tokens but the model's embedding has 9 rows: it is not the tokenizer the model was trained with`);
  });

  it('an unsupported topology', async () => {
    await fs.rm(file('longhand.json'));
    const json = JSON.parse(await fs.readFile(file('model.json'), 'utf8'));
    json.modelTopology.config.layers[1].config.recurrent_activation = 'relu';
    await fs.writeFile(file('model.json'), JSON.stringify(json));
    const error = await rejection(loadLanguageModelCheckpoint(dir));
    expect(error.code).toBe('unsupported');
    expect(error.message).toContain('layer 2 ("lstm_1") is LSTM with recurrent_activation relu');
  });

  it('a sha256 from SQLite that does not match', async () => {
    const error = await rejection(loadLanguageModelCheckpoint(dir, { expectedSha256: '0'.repeat(64) }));
    expect(error.code).toBe('changed');
    expect(error.message).toContain(`checkpoint ${dir} does not match the sha256 recorded when it was saved (000000000000… recorded, ${digest.sha256.slice(0, 12)}… found)`);
  });

  it('longhand.json from a newer Longhand, or of another kind', async () => {
    const edit = async (change: (meta: Record<string, unknown>) => void) => {
      const meta = JSON.parse(await fs.readFile(file('longhand.json'), 'utf8'));
      change(meta);
      await fs.writeFile(file('longhand.json'), JSON.stringify(meta));
    };
    await edit((m) => (m.version = 2));
    expect((await rejection(loadLanguageModelCheckpoint(dir))).message).toBe(
      `longhand.json in ${dir} was written by a newer Longhand (checkpoint format 2; this version reads up to 1)`,
    );
    await edit((m) => Object.assign(m, { version: 1, kind: 'seq2seq' }));
    expect((await rejection(loadLanguageModelCheckpoint(dir))).message).toBe(`longhand.json in ${dir} describes a seq2seq checkpoint, not a language model`);
    await edit((m) => Object.assign(m, { kind: 'lm', step: -1 }));
    expect((await rejection(loadLanguageModelCheckpoint(dir))).message).toMatch(/^longhand\.json in .* is not valid: step: /);
  });

  it('longhand.json that describes another model than model.json', async () => {
    const meta = JSON.parse(await fs.readFile(file('longhand.json'), 'utf8'));
    meta.config.hiddenSize = 6;
    await fs.writeFile(file('longhand.json'), JSON.stringify(meta));
    const error = await rejection(loadLanguageModelCheckpoint(dir));
    expect(error.message).toBe(`longhand.json and model.json in ${dir} describe different models (hiddenSize 6 vs 5)`);
    meta.config.hiddenSize = 5;
    meta.config.recurrentActivation = 'hard_sigmoid';
    await fs.writeFile(file('longhand.json'), JSON.stringify(meta));
    const other = await rejection(loadLanguageModelCheckpoint(dir));
    expect(other.message).toBe(`longhand.json and model.json in ${dir} describe different models (recurrentActivation hard_sigmoid vs sigmoid)`);
  });
});

describe('saving', () => {
  beforeAll(async () => useBackend('cpu'));

  it('refuses a tokenizer that does not fit the model, writing nothing', async () => {
    const saved = checkpoint({ tokenizer: charTokenizer(4) });
    const error = await rejection(saveLanguageModelCheckpoint(dir, saved));
    expect(error.code).toBe('mismatch');
    disposeCheckpoint(saved);
    await expect(fs.access(dir)).rejects.toThrow();
  });

  it('keeps the previous checkpoint when a write fails midway', async () => {
    const first = checkpoint();
    const good = await saveLanguageModelCheckpoint(dir, first);
    disposeCheckpoint(first);
    const second = checkpoint({ step: 1300 });
    await rejection(
      saveLanguageModelCheckpoint(dir, second, {
        onPhase: (event) => {
          if (event.phase === 'file' && event.name === 'weights.bin') throw new Error('ENOSPC: no space left on device');
        },
      }),
    );
    disposeCheckpoint(second);
    const loaded = await loadLanguageModelCheckpoint(dir, { expectedSha256: good.sha256 });
    expect(loaded.meta!.step).toBe(1200);
    disposeCheckpoint(loaded);
    expect(await fs.readdir(path.dirname(dir))).toEqual(['1200']);
  });
});
