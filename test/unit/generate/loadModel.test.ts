import { promises as fs } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../../../src/compute/tf.js';
import { generate } from '../../../src/generate/sample.js';
import { loadModel } from '../../../src/generate/loadModel.js';
import { ModelNotFoundError, resolveModelRef } from '../../../src/cli/modelRef.js';
import { CheckpointError } from '../../../src/model/checkpoint/index.js';
import type { LanguageModel } from '../../../src/model/languageModel.js';
import { openStore } from '../../../src/store/index.js';
import type { Tokenizer } from '../../../src/text/tokenizers/index.js';
import { fixtureDir } from '../../fixtures/checkpoints/keras-char-lm/generate.js';
import { useBackend } from '../../helpers/tf.js';
import { expectRowsClose, saveModel, tempDir, trainedCharModel } from './helpers.js';

let root: string;
let model: LanguageModel;
let tokenizer: Tokenizer;
let dir: string;
let sha256: string;

beforeAll(async () => {
  await useBackend('wasm');
  root = await tempDir();
  ({ model, tokenizer } = trainedCharModel());
  dir = path.join(root, 'ckpt');
  sha256 = await saveModel(dir, model, tokenizer);
});
afterAll(async () => {
  model.dispose();
  await fs.rm(root, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<Error> {
  const error = await promise.then(
    () => null,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  expect((error as Error).message).not.toContain('\n');
  return error as Error;
}

describe('loadModel', () => {
  it('loads a Longhand checkpoint: the same model, tokenizer, sha256 and metadata', async () => {
    const before = tf.memory().numTensors;
    const handle = await loadModel(dir, { expectedSha256: sha256 });
    expect(handle.source).toMatchObject({ dir, sha256, meta: { step: 10 } });
    expect(handle.tokenizer.toJSON()).toEqual(tokenizer.toJSON());
    expect(handle.config).toEqual(model.config);
    const x = tf.tensor2d([tokenizer.encode('the cat sat')], undefined, 'int32');
    const a = model.forward(x);
    const b = handle.model.forward(x);
    expectRowsClose(b.logits.dataSync(), a.logits.dataSync(), 0);
    tf.dispose([x, a.logits, b.logits, ...[...a.state, ...b.state].flatMap((s) => [s.h, s.c!])]);
    expect((await generate(handle.contexts.sync('the cat ').session, { maxTokens: 5, temperature: 0 })).tokens).toHaveLength(5);
    handle.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('loads a plain TF.js Layers model with a tokenizer.json (no longhand.json)', async () => {
    const handle = await loadModel(fixtureDir);
    expect(handle.source.meta).toBeNull();
    expect(handle.config).toMatchObject({ vocabSize: 12, layers: 2, cell: 'lstm' });
    expect(handle.tokenizer.level).toBe('char');
    const result = await generate(handle.contexts.sync('hello world').session, { maxTokens: 5, temperature: 0 });
    expect(result.text).toHaveLength(5);
    handle.dispose();
  });

  it('refuses a missing, changed or mismatched checkpoint with the checkpoint’s one-line message', async () => {
    const missing = await rejection(loadModel(path.join(root, 'nope')));
    expect(missing).toBeInstanceOf(CheckpointError);
    expect(missing.message).toMatch(/does not exist/);
    const wrongSha = await rejection(loadModel(dir, { expectedSha256: '0'.repeat(64) }));
    expect(wrongSha).toMatchObject({ code: 'changed' });

    const plain = path.join(root, 'plain');
    await fs.cp(fixtureDir, plain, { recursive: true });
    const tokens = ['a', 'a', ...'bcdefghijk'];
    await fs.writeFile(path.join(plain, 'tokenizer.json'), JSON.stringify({ level: 'char', tokens }));
    const badTokenizer = await rejection(loadModel(plain));
    expect(badTokenizer).toMatchObject({ name: 'CheckpointError', code: 'invalid' });
    expect(badTokenizer.message).toMatch(/^tokenizer\.json in .*plain: invalid tokenizer JSON: char: "a" appears twice/);
  });
});

describe('resolving --model', () => {
  it('finds a run’s best checkpoint in the store and verifies it against the recorded sha256', async () => {
    const home = path.join(root, 'home');
    const store = openStore(home);
    const run = store.runs.create({ kind: 'lm', name: 'novel' });
    const empty = store.runs.create({ kind: 'lm', name: 'fresh' });
    const seq2seq = store.runs.create({ kind: 'seq2seq', name: 'summaries' });
    const relative = path.join('models', String(run.id), '10');
    const ckptSha = await saveModel(path.join(home, relative), model, tokenizer);
    const row = store.checkpoints.add({ runId: run.id, step: 10, path: relative, sha256: ckptSha, bytes: 1 });
    store.close();
    const env = { ...process.env, LONGHAND_HOME: home };

    expect(await resolveModelRef(String(run.id), 'lm', { env, cwd: root })).toEqual({
      dir: path.join(home, relative),
      expectedSha256: ckptSha,
      runId: run.id,
      checkpointId: row.id,
    });
    const at = await resolveModelRef(`run:${run.id}`, 'lm', { env });
    const handle = await loadModel(at.dir, { expectedSha256: at.expectedSha256! }, { runId: at.runId!, checkpointId: at.checkpointId! });
    expect(handle.source).toMatchObject({ runId: run.id, checkpointId: row.id, sha256: ckptSha });
    handle.dispose();
    // An existing path wins over a run id; run:ID is always a run.
    await fs.mkdir(path.join(root, String(run.id)), { recursive: true });
    expect(await resolveModelRef(String(run.id), 'lm', { env, cwd: root })).toEqual({ dir: path.join(root, String(run.id)) });
    expect((await resolveModelRef(`run:${run.id}`, 'lm', { env, cwd: root })).runId).toBe(run.id);

    await expect(resolveModelRef('999', 'lm', { env, cwd: root })).rejects.toThrow(/no run 999 in /);
    await expect(resolveModelRef(`run:${empty.id}`, 'lm', { env })).rejects.toThrow(`run ${empty.id} ("fresh") has no checkpoint yet`);
    await expect(resolveModelRef(`run:${seq2seq.id}`, 'lm', { env })).rejects.toThrow(/is a seq2seq run, not a language model/);
    await expect(resolveModelRef('run:x', 'lm', { env })).rejects.toBeInstanceOf(ModelNotFoundError);
    await expect(resolveModelRef('7', 'lm', { env: { ...process.env, LONGHAND_HOME: path.join(root, 'none') }, cwd: root })).rejects.toThrow(/no Longhand database/);

    // A checkpoint changed after its row was written is refused.
    await fs.appendFile(path.join(home, relative, 'tokenizer.json'), ' ');
    const again = await resolveModelRef(String(run.id), 'lm', { env, cwd: path.join(root, 'elsewhere') });
    await expect(loadModel(again.dir, { expectedSha256: again.expectedSha256! })).rejects.toMatchObject({ code: 'changed' });
  });
});
