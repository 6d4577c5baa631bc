import { describe, expect, it } from 'vitest';
import { tf } from '../../../src/compute/tf.js';
import { INTERRUPT } from '../../../src/train/task.js';
import { TrainingError, trainLanguageModel } from '../../../src/train/trainLanguageModel.js';
import { useBackend } from '../../helpers/tf.js';
import { TINY, shakespeare, useStore } from './helpers.js';

describe('trainLanguageModel', () => {
  const ctx = useStore();

  it('trains on a corpus of the store and records statuses, backend, metrics and the pause', async () => {
    await useBackend('cpu');
    const store = ctx.store();
    const corpus = store.corpora.create('plays');
    store.documents.add(corpus.id, { title: 'a', text: shakespeare().slice(0, 8000) });
    store.documents.add(corpus.id, { title: 'b', text: shakespeare().slice(8000) });
    const run = store.runs.create({ kind: 'lm', name: 'r', corpusId: corpus.id });
    const statuses: string[] = [];
    let pauseRequested = false;
    let samples = 0;
    const result = await trainLanguageModel(
      { runId: run.id, store, corpus: { kind: 'corpus', corpusId: corpus.id }, config: { ...TINY, sampleEvery: 4, budget: { steps: 8 } } },
      {
        get pauseRequested() {
          return pauseRequested;
        },
        waitIfPaused: () => (pauseRequested ? new Promise<void>((resolve) => setTimeout(() => resolve(void (pauseRequested = false)), 5)) : undefined),
        onStatus: (s) => statuses.push(s.status),
        onSample: (s) => void (samples += s.text.length > 0 ? 1 : 0),
        onProgress: (p) => {
          if (p.step === 5) pauseRequested = true;
        },
      },
    );
    expect(statuses).toEqual(['running', 'paused', 'running', 'finished']);
    expect(result).toMatchObject({ status: 'finished', backend: 'cpu', step: 8, totalSteps: 8 });
    expect(samples).toBe(1);
    const row = store.runs.get(run.id)!;
    expect(row).toMatchObject({ status: 'finished', backend: 'cpu', error: null });
    expect(row.config).toMatchObject({ embed: 8, hidden: 16, budget: { steps: 8 }, source: { kind: 'corpus', corpusId: corpus.id } });
    expect(store.metrics.list(run.id, { split: 'train', name: 'loss' })).toHaveLength(8);
    expect(store.metrics.list(run.id, { split: 'validation', name: 'loss' }).map((m) => m.step)).toEqual([5, 8]);
    expect(store.metrics.list(run.id, { split: 'test', name: 'loss' }).map((m) => m.step)).toEqual([8]);
    expect(store.checkpoints.last(run.id)!.step).toBe(8);
    expect(store.samples.latest(run.id, 10).map((s) => s.step)).toEqual([4]);
    expect(store.runs.progress(run.id)).toMatchObject({ step: 8, totalSteps: 8, valLoss: result.finalValLoss });
    expect(result.lastCheckpoint).toMatchObject({ step: 8, isLast: true });
  });

  it('trains a run the service queued: settings in the contract shape and the corpus from the row', async () => {
    await useBackend('cpu');
    const store = ctx.store();
    const corpus = store.corpora.create('plays');
    store.documents.add(corpus.id, { title: 'a', text: shakespeare() });
    const contractConfig = { level: 'char', embed: 8, hidden: 16, layers: 1, cell: 'lstm', batch: 4, seq: 16, lr: 0.01, dropout: 0, budget: { steps: 3 }, validationFraction: 0.2 };
    const run = store.runs.create({ kind: 'lm', name: 'queued', corpusId: corpus.id, config: contractConfig });
    const result = await trainLanguageModel({ runId: run.id, store, config: { evalMaxTokens: 500 } });
    expect(result).toMatchObject({ status: 'finished', step: 3, testLoss: null });
    expect(store.runs.get(run.id)!.config).toMatchObject({ hidden: 16, lr: 0.01, split: [0.8, 0.2, 0], evalMaxTokens: 500, source: { kind: 'corpus', corpusId: corpus.id } });
  });

  it('leaves no tensors behind (training, evaluation, samples, checkpoints, resume)', async () => {
    await useBackend('cpu');
    const store = ctx.store();
    const run = store.runs.create({ kind: 'lm', name: 'r' });
    const corpus = { kind: 'text' as const, text: shakespeare() };
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    await trainLanguageModel(
      { runId: run.id, store, corpus, config: { ...TINY, sampleEvery: 2, budget: { steps: 6 } } },
      { signal: controller.signal, onProgress: (p) => p.step === 5 && controller.abort(INTERRUPT) },
    );
    await trainLanguageModel({ runId: run.id, store, corpus, resume: true });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('fails a new run whose text is too short, with the reason in the row', async () => {
    await useBackend('cpu');
    const store = ctx.store();
    const run = store.runs.create({ kind: 'lm', name: 'r' });
    const result = await trainLanguageModel({ runId: run.id, store, corpus: { kind: 'text', text: 'Too short.' }, config: TINY });
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/^the text is too short: 9 training tokens/);
    expect(store.runs.get(run.id)).toMatchObject({ status: 'failed', error: result.error });
  });

  it('refuses to start a run twice or resume a finished one, leaving it alone', async () => {
    await useBackend('cpu');
    const store = ctx.store();
    const run = store.runs.create({ kind: 'lm', name: 'r' });
    const spec = { runId: run.id, store, corpus: { kind: 'text' as const, text: shakespeare() }, config: { ...TINY, budget: { steps: 2 } } };
    await trainLanguageModel(spec);
    await expect(trainLanguageModel(spec)).rejects.toThrow(/run 1 is finished, not queued/);
    await expect(trainLanguageModel({ ...spec, resume: true })).rejects.toThrow(TrainingError);
    await expect(trainLanguageModel({ runId: 99, store })).rejects.toThrow('there is no run 99');
  });

  it('refuses to resume on text that changed, and keeps the run resumable', async () => {
    await useBackend('cpu');
    const store = ctx.store();
    const run = store.runs.create({ kind: 'lm', name: 'r' });
    const controller = new AbortController();
    const text = shakespeare();
    await trainLanguageModel(
      { runId: run.id, store, corpus: { kind: 'text', text }, config: { ...TINY, budget: { steps: 10 } } },
      { signal: controller.signal, onProgress: (p) => p.step === 5 && controller.abort(INTERRUPT) },
    );
    await expect(trainLanguageModel({ runId: run.id, store, resume: true })).rejects.toThrow(/trained on text given directly/);
    await expect(trainLanguageModel({ runId: run.id, store, resume: true, corpus: { kind: 'text', text: `${text}!` } })).rejects.toThrow(
      /the training text has changed since the run started/,
    );
    expect(store.runs.get(run.id)!.status).toBe('interrupted');
    const resumed = await trainLanguageModel({ runId: run.id, store, resume: true, corpus: { kind: 'text', text } });
    expect(resumed).toMatchObject({ status: 'finished', resumedFromStep: 5, step: 10 });
  });
});
