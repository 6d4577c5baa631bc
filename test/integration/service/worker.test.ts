/**
 * Training off the main thread with a real worker thread: the main thread stays responsive while the worker
 * computes, runs queue one at a time and can be paused, resumed and cancelled, a generation call is cancelled in
 * the worker, a crash fails the run with its reason and the worker comes back, and a restart of the whole app
 * finds the run that was in progress interrupted and resumable.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../src/contract/index.js';
import { openStore } from '../../../src/store/index.js';
import { b64, startService, tempHome, waitForEvent, waitForStatus, type TestService } from './helpers.js';
import { ipcClient, type IpcHarness } from './ipcClient.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the worker', () => {
  let t: TestService;
  let h: IpcHarness;
  let api: ApiClient;
  let corpusId: number;
  beforeAll(async () => {
    t = await startService();
    h = ipcClient(t.service);
    api = h.api;
    const imported = await api.corpora.importFiles({ corpus: 'Texts', files: [{ name: 'a.txt', contentBase64: b64('The quick brown fox.') }] });
    corpusId = imported.corpus.id;
  });
  afterAll(async () => {
    h?.close();
    await t?.stop();
  });

  it('keeps the main thread responsive while a CPU-bound job trains', async () => {
    const run = await api.runs.start({ kind: 'lm', corpusId, name: 'busy', preset: 'small', config: { budget: { steps: 25 } } });
    await waitForEvent(t, 'run.progress', (p) => p.runId === run.id);
    const times: number[] = [];
    for (let i = 0; i < 10; i++) {
      const started = performance.now();
      await api.corpora.list();
      times.push(performance.now() - started);
      await sleep(20);
    }
    expect(Math.max(...times)).toBeLessThan(100);
    const during = await api.runs.get({ runId: run.id });
    expect(during.run.status).toBe('running');
    await waitForStatus(t, run.id, 'finished');
  });

  it('trains one run at a time: the next waits queued, then starts', async () => {
    const first = await api.runs.start({ kind: 'lm', corpusId, name: 'slow one', preset: 'small', config: { budget: { steps: 6 } } });
    const second = await api.runs.start({ kind: 'lm', corpusId, name: 'second', preset: 'small', config: { budget: { steps: 2 } } });
    expect(second.status).toBe('queued');
    expect(t.service.training.queue()).toEqual([second.id]);
    await waitForStatus(t, first.id, 'finished');
    await waitForStatus(t, second.id, 'finished');
    const order = t.events.filter((e) => e.name === 'run.status' && [first.id, second.id].includes(e.payload.runId)).map((e) => `${(e.payload as { runId: number }).runId}:${(e.payload as { status: string }).status}`);
    expect(order.indexOf(`${second.id}:running`)).toBeGreaterThan(order.indexOf(`${first.id}:finished`));
  });

  it('pauses after a checkpoint, resumes, and cancels', async () => {
    const run = await api.runs.start({ kind: 'lm', corpusId, name: 'slow', preset: 'small', config: { budget: { steps: 400 } } });
    await waitForEvent(t, 'run.progress', (p) => p.runId === run.id && p.step >= 2);
    const paused = await api.runs.pause({ runId: run.id });
    expect(paused.status).toBe('paused');
    await waitForEvent(t, 'run.checkpoint', (p) => p.runId === run.id);
    await sleep(150);
    const step = (await api.runs.get({ runId: run.id })).run.progress?.step ?? 0;
    await sleep(200);
    expect((await api.runs.get({ runId: run.id })).run.progress?.step).toBe(step);
    expect((await api.runs.resume({ runId: run.id })).status).toBe('running');
    await waitForEvent(t, 'run.progress', (p) => p.runId === run.id && p.step > step + 1);
    const cancelled = await api.runs.cancel({ runId: run.id });
    expect(cancelled.status).toBe('cancelled');
    await expect(api.runs.resume({ runId: run.id })).rejects.toMatchObject({ name: 'Conflict' });
    // Its checkpoints stay; the next run starts once the worker has let go of this one.
    expect((await api.checkpoints.list({ runId: run.id })).checkpoints.length).toBeGreaterThan(0);
    const next = await api.runs.start({ kind: 'lm', corpusId, preset: 'small', config: { budget: { steps: 2 } } });
    await waitForStatus(t, next.id, 'finished');
  });

  it('drops the rows of checkpoints the trainer pruned, and unsets panes that used them', async () => {
    const run = await api.runs.start({ kind: 'lm', corpusId, name: 'prune slow', preset: 'small', config: { budget: { steps: 7 } } });
    const first = await waitForEvent(t, 'run.checkpoint', (p) => p.runId === run.id);
    await api.settings.update({ models: { editor: first.checkpointId } });
    await waitForStatus(t, run.id, 'finished');
    const { checkpoints } = await api.runs.get({ runId: run.id });
    expect(checkpoints.map((c) => c.step)).toEqual([7]);
    expect((await api.settings.get()).models.editor).toBeNull();
  });

  it('reports a failing job as failed with its reason', async () => {
    const run = await api.runs.start({ kind: 'lm', corpusId, name: 'fail', preset: 'small', config: { budget: { steps: 5 } } });
    await expect(waitForStatus(t, run.id, 'failed')).resolves.toMatchObject({ error: 'test job failure' });
  });

  it('cancels a generation in the worker when the caller aborts', async () => {
    const { checkpoints } = await api.checkpoints.list({});
    const controller = new AbortController();
    const started = performance.now();
    const call = api.generate.complete({ modelId: checkpoints[0]!.id, text: '[slow]' }, { signal: controller.signal });
    await sleep(50);
    controller.abort();
    await expect(call).rejects.toMatchObject({ name: 'Cancelled' });
    // The worker stopped too: the next call is answered at once, not after the 2 s the slow one would take.
    await api.generate.complete({ modelId: checkpoints[0]!.id, text: 'quick' });
    expect(performance.now() - started).toBeLessThan(1500);
  });

  it('survives a worker crash: the run fails with the reason, the worker restarts, requests work', async () => {
    const run = await api.runs.start({ kind: 'lm', corpusId, name: 'crash', preset: 'small', config: { budget: { steps: 5 } } });
    const failed = await waitForStatus(t, run.id, 'failed');
    expect(failed.error).toMatch(/The Longhand worker stopped unexpectedly \(.*test worker crash.*\)/);
    expect((await api.runs.get({ runId: run.id })).run.error).toBe(failed.error);
    await t.service.worker.ready();
    const { checkpoints } = await api.checkpoints.list({});
    await expect(api.generate.complete({ modelId: checkpoints[0]!.id, text: 'x' })).resolves.toMatchObject({ modelId: checkpoints[0]!.id });
    const after = await api.runs.start({ kind: 'lm', corpusId, preset: 'small', config: { budget: { steps: 2 } } });
    await waitForStatus(t, after.id, 'finished');
  });
});

describe('restarting Longhand', () => {
  it('finds the run that was in progress interrupted, and resumes it from its last checkpoint', async () => {
    const home = tempHome();
    const first = await startService({ home });
    const firstApi = ipcClient(first.service);
    const corpus = await firstApi.api.corpora.importFiles({ corpus: 'Texts', files: [{ name: 'a.txt', contentBase64: b64('Hello world.') }] });
    const run = await firstApi.api.runs.start({ kind: 'lm', corpusId: corpus.corpus.id, name: 'slow', preset: 'small', config: { budget: { steps: 300 } } });
    await waitForEvent(first, 'run.checkpoint', (p) => p.runId === run.id && p.step >= 3);
    // Longhand dies: the worker is gone and the database closed, with no shutdown to record anything.
    firstApi.close();
    await first.service.worker.shutdown(100);
    first.service.store.close();
    const left = openStore(home);
    expect(left.runs.get(run.id)?.status).toBe('running');
    left.close();

    const second = await startService({ home });
    try {
      const api = ipcClient(second.service).api;
      const found = await api.runs.get({ runId: run.id });
      expect(found.run).toMatchObject({ status: 'interrupted', error: expect.stringMatching(/can be resumed/) });
      const resumeFrom = found.checkpoints.find((c) => c.isLast)!.step;
      const resumed = await api.runs.resume({ runId: run.id });
      expect(['queued', 'running']).toContain(resumed.status);
      const firstProgress = await waitForEvent(second, 'run.progress', (p) => p.runId === run.id);
      expect(firstProgress.step).toBe(resumeFrom + 1);
      // Metrics after the checkpoint it resumed from were dropped; the run makes them again.
      const train = (await api.runs.metrics({ runId: run.id, splits: ['train'] })).series[0]!;
      expect(new Set(train.steps).size).toBe(train.steps.length);
      await api.runs.cancel({ runId: run.id });
      expect(path.isAbsolute(home)).toBe(true);
    } finally {
      await second.stop();
    }
  });

  it('leaves alone a run that `longhand train` is training in another live process', async () => {
    const home = tempHome();
    const store = openStore(home);
    const config = { level: 'char', embed: 8, hidden: 8, layers: 1, cell: 'lstm', seq: 8, batch: 1, lr: 0.01, dropout: 0, budget: { steps: 5 } };
    const elsewhere = store.runs.create({ kind: 'lm', name: 'cli', config });
    const dead = store.runs.create({ kind: 'lm', name: 'dead', config });
    store.runs.transition(elsewhere.id, 'running');
    store.runs.transition(dead.id, 'running');
    store.close();
    fs.mkdirSync(path.join(home, 'models', String(elsewhere.id)), { recursive: true });
    // This test process stands in for the live `longhand train` process holding the lock.
    fs.writeFileSync(path.join(home, 'models', String(elsewhere.id), 'train.lock'), JSON.stringify({ pid: process.pid, host: os.hostname() }));
    const t = await startService({ home });
    try {
      expect(t.service.store.runs.get(elsewhere.id)?.status).toBe('running');
      expect(t.service.store.runs.get(dead.id)?.status).toBe('interrupted');
    } finally {
      await t.stop();
    }
    const after = openStore(home);
    expect(after.runs.get(elsewhere.id)?.status).toBe('running');
    after.close();
  });
});
