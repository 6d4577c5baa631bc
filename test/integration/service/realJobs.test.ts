/**
 * The service with the worker's built-in jobs (no test doubles): a tiny language model is trained for real on
 * an imported corpus, its checkpoints land on disk and in SQLite, and the editor's completion request is
 * answered by that model.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient } from '../../../src/contract/index.js';
import { loadModel, suggest } from '../../../src/generate/index.js';
import { openStore } from '../../../src/store/index.js';
import { b64, startService, waitForStatus, type TestService } from './helpers.js';
import { ipcClient, type IpcHarness } from './ipcClient.js';

const TEXT = fs.readFileSync(path.join(import.meta.dirname, '../../fixtures/text/shakespeare-20k.txt'), 'utf8').slice(0, 20_000);

describe('the service with the real training and generation jobs', () => {
  let t: TestService;
  let h: IpcHarness;
  let api: ApiClient;
  beforeAll(async () => {
    t = await startService({ workerJobsModule: undefined });
    h = ipcClient(t.service);
    api = h.api;
  });
  afterAll(async () => {
    h?.close();
    await t?.stop();
  });

  it('trains a language model and completes text with it', async () => {
    const imported = await api.corpora.importFiles({ corpus: 'Plays', files: [{ name: 'plays.txt', contentBase64: b64(TEXT) }] });
    const config = { embed: 16, hidden: 32, layers: 1, seq: 32, batch: 8, budget: { steps: 30 } };
    const run = await api.runs.start({ kind: 'lm', corpusId: imported.corpus.id, name: 'tiny', preset: 'small', config });
    await waitForStatus(t, run.id, 'finished', 60_000);

    const details = await api.runs.get({ runId: run.id });
    expect(details.run.status).toBe('finished');
    const best = details.checkpoints.find((c) => c.isBest);
    expect(best).toBeDefined();
    const loss = await api.runs.metrics({ runId: run.id, names: ['loss'] });
    expect(loss.series.some((s) => s.split === 'train' && s.steps.length > 0)).toBe(true);

    const store = openStore(t.home);
    try {
      const rows = store.checkpoints.listByRun(run.id);
      expect(rows.length).toBeGreaterThan(0);
      for (const row of rows) expect(fs.existsSync(path.join(t.home, row.path, 'model.json'))).toBe(true);
    } finally {
      store.close();
    }

    await api.settings.update({ models: { editor: best!.id } });
    const request = { text: 'KING RICHARD:\nWhat say', n: 2, maxTokens: 12 };
    const completion = await api.generate.complete(request);
    // Exactly the suggestion function's answer for that checkpoint (a model this young may well be unsure: none).
    const expected = await suggestWith(path.join(t.home, openStoreRow(t.home, best!.id)), request);
    expect(completion.alternatives.map((a) => a.text)).toEqual(expected.map((a) => a.text));

    // While the writer types, the model reads the text so far: each call feeds only what was added since
    // (char level: one token a character), and the completion at the pause gives the same answer.
    const typed = 'KING RICHARD:\nNow is the winter of our';
    const read = await api.generate.prepare({ text: typed.slice(0, 20) });
    expect(read).toEqual({ modelId: best!.id, fed: expect.any(Number) as number });
    expect(read.fed).toBeGreaterThan(0);
    expect((await api.generate.prepare({ text: typed.slice(0, 20) })).fed).toBe(0);
    expect((await api.generate.prepare({ text: typed })).fed).toBe(typed.length - 20);
    const afterPrepare = await api.generate.complete({ text: typed, n: 2, maxTokens: 12 });
    const fresh = await suggestWith(path.join(t.home, openStoreRow(t.home, best!.id)), { text: typed, n: 2, maxTokens: 12 });
    expect(afterPrepare.alternatives.map((a) => a.text)).toEqual(fresh.map((a) => a.text));
  });
});

function openStoreRow(home: string, checkpointId: number): string {
  const store = openStore(home);
  try {
    return store.checkpoints.get(checkpointId)!.path;
  } finally {
    store.close();
  }
}

async function suggestWith(dir: string, request: { text: string; n: number; maxTokens: number }) {
  const handle = await loadModel(dir);
  try {
    return (await suggest(handle, { before: request.text, n: request.n, maxTokens: request.maxTokens })).alternatives;
  } finally {
    handle.dispose();
  }
}
