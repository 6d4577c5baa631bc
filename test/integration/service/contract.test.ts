/**
 * The whole contract through Electron's IPC wiring (fake ipcMain, the real service with a real worker thread
 * running the test jobs): every area once, the way the renderer uses it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventPayload } from '../../../src/contract/index.js';
import { b64, startService, waitForStatus, type TestService } from './helpers.js';
import { ipcClient, type IpcHarness } from './ipcClient.js';

const FIXTURE_MODEL = path.resolve(import.meta.dirname, '../../fixtures/checkpoints/keras-char-lm');

describe('the contract over IPC', () => {
  let t: TestService;
  let h: IpcHarness;
  let outside: string;
  beforeAll(async () => {
    t = await startService();
    h = ipcClient(t.service);
    outside = fs.mkdtempSync(path.join(os.tmpdir(), 'longhand-outside-'));
  });
  afterAll(async () => {
    h?.close();
    await t?.stop();
    fs.rmSync(outside, { recursive: true, force: true });
  });

  it('refuses a foreign frame', async () => {
    await expect(h.foreign.corpora.list()).rejects.toMatchObject({ name: 'Unavailable', message: 'This page may not use Longhand.' });
  });

  it('corpora: create, import contents and paths, browse, rename, remove', async () => {
    const { api } = h;
    const changes: number[] = [];
    const off = api.on('corpora.changed', (p) => changes.push(p.corpusId));
    const created = await api.corpora.create({ name: 'Letters' });
    await expect(api.corpora.create({ name: 'Letters' })).rejects.toMatchObject({ name: 'Conflict' });

    const imported = await api.corpora.importFiles({
      corpus: created.id,
      files: [
        { name: 'one.txt', contentBase64: b64('Dear friend,\r\nthe weather is fine.') },
        { name: 'one-again.txt', contentBase64: b64('Dear friend,\nthe weather is fine.') },
        { name: 'photo.png', contentBase64: b64(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0, 0, 0])) },
        { name: 'empty.md', contentBase64: '' },
      ],
    });
    expect(imported.files.map((f) => f.status)).toEqual(['added', 'duplicate', 'refused', 'refused']);
    expect(imported.files[2]?.reason).toMatch(/binary/);
    expect(imported.corpus.documents).toBe(1);

    fs.writeFileSync(path.join(outside, 'two.md'), '# Two\n\nA second letter, longer than the first one.');
    fs.mkdirSync(path.join(outside, 'more'));
    fs.writeFileSync(path.join(outside, 'more', 'three.txt'), 'A third.');
    const byPath = await api.corpora.importPaths({ corpus: 'Letters', paths: [path.join(outside, 'two.md'), path.join(outside, 'more'), path.join(outside, 'missing.txt')] });
    expect(byPath.files.map((f) => [path.basename(f.name), f.status])).toEqual([
      ['two.md', 'added'],
      ['three.txt', 'added'],
      ['missing.txt', 'refused'],
    ]);

    const stats = await api.corpora.stats({ corpusId: created.id });
    expect(stats.documents).toBe(3);
    expect(stats.charset).toContain('D');
    const page = await api.corpora.documents({ corpusId: created.id, query: 'two', limit: 10 });
    expect(page.total).toBe(1);
    expect(page.documents[0]?.sourcePath).toBe(path.join(outside, 'two.md'));
    const preview = await api.corpora.preview({ documentId: page.documents[0]!.id, maxChars: 5 });
    expect(preview).toMatchObject({ text: '# Two', truncated: true });

    await expect(api.corpora.rename({ corpusId: created.id, name: 'Old letters' })).resolves.toMatchObject({ name: 'Old letters' });
    const removed = await api.corpora.removeDocument({ documentId: page.documents[0]!.id });
    expect(removed.documents).toBe(2);

    // A new corpus by name is created with its first accepted file, and not at all when none is.
    await expect(api.corpora.importFiles({ corpus: 'Nothing', files: [{ name: 'x.bin', contentBase64: b64('x') }] })).rejects.toMatchObject({
      name: 'ValidationError',
      message: expect.stringMatching(/Nothing was imported/),
    });
    expect((await api.corpora.list()).corpora.map((c) => c.name)).toEqual(['Old letters']);
    const temp = await api.corpora.create({ name: 'Temp' });
    await expect(api.corpora.remove({ corpusId: temp.id })).resolves.toEqual({ deleted: true });
    await expect(api.corpora.remove({ corpusId: temp.id })).rejects.toMatchObject({ name: 'NotFound' });

    // Every change, and only changes, told to every window: create, two imports, rename, a document removed;
    // then the temporary corpus created and removed. Refused calls changed nothing and said nothing.
    const c = created.id;
    await expect.poll(() => changes).toEqual([c, c, c, c, c, temp.id, temp.id]);
    off();
  });

  it('documents: drafts with autosave conflicts, search, and adding one to a corpus', async () => {
    const { api } = h;
    const draft = await api.documents.create({ title: 'Chapter one', text: 'It was a dark night.' });
    const saved = await api.documents.save({ id: draft.id, text: 'It was a dark and stormy night.', expectedUpdatedAt: draft.updatedAt });
    await new Promise((r) => setTimeout(r, 5));
    const elsewhere = await api.documents.save({ id: draft.id, title: 'Chapter 1', expectedUpdatedAt: saved.updatedAt });
    await expect(api.documents.save({ id: draft.id, text: 'stale', expectedUpdatedAt: saved.updatedAt })).rejects.toMatchObject({ name: 'Conflict' });
    expect((await api.documents.open({ id: draft.id })).text).toBe('It was a dark and stormy night.');
    expect(elsewhere.title).toBe('Chapter 1');
    const list = await api.documents.list({ query: 'stormy' });
    expect(list.documents.map((d) => d.id)).toEqual([draft.id]);
    expect(list.documents[0]?.words).toBe(7);
    const changes: number[] = [];
    const off = api.on('corpora.changed', (p) => changes.push(p.corpusId));
    const added = await api.documents.addToCorpus({ id: draft.id, corpus: 'Drafts' });
    await expect.poll(() => changes).toEqual([added.corpus.id]);
    off();
    expect(added.files[0]).toMatchObject({ name: 'Chapter 1', status: 'added' });
    const empty = await api.documents.create({});
    await expect(api.documents.addToCorpus({ id: empty.id, corpus: 'Drafts' })).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(api.documents.delete({ id: empty.id })).resolves.toEqual({ deleted: true });
    await expect(api.documents.open({ id: empty.id })).rejects.toMatchObject({ name: 'NotFound' });
  });

  it('runs: start from a preset, events, metrics, samples and checkpoints; then generate with it', async () => {
    const { api } = h;
    const corpus = (await api.corpora.list()).corpora.find((c) => c.name === 'Old letters')!;
    const statuses: string[] = [];
    const progress: EventPayload<'run.progress'>[] = [];
    const checkpoints: EventPayload<'run.checkpoint'>[] = [];
    const offs = [
      api.on('run.status', (p) => statuses.push(p.status)),
      api.on('run.progress', (p) => progress.push(p)),
      api.on('run.checkpoint', (p) => checkpoints.push(p)),
    ];
    await expect(api.runs.start({ kind: 'lm', corpusId: corpus.id, preset: 'enormous' })).rejects.toMatchObject({ name: 'ValidationError', message: expect.stringMatching(/small, medium, large/) });
    await expect(api.runs.start({ kind: 'lm', corpusId: corpus.id, config: { hidden: 64 } })).rejects.toMatchObject({ name: 'ValidationError', message: expect.stringMatching(/merged config/) });
    const run = await api.runs.start({ kind: 'lm', corpusId: corpus.id, preset: 'small', config: { budget: { steps: 7 }, hidden: 128 } });
    expect(run).toMatchObject({ name: 'Old letters (small)', config: { hidden: 128, embed: 64, budget: { steps: 7 } } });
    await waitForStatus(t, run.id, 'finished');
    await new Promise((r) => setTimeout(r, 20));
    offs.forEach((off) => off());
    expect(statuses).toEqual(['queued', 'running', 'finished']);
    expect(progress.at(-1)).toMatchObject({ runId: run.id, step: 7, totalSteps: 7 });
    expect(progress.some((p) => p.sample === 'sample at step 2')).toBe(true);
    expect(checkpoints.map((c) => c.step)).toEqual([3, 6, 7]);

    const got = await api.runs.get({ runId: run.id });
    expect(got.run).toMatchObject({ status: 'finished', backend: 'cpu', progress: { step: 7, bestValLoss: expect.any(Number) } });
    expect(got.checkpoints.map((c) => [c.step, c.isLast])).toEqual([[3, false], [6, false], [7, true]]);
    expect(got.samples).toEqual([{ step: 2, text: 'sample at step 2' }]);
    const metrics = await api.runs.metrics({ runId: run.id, names: ['loss'] });
    expect(metrics.series.map((s) => [s.split, s.steps.length])).toEqual([['train', 7], ['validation', 3]]);
    const since = await api.runs.metrics({ runId: run.id, splits: ['train'], sinceStep: 5 });
    expect(since.series[0]?.steps).toEqual([6, 7]);
    expect((await api.runs.list({ status: ['finished'] })).runs.map((r) => r.id)).toContain(run.id);

    const last = got.checkpoints.at(-1)!;
    await api.settings.update({ models: { editor: last.id } });
    const tokens: string[] = [];
    const completion = await api.generate.complete({ text: 'Dear', n: 2, maxTokens: 3 }, { onToken: (t) => tokens.push(t) });
    expect(completion.modelId).toBe(last.id);
    expect(completion.alternatives).toHaveLength(2);
    expect(tokens.join('')).toBe(completion.alternatives[0]!.text);
    const reply = await api.generate.reply({ modelId: last.id, message: 'hello there' });
    expect(reply.reply).toBe('echo: hello there');
    await expect(api.generate.summarize({ modelId: last.id, text: 'Long text.' })).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(api.generate.summarize({ text: 'Long text.' })).rejects.toMatchObject({ name: 'NotFound' });
  });

  it('generation keeps loaded models in the worker (one load per checkpoint)', async () => {
    const { api } = h;
    const first = await api.generate.complete({ text: '[loads]' });
    const second = await api.generate.complete({ text: '[loads]' });
    expect(first.alternatives[0]?.text).toBe(second.alternatives[0]?.text);
  });

  it('checkpoints: export (verified copy), import a TF.js Layers model, delete', async () => {
    const { api } = h;
    const { checkpoints } = await api.checkpoints.list({ kind: 'lm' });
    const chosen = checkpoints[0]!;
    const exported = await api.checkpoints.export({ checkpointId: chosen.id, folder: outside });
    expect(path.dirname(exported.path)).toBe(outside);
    expect(fs.readdirSync(exported.path).sort()).toEqual(['longhand.json', 'model.json', 'tokenizer.json', 'weights.bin']);
    const again = await api.checkpoints.export({ checkpointId: chosen.id, folder: outside });
    expect(again.path).toBe(`${exported.path}-2`);

    // Round trip: Longhand's own export comes back in as a new run with a verified copy.
    const reimported = await api.checkpoints.import({ path: exported.path, name: 'Round trip' });
    expect(reimported).toMatchObject({ runName: 'Round trip', kind: 'lm', step: chosen.step, isBest: true, isLast: true });

    const keras = await api.checkpoints.import({ path: path.join(FIXTURE_MODEL, 'model.json') });
    expect(keras).toMatchObject({ runName: 'keras-char-lm', kind: 'lm', step: 0 });
    const run = (await api.runs.get({ runId: keras.runId })).run;
    expect(run.status).toBe('finished');
    expect(fs.readdirSync(path.join(t.home, 'models', String(keras.runId), '0')).sort()).toEqual(['group1-shard1of2.bin', 'group1-shard2of2.bin', 'model.json', 'tokenizer.json']);

    await expect(api.checkpoints.import({ path: outside })).rejects.toMatchObject({ name: 'ValidationError', message: expect.stringMatching(/model\.json/) });

    await api.settings.update({ models: { dialogue: keras.id } });
    await expect(api.checkpoints.delete({ checkpointId: keras.id })).resolves.toEqual({ deleted: true });
    expect(fs.existsSync(path.join(t.home, 'models', String(keras.runId), '0'))).toBe(false);
    expect((await api.settings.get()).models.dialogue).toBeNull();
    await expect(api.checkpoints.delete({ checkpointId: keras.id })).rejects.toMatchObject({ name: 'NotFound' });
    await expect(api.runs.delete({ runId: reimported.runId })).resolves.toEqual({ deleted: true });
    expect(fs.existsSync(path.join(t.home, 'models', String(reimported.runId)))).toBe(false);
  });

  it('settings persist; presets and the system report come from the worker', async () => {
    const { api } = h;
    const settings = await api.settings.update({ theme: 'dark', completion: { delayMs: 400 } });
    expect(settings).toMatchObject({ theme: 'dark', completion: { delayMs: 400, alternatives: 3, maxTokens: 24 } });
    await expect(api.settings.update({ models: { editor: 99_999 } })).rejects.toMatchObject({ name: 'NotFound' });
    expect(t.service.store.settings.get('theme')).toBe('dark');
    expect((await api.settings.get()).welcome).toEqual({ dismissed: false });
    expect((await api.settings.update({ welcome: { dismissed: true } })).welcome).toEqual({ dismissed: true });
    expect(t.service.store.settings.get('welcome')).toEqual({ dismissed: true });

    const presets = await api.presets.list({ kind: 'lm', corpusId: (await api.corpora.list()).corpora[0]!.id });
    expect(presets.backend).toBe('cpu');
    expect(presets.presets.map((p) => p.name)).toEqual(['quick-adapt', 'long-adapt', 'small', 'medium', 'large']);
    expect(presets.presets.filter((p) => p.fineTune).map((p) => p.name)).toEqual(['quick-adapt', 'long-adapt']);
    const report = await api.system.report();
    expect(report).toMatchObject({ mode: 'cli', dataDir: t.home, backend: { chosen: 'cpu' } });
    // The backend in use says so; the others were not tried (LONGHAND_BACKEND chose cpu), which is not "no".
    expect(report.backend.candidates.map((c) => [c.name, c.status])).toEqual([
      ['tfjs-node-gpu', 'untried'],
      ['tfjs-node', 'untried'],
      ['wasm', 'untried'],
      ['cpu', 'in-use'],
    ]);
    expect(report.versions).toMatchObject({ node: process.versions.node, tfjs: '4.22.0' });
    expect(report.versions.sqlite).toMatch(/^3\./);
    // The worker's thread count: every core unless the worker's environment caps it.
    const cores = os.availableParallelism();
    expect(report.training).toMatchObject({ cores, threads: expect.any(Number) });
    expect(report.training!.parallelism).toMatch(report.training!.threads > 1 ? /model replicas in worker threads \(data parallelism on cpu/ : /^one thread/);
  });
});
