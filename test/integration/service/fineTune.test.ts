/**
 * runs.start with a parent (fine-tuning) through the service: the run takes its parent's architecture and the
 * fine-tuning schedule over the preset's, records its parent (lineage) and what it learnt from; the shipped
 * starters are parents too (the prose one for a language model, the dialogue one for an encoder–decoder); a
 * parent of the other kind, an unknown one, or a language model's size that differs from the parent's, is
 * refused before a run exists. runs.estimate estimates what runs.start would start. (The worker's jobs are the
 * test doubles; the seq2seq parent is trained in this process. Fine-tuning a seq2seq model for real through the
 * service: seq2seqJobs.test.ts.)
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../src/contract/index.js';
import { STARTER_DIALOGUE_MODEL, STARTER_MODEL } from '../../../src/service/starter.js';
import { openStore } from '../../../src/store/index.js';
import { trainRun } from '../../../src/train/trainRun.js';
import { useBackend } from '../../helpers/tf.js';
import { DIALOGUE_PAIRS, seq2seqRun } from '../../unit/train/helpers.js';
import { b64, startService, tempHome, waitForStatus, type TestService } from './helpers.js';
import { ipcClient, type IpcHarness } from './ipcClient.js';

describe('fine-tuning through the service', () => {
  let t: TestService;
  let h: IpcHarness;
  let api: ApiClient;
  let corpusId: number;
  let parentCheckpointDir: string;
  beforeAll(async () => {
    t = await startService();
    h = ipcClient(t.service);
    api = h.api;
    corpusId = (await api.corpora.importFiles({ corpus: 'Texts', files: [{ name: 'a.txt', contentBase64: b64('The quick brown fox.') }] })).corpus.id;
  });
  afterAll(async () => {
    h?.close();
    await t?.stop();
  });

  it('starts a child from a checkpoint with its parent\'s architecture, or refuses a parent it cannot use', async () => {
    const parent = await api.runs.start({ kind: 'lm', corpusId, name: 'parent', preset: 'small', config: { budget: { steps: 3 } } });
    await waitForStatus(t, parent.id, 'finished');
    const checkpoint = (await api.runs.get({ runId: parent.id })).checkpoints.find((c) => c.isBest)!;
    parentCheckpointDir = path.join(t.home, 'models', String(parent.id), String(checkpoint.step));

    const child = await api.runs.start({ kind: 'lm', corpusId, preset: 'small', config: { from: { kind: 'checkpoint', checkpointId: checkpoint.id } } });
    // The test jobs write models of embed 4 × hidden 8; the small preset says 64 × 256.
    expect(child.config).toMatchObject({ from: { kind: 'checkpoint', checkpointId: checkpoint.id, name: 'parent' }, embed: 4, hidden: 8, layers: 1, lr: 0.002, budget: { minutes: 5 } });
    expect(child.name).toBe('Texts (fine-tuned 5 min)');
    expect(child.lineage).toEqual(['parent']);
    expect(child.trainedOn).toBe('Texts');
    await api.runs.cancel({ runId: child.id });

    const before = (await api.runs.list({})).runs.length;
    await expect(api.runs.start({ kind: 'lm', corpusId, preset: 'small', config: { from: { kind: 'checkpoint', checkpointId: 999 } } })).rejects.toMatchObject({ name: 'NotFound' });
    await expect(api.runs.start({ kind: 'lm', corpusId, preset: 'small', config: { hidden: 512, from: { kind: 'checkpoint', checkpointId: checkpoint.id } } })).rejects.toMatchObject({
      name: 'ValidationError',
      message: expect.stringMatching(/keeps its parent's hidden \(8\)/),
    });
    await expect(api.runs.start({ kind: 'lm', corpusId, preset: 'small', config: { from: { kind: 'dir', path: '/nowhere/model' } } })).rejects.toMatchObject({
      name: 'ValidationError',
      message: expect.stringMatching(/not a Longhand checkpoint/),
    });
    // This service ships no starter; a fine-tuning preset needs a model to start from.
    await expect(api.runs.start({ kind: 'lm', corpusId, preset: 'quick-adapt', config: { from: { kind: 'starter' } } })).rejects.toMatchObject({
      name: 'ValidationError',
      message: expect.stringMatching(/no starter model/),
    });
    await expect(api.runs.start({ kind: 'lm', corpusId, preset: 'quick-adapt' })).rejects.toMatchObject({
      name: 'ValidationError',
      message: expect.stringMatching(/adapts a model: choose the model to start from/),
    });
    expect((await api.runs.list({})).runs).toHaveLength(before);
  });

  it('a grandchild shows its whole lineage, which outlives a deleted parent', async () => {
    const first = (await api.runs.list({})).runs.find((r) => r.name === 'parent')!;
    const firstCheckpoint = (await api.runs.get({ runId: first.id })).checkpoints.find((c) => c.isBest)!;
    const child = await api.runs.start({ kind: 'lm', corpusId, name: 'child', preset: 'quick-adapt', config: { budget: { steps: 3 }, from: { kind: 'checkpoint', checkpointId: firstCheckpoint.id } } });
    await waitForStatus(t, child.id, 'finished');
    const childCheckpoint = (await api.runs.get({ runId: child.id })).checkpoints.find((c) => c.isBest)!;
    const grandchild = await api.runs.start({ kind: 'lm', corpusId, name: 'grandchild', preset: 'quick-adapt', config: { budget: { steps: 3 }, from: { kind: 'checkpoint', checkpointId: childCheckpoint.id } } });
    expect(grandchild.lineage).toEqual(['parent', 'child']);
    await waitForStatus(t, grandchild.id, 'finished');
    await api.runs.delete({ runId: child.id });
    expect((await api.runs.get({ runId: grandchild.id })).run.lineage).toEqual(['child']);
  });

  it('estimates what runs.start would start: a minutes budget is its minutes, an epochs budget follows the corpus', async () => {
    const adapt = await api.runs.estimate({ kind: 'lm', corpusId, preset: 'quick-adapt', config: { from: { kind: 'dir', path: parentCheckpointDir } } });
    expect(adapt).toMatchObject({ seconds: 300, backend: 'cpu' });
    const one = await api.runs.estimate({ kind: 'lm', corpusId, preset: 'small', config: { budget: { epochs: 1 } } });
    const ten = await api.runs.estimate({ kind: 'lm', corpusId, preset: 'small', config: { budget: { epochs: 10 } } });
    // "The quick brown fox." is 20 characters, 90 % of them trained on.
    expect(one.tokensPerEpoch).toBe(18);
    expect(one.basis).toMatch(/documented|measured|scaled/);
    expect(ten.seconds!).toBeGreaterThanOrEqual(one.seconds!);
    // Nothing is created by estimating.
    const runs = (await api.runs.list({})).runs.length;
    await api.runs.estimate({ kind: 'lm', corpusId, preset: 'small' });
    expect((await api.runs.list({})).runs).toHaveLength(runs);
  });

  it('a run that ends calibrates the speed of its model size here, which later estimates use', async () => {
    const input = { kind: 'lm' as const, corpusId, preset: 'small', config: { budget: { epochs: 100 } } };
    expect((await api.runs.estimate(input)).basis).toBe('documented');
    const run = await api.runs.start({ ...input, config: { budget: { steps: 3 } } });
    await waitForStatus(t, run.id, 'finished');
    // Three quick steps say nothing about speed; a run of 100 steps in 20 s does (its progress as the recorder keeps it).
    expect((await api.runs.estimate(input)).basis).toBe('documented');
    const { store } = t.service;
    store.runs.setProgress(run.id, { ...store.runs.progress(run.id), step: 100, elapsedSeconds: 20 });
    t.service.events.emit({ name: 'run.status', payload: { runId: run.id, status: 'finished' } });
    const estimate = await api.runs.estimate(input);
    expect(estimate).toMatchObject({ basis: 'measured', tokensPerSecond: (100 * 32 * 64) / 20, backend: 'cpu' });
    expect(estimate.seconds).toBe(Math.round((100 * 18) / 10240));
    // Another size on the same backend is scaled from it.
    expect((await api.runs.estimate({ ...input, config: { ...input.config, hidden: 512 } })).basis).toBe('scaled');
  });

  it('refuses a language model as the parent of an encoder–decoder, and an encoder–decoder parent it cannot find', async () => {
    const checkpoint = (await api.runs.get({ runId: (await api.runs.list({})).runs.find((r) => r.name === 'parent')!.id })).checkpoints.find((c) => c.isBest)!;
    const start = (from: object) => api.runs.start({ kind: 'seq2seq', task: 'dialogue', pairs: { kind: 'file', path: DIALOGUE_PAIRS }, preset: 'small', config: { from: from as never } });
    const before = (await api.runs.list({})).runs.length;
    await expect(start({ kind: 'checkpoint', checkpointId: checkpoint.id })).rejects.toMatchObject({
      name: 'ValidationError',
      message: expect.stringMatching(/^Checkpoint \d+ \("parent"\) is a language model; only a summarizer or dialogue model can be fine-tuned into one\.$/),
    });
    await expect(start({ kind: 'dir', path: parentCheckpointDir })).rejects.toMatchObject({ name: 'ValidationError', message: expect.stringMatching(/holds a language model; only a seq2seq model can be fine-tuned/) });
    await expect(start({ kind: 'dir', path: '/nowhere/model' })).rejects.toMatchObject({ name: 'ValidationError', message: expect.stringMatching(/not a Longhand checkpoint/) });
    await expect(start({ kind: 'starter' })).rejects.toMatchObject({ name: 'ValidationError', message: expect.stringMatching(/no starter model/) });
    expect((await api.runs.list({})).runs).toHaveLength(before);
  });

  it('starts from the starter this build ships, recorded as its folder with its name', async () => {
    const starter = fs.mkdtempSync(path.join(tempHome(), 'starter-'));
    fs.cpSync(parentCheckpointDir, path.join(starter, 'model'), { recursive: true });
    await trainedDialogue(path.join(starter, 'dialogue'));
    const s = await startService({ starterDir: starter });
    const c = ipcClient(s.service);
    try {
      expect((await c.api.presets.list({ kind: 'lm' })).starter).toEqual({ name: STARTER_MODEL, checkpointId: null }); // shipped, but not installed in this library
      const texts = (await c.api.corpora.importFiles({ corpus: 'Oliver', files: [{ name: 'o.txt', contentBase64: b64('Please, sir, I want some more.') }] })).corpus.id;
      const run = await c.api.runs.start({ kind: 'lm', corpusId: texts, preset: 'quick-adapt', config: { from: { kind: 'starter' } } });
      expect(run.config).toMatchObject({ from: { kind: 'dir', path: path.join(starter, 'model'), name: STARTER_MODEL } });
      expect(run.name).toBe('Oliver (fine-tuned 5 min)');
      expect(run.lineage).toEqual([STARTER_MODEL]);
      expect(run.trainedOn).toBe('Oliver');
      expect(run.config).toMatchObject({ embed: 4, hidden: 8, budget: { minutes: 5 } });
      await c.api.runs.cancel({ runId: run.id });

      // An encoder–decoder's starter is the dialogue model, whose architecture it takes over the preset's.
      const dialogue = await c.api.runs.start({ kind: 'seq2seq', task: 'dialogue', pairs: { kind: 'file', path: DIALOGUE_PAIRS }, preset: 'small', config: { from: { kind: 'starter' } } });
      expect(dialogue.config).toMatchObject({ from: { kind: 'dir', path: path.join(starter, 'dialogue'), name: STARTER_DIALOGUE_MODEL }, embed: 8, hidden: 8, attention: 'bahdanau', lr: 3e-4 });
      expect(dialogue.name).toBe('Dialogue (fine-tuned 5 min)');
      expect(dialogue.lineage).toEqual([STARTER_DIALOGUE_MODEL]);
      await c.api.runs.cancel({ runId: dialogue.id });

      // The Training pane sends no preset when it adapts an encoder–decoder: a budget over the fine-tuning settings.
      const pane = { kind: 'seq2seq', task: 'dialogue', pairs: { kind: 'file', path: DIALOGUE_PAIRS }, config: { from: { kind: 'starter' }, budget: { minutes: 5 } } } as const;
      expect(await c.api.runs.estimate(pane)).toMatchObject({ seconds: 300, basis: null });
      const adapted = await c.api.runs.start(pane);
      expect(adapted.config).toMatchObject({ from: { kind: 'dir', name: STARTER_DIALOGUE_MODEL }, embed: 8, hidden: 8, attention: 'bahdanau', lr: 3e-4, batch: 16, budget: { minutes: 5 } });
      await c.api.runs.cancel({ runId: adapted.id });
    } finally {
      c.close();
      await s.stop();
    }
  });
});

/** A tiny dialogue model trained in this process, its checkpoint copied to `dir`. */
async function trainedDialogue(dir: string): Promise<void> {
  await useBackend('cpu');
  const home = tempHome();
  const store = openStore(home);
  try {
    const runId = seq2seqRun(store, { budget: { steps: 2 }, attention: 'bahdanau' });
    await trainRun(store, runId);
    fs.cpSync(path.join(home, store.checkpoints.last(runId)!.path), dir, { recursive: true });
  } finally {
    store.close();
  }
}
