/**
 * runs.start with a parent (fine-tuning) through the service: the run takes its parent's architecture and the
 * fine-tuning schedule over the preset's, and records the parent; a seq2seq or unknown parent, or a size that
 * differs from the parent's, is refused before a run exists. (The worker's jobs are the test doubles.)
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../src/contract/index.js';
import { b64, startService, waitForStatus, type TestService } from './helpers.js';
import { ipcClient, type IpcHarness } from './ipcClient.js';

describe('fine-tuning through the service', () => {
  let t: TestService;
  let h: IpcHarness;
  let api: ApiClient;
  let corpusId: number;
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

    const child = await api.runs.start({ kind: 'lm', corpusId, preset: 'small', config: { from: { kind: 'checkpoint', checkpointId: checkpoint.id } } });
    // The test jobs write models of embed 4 × hidden 8; the small preset says 64 × 256.
    expect(child.config).toMatchObject({ from: { kind: 'checkpoint', checkpointId: checkpoint.id }, embed: 4, hidden: 8, layers: 1, lr: 0.002, budget: { minutes: 5 } });
    expect(child.name).toBe('Texts (fine-tuned)');
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
    expect((await api.runs.list({})).runs).toHaveLength(before);
  });
});
