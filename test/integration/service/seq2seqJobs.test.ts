/**
 * The service with the worker's built-in seq2seq jobs (no test doubles): tiny summarizer and dialogue models
 * train for real on the pairs fixtures (and on pairs mined from a corpus), their runs, metrics and checkpoints
 * land in SQLite, and summaries (with their attention matrix) and replies come from those checkpoints; a
 * summarizer is fine-tuned from one of them. Pause, resume, cancel and resuming after a restart work as for
 * language models; imported and damaged seq2seq
 * checkpoints are handled with clear contract errors.
 */
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiClient, Checkpoint } from '../../../src/contract/index.js';
import { b64, startService, tempHome, waitForEvent, waitForStatus, type TestService } from './helpers.js';
import { ipcClient, type IpcHarness } from './ipcClient.js';

const FIXTURES = path.join(import.meta.dirname, '../../fixtures/seq2seq');
const SUMMARIES = path.join(FIXTURES, 'summaries.jsonl');
const DIALOGUE = path.join(FIXTURES, 'dialogue.tsv');

const TINY = { embed: 16, hidden: 16, layers: 1, batch: 5, lr: 0.05, dropout: 0, validationFraction: 0, maxSourceLen: 64, maxTargetLen: 24 };
const ARTICLE = 'Harbour Lights\n\nMarguerite Okonkwo-Vale opened the old lighthouse as a bakery on Monday. The building had stood empty for twenty years.';

const rowSums = (attention: number[][]) => attention.map((row) => row.reduce((a, b) => a + b, 0));

describe('the service with the real seq2seq jobs', () => {
  let t: TestService;
  let h: IpcHarness;
  let api: ApiClient;
  let summarizer: Checkpoint;
  beforeAll(async () => {
    t = await startService({ workerJobsModule: undefined, workerEnv: { LONGHAND_BACKEND: 'wasm' } });
    h = ipcClient(t.service);
    api = h.api;
  });
  afterAll(async () => {
    h?.close();
    await t?.stop();
  });

  const best = async (runId: number) => {
    const details = await api.runs.get({ runId });
    const found = details.checkpoints.find((c) => c.isBest);
    expect(found).toBeDefined();
    return found!;
  };

  it('trains a summarizer from a pairs file: run, metrics and checkpoint rows, files on disk', async () => {
    const run = await api.runs.start({
      kind: 'seq2seq',
      task: 'summarize',
      pairs: { kind: 'file', path: SUMMARIES },
      name: 'Tiny summarizer',
      preset: 'small',
      config: { ...TINY, budget: { steps: 40 } },
    });
    expect(run).toMatchObject({ kind: 'seq2seq', status: expect.stringMatching(/^(queued|running)$/), config: { task: 'summarize', copy: true, hidden: 16 } });
    await waitForStatus(t, run.id, 'finished', 60_000);

    const { store } = t.service;
    const row = store.runs.get(run.id)!;
    expect(row).toMatchObject({ kind: 'seq2seq', status: 'finished', error: null });
    expect(store.runs.progress(run.id)).toMatchObject({ step: 40, totalSteps: 40 });
    const losses = store.metrics.list(run.id).filter((m) => m.name === 'loss' && m.split === 'train');
    expect(losses.map((m) => m.step)).toEqual([10, 20, 30, 40]);
    expect(losses.at(-1)!.value).toBeLessThan(losses[0]!.value);
    const rows = store.checkpoints.listByRun(run.id);
    expect(rows.map((c) => c.step)).toEqual([40]);
    for (const c of rows) {
      const dir = path.join(t.home, c.path);
      expect(fs.readdirSync(dir).sort()).toEqual(expect.arrayContaining(['longhand.json', 'seq2seq.json', 'tokenizer.json', 'weights.bin']));
    }
    summarizer = await best(run.id);
    expect(summarizer).toMatchObject({ kind: 'seq2seq', task: 'summarize', step: 40 });
  });

  it("fine-tunes the summarizer in the worker: the child has its architecture whatever the preset and the writer say, and its lineage", async () => {
    const child = await api.runs.start({
      kind: 'seq2seq',
      task: 'summarize',
      pairs: { kind: 'file', path: SUMMARIES },
      preset: 'small',
      config: { hidden: 64, batch: 5, validationFraction: 0, budget: { steps: 4 }, from: { kind: 'checkpoint', checkpointId: summarizer.id } },
    });
    expect(child.config).toMatchObject({ from: { kind: 'checkpoint', checkpointId: summarizer.id, name: 'Tiny summarizer' }, embed: 16, hidden: 16, copy: true, maxSourceLen: 64, lr: 3e-4 });
    expect(child.name).toBe('Summarizer (fine-tuned 4 steps)');
    expect(child.lineage).toEqual(['Tiny summarizer']);
    await waitForStatus(t, child.id, 'finished', 60_000);
    expect(await best(child.id)).toMatchObject({ kind: 'seq2seq', task: 'summarize', step: 4 });
    // Its model is the parent's network, trained on: same vocabulary, same weight shapes.
    const files = (runId: number, step: number) => path.join(t.home, 'models', String(runId), String(step));
    const [parentSeq2seq, childSeq2seq] = [files(summarizer.runId, summarizer.step), files(child.id, 4)].map(
      (dir) => JSON.parse(fs.readFileSync(path.join(dir, 'seq2seq.json'), 'utf8')) as { config: Record<string, unknown>; weights: { tensors: unknown[] } },
    );
    expect(childSeq2seq!.weights.tensors).toEqual(parentSeq2seq!.weights.tensors);
    expect(fs.readFileSync(path.join(files(child.id, 4), 'tokenizer.json'), 'utf8')).toBe(fs.readFileSync(path.join(files(summarizer.runId, summarizer.step), 'tokenizer.json'), 'utf8'));
  });

  it('summarizes with the chosen model: tokens streamed, attention summary × source with rows summing to 1', async () => {
    await api.settings.update({ models: { summarizer: summarizer.id } });
    const tokens: string[] = [];
    const result = await api.generate.summarize({ text: ARTICLE, beam: 3, minLength: 3, maxLength: 20 }, { onToken: (x) => tokens.push(x) });
    expect(result.modelId).toBe(summarizer.id);
    expect(result.sourceTokens).toEqual(expect.arrayContaining(['Harbour', 'Lights', 'lighthouse', 'bakery']));
    expect(result.summaryTokens.length).toBeGreaterThanOrEqual(3);
    expect(result.summaryTokens.length).toBeLessThanOrEqual(20);
    expect(result.summary.length).toBeGreaterThan(0);
    expect(tokens.join('')).toBe(result.summary);
    expect(result.attention).toHaveLength(result.summaryTokens.length);
    for (const row of result.attention) expect(row).toHaveLength(result.sourceTokens.length);
    for (const sum of rowSums(result.attention)) expect(sum).toBeCloseTo(1, 3);
    expect(result.score).toBeLessThanOrEqual(0);
    expect(result.truncated).toBe(false);

    const long = await api.generate.summarize({ text: `${ARTICLE} ${'More words here. '.repeat(30)}`, beam: 1, maxLength: 5 });
    expect(long.truncated).toBe(true);
    expect(long.sourceTokens).toHaveLength(64);
    expect(long.summaryTokens.length).toBeLessThanOrEqual(5);
  });

  it('trains a dialogue model and replies with it', async () => {
    const run = await api.runs.start({
      kind: 'seq2seq',
      task: 'dialogue',
      pairs: { kind: 'file', path: DIALOGUE },
      name: 'Tiny dialogue',
      preset: 'small',
      config: { ...TINY, copy: false, budget: { steps: 60 } },
    });
    await waitForStatus(t, run.id, 'finished', 60_000);
    const model = await best(run.id);
    expect(model.task).toBe('dialogue');
    await api.settings.update({ models: { dialogue: model.id } });

    const tokens: string[] = [];
    const sampled = await api.generate.reply({ message: 'Shall we eat now?', history: [{ role: 'user', text: 'Hello.' }, { role: 'model', text: 'Hi.' }] }, { onToken: (x) => tokens.push(x) });
    expect(sampled.modelId).toBe(model.id);
    expect(typeof sampled.reply).toBe('string');
    expect(tokens.join('')).toBe(sampled.reply);
    expect(sampled.score).toBeLessThanOrEqual(0);
    const beam = await api.generate.reply({ message: 'Shall we eat now?', temperature: 0 });
    expect(beam.reply.length).toBeGreaterThan(0);
    expect((await api.generate.reply({ message: 'Shall we eat now?', temperature: 0 })).reply).toBe(beam.reply);

    // The summarizer pane refuses nothing seq2seq; a language-model request with a seq2seq model is refused.
    await expect(api.generate.complete({ modelId: model.id, text: 'Hello' })).rejects.toMatchObject({ name: 'ValidationError' });
    await expect(api.generate.reply({ message: '   ' })).rejects.toMatchObject({ name: 'ValidationError' });
  });

  it('trains on pairs mined from a corpus, and refuses a corpus that gives no pairs, or a broken pairs file, when the run is queued', async () => {
    const text = [
      '# The harbour',
      '',
      'The harbour was quiet that morning. Gulls circled over the boats. Nobody came to the market.',
      '',
      'By noon the wind had turned. The fishermen pulled their nets in early. Rain followed within the hour.',
      '',
      '# The bakery',
      '',
      'The bakery opened its doors at six. Bread cooled on the racks by the window. The queue reached the corner.',
    ].join('\n');
    const imported = await api.corpora.importFiles({ corpus: 'Harbour notes', files: [{ name: 'harbour.md', contentBase64: b64(text) }] });
    const run = await api.runs.start({ kind: 'seq2seq', task: 'summarize', pairs: { kind: 'mined', corpusId: imported.corpus.id }, preset: 'small', config: { ...TINY, budget: { steps: 10 } } });
    await waitForStatus(t, run.id, 'finished', 60_000);
    expect(t.service.store.checkpoints.listByRun(run.id).length).toBeGreaterThan(0);

    const plain = await api.corpora.importFiles({ corpus: 'Lists', files: [{ name: 'list.txt', contentBase64: b64('eggs\nflour\nbutter\n') }] });
    // Data is checked when the run is queued: refused at once, in one line, and no run is created.
    const runs = t.service.store.runs.list().length;
    await expect(
      api.runs.start({ kind: 'seq2seq', task: 'dialogue', pairs: { kind: 'mined', corpusId: plain.corpus.id }, preset: 'small', config: { ...TINY, budget: { steps: 10 } } }),
    ).rejects.toMatchObject({ name: 'ValidationError', message: expect.stringMatching(/no dialogue pairs could be mined from the corpus/) });

    const broken = path.join(tempHome(), 'broken.tsv');
    fs.writeFileSync(broken, 'source\ttarget\nHow was the trip?\tLong.\nno tab on this line\n');
    await expect(
      api.runs.start({ kind: 'seq2seq', task: 'dialogue', pairs: { kind: 'file', path: broken }, preset: 'small', config: { ...TINY, budget: { steps: 10 } } }),
    ).rejects.toMatchObject({ name: 'ValidationError', message: expect.stringMatching(/broken\.tsv: 1 malformed line \(line 3: /) });
    expect(t.service.store.runs.list()).toHaveLength(runs);
  });

  it('refuses settings the trainer cannot use when the run is started', async () => {
    const start = (config: Record<string, unknown>) =>
      api.runs.start({ kind: 'seq2seq', task: 'summarize', pairs: { kind: 'file', path: SUMMARIES }, preset: 'small', config: { ...TINY, ...config } });
    await expect(start({ cell: 'gru' })).rejects.toMatchObject({ name: 'ValidationError', message: expect.stringMatching(/LSTM/) });
    await expect(start({ hidden: 17 })).rejects.toMatchObject({ name: 'ValidationError', message: expect.stringMatching(/even hidden size/) });
  });

  it('pauses (checkpointed), resumes and cancels a seq2seq run', async () => {
    const run = await api.runs.start({ kind: 'seq2seq', task: 'summarize', pairs: { kind: 'file', path: SUMMARIES }, preset: 'small', config: { ...TINY, budget: { steps: 100_000 } } });
    await waitForEvent(t, 'run.progress', (p) => p.runId === run.id && p.step >= 5, 30_000);
    await api.runs.pause({ runId: run.id });
    const checkpoint = await waitForEvent(t, 'run.checkpoint', (p) => p.runId === run.id, 30_000);
    const paused = await api.runs.get({ runId: run.id });
    expect(paused.run.status).toBe('paused');
    expect(paused.checkpoints.map((c) => c.step)).toEqual([checkpoint.step]);
    // Paused means no more steps until it is resumed.
    const before = (await api.runs.get({ runId: run.id })).run.progress!.step;
    expect(before).toBeLessThanOrEqual(checkpoint.step);
    await new Promise((r) => setTimeout(r, 400));
    expect((await api.runs.get({ runId: run.id })).run.progress!.step).toBe(before);

    await api.runs.resume({ runId: run.id });
    await waitForEvent(t, 'run.progress', (p) => p.runId === run.id && p.step >= checkpoint.step + 5, 30_000);
    await api.runs.cancel({ runId: run.id });
    await waitForEvent(t, 'run.status', (p) => p.runId === run.id && p.status === 'cancelled');
    await expect.poll(() => t.service.training.activeRunId, { timeout: 10_000 }).toBeNull();
    expect(t.service.store.runs.get(run.id)!.status).toBe('cancelled');
  });

  it('imports a seq2seq checkpoint folder and summarizes with it; damaged ones give clear errors', async () => {
    const source = path.join(t.home, t.service.store.checkpoints.get(summarizer.id)!.path);
    const copy = path.join(tempHome(), 'my-summarizer');
    fs.cpSync(source, copy, { recursive: true });

    const imported = await api.checkpoints.import({ path: copy, name: 'Imported summarizer' });
    expect(imported).toMatchObject({ kind: 'seq2seq', task: 'summarize', step: 40, runName: 'Imported summarizer' });
    const importedRun = (await api.runs.get({ runId: imported.runId })).run;
    expect(importedRun).toMatchObject({ kind: 'seq2seq', status: 'finished', config: { task: 'summarize', hidden: 16, embed: 16, copy: true, attention: 'bahdanau' } });
    const result = await api.generate.summarize({ modelId: imported.id, text: ARTICLE, beam: 2, maxLength: 10 });
    expect(result.attention).toHaveLength(result.summaryTokens.length);

    // A folder whose weights were damaged after it was written: refused on import, with the file named.
    const damaged = path.join(tempHome(), 'damaged');
    fs.cpSync(source, damaged, { recursive: true });
    const weights = path.join(damaged, 'weights.bin');
    const bytes = fs.readFileSync(weights);
    bytes[10] = bytes[10]! ^ 0xff;
    fs.writeFileSync(weights, bytes);
    await expect(api.checkpoints.import({ path: damaged })).rejects.toMatchObject({ name: 'ValidationError', message: expect.stringMatching(/weights\.bin/) });
    fs.truncateSync(weights, 100);
    await expect(api.checkpoints.import({ path: damaged })).rejects.toMatchObject({ name: 'ValidationError', message: expect.stringMatching(/weights\.bin/) });

    // A stored checkpoint damaged on disk, or gone: Unavailable or NotFound, never a crash.
    const second = await api.checkpoints.import({ path: copy, name: 'Second copy' });
    const storedDir = path.join(t.home, t.service.store.checkpoints.get(second.id)!.path);
    fs.writeFileSync(path.join(storedDir, 'seq2seq.json'), '{"format": "longhand-seq2seq"}\n');
    await expect(api.generate.summarize({ modelId: second.id, text: ARTICLE })).rejects.toMatchObject({ name: 'Unavailable', message: expect.stringMatching(/seq2seq\.json/) });
    fs.rmSync(storedDir, { recursive: true });
    await expect(api.generate.summarize({ modelId: second.id, text: ARTICLE })).rejects.toMatchObject({ name: 'NotFound' });
  });
});

describe('a seq2seq run after the app stopped mid-run', () => {
  it('is interrupted, then resumes from its last checkpoint to the end of its budget', async () => {
    const home = tempHome();
    const first = await startService({ home, workerJobsModule: undefined, workerEnv: { LONGHAND_BACKEND: 'wasm' } });
    const h1 = ipcClient(first.service);
    let runId = 0;
    let pausedAt = 0;
    try {
      const run = await h1.api.runs.start({ kind: 'seq2seq', task: 'dialogue', pairs: { kind: 'file', path: DIALOGUE }, preset: 'small', config: { ...TINY, copy: false, budget: { steps: 80 } } });
      runId = run.id;
      await waitForEvent(first, 'run.progress', (p) => p.runId === run.id && p.step >= 10, 30_000);
      await h1.api.runs.pause({ runId });
      pausedAt = (await waitForEvent(first, 'run.checkpoint', (p) => p.runId === run.id, 30_000)).step;
    } finally {
      h1.close();
      await first.stop();
    }
    // A checkpoint written after the last recorded one (the app died before recording it) is not trusted.
    const runDir = path.join(home, 'models', String(runId));
    fs.cpSync(path.join(runDir, String(pausedAt)), path.join(runDir, '79'), { recursive: true });

    const second = await startService({ home, workerJobsModule: undefined, workerEnv: { LONGHAND_BACKEND: 'wasm' } });
    const h2 = ipcClient(second.service);
    try {
      expect((await h2.api.runs.get({ runId })).run.status).toBe('interrupted');
      await h2.api.runs.resume({ runId });
      await waitForStatus(second, runId, 'finished', 60_000);
      const { store } = second.service;
      expect(store.runs.progress(runId)).toMatchObject({ step: 80 });
      expect(store.checkpoints.listByRun(runId).map((c) => c.step)).toContain(80);
      const steps = store.metrics.list(runId).filter((m) => m.name === 'loss' && m.split === 'train').map((m) => m.step);
      expect(steps).toEqual([10, 20, 30, 40, 50, 60, 70, 80]);
      expect(fs.existsSync(path.join(runDir, '79'))).toBe(false);
      const events = second.events.filter((e) => e.name === 'run.progress' && (e.payload as { runId: number }).runId === runId);
      expect((events[0]!.payload as { step: number }).step).toBeGreaterThan(pausedAt);
    } finally {
      h2.close();
      await second.stop();
    }
  });
});
