import { describe, expect, it } from 'vitest';
import { tf } from '../../../src/compute/tf.js';
import { INTERRUPT } from '../../../src/train/task.js';
import { TrainingError, trainRun } from '../../../src/train/trainRun.js';
import { useBackend } from '../../helpers/tf.js';
import { TINY, lmRun, shakespeare, useStore } from './helpers.js';

describe('trainRun (in-process, recorded)', () => {
  const ctx = useStore();

  it('trains a run on its corpus and records statuses, backend, metrics, samples, progress and the pause', async () => {
    await useBackend('cpu');
    const store = ctx.store();
    const { runId } = lmRun(store, [shakespeare().slice(0, 8000), shakespeare().slice(8000)], { sampleEvery: 4, budget: { steps: 8 } });
    const config = store.runs.get(runId)!.config;
    const statuses: string[] = [];
    let pauseRequested = false;
    let samples = 0;
    const result = await trainRun(store, runId, {
      get pauseRequested() {
        return pauseRequested;
      },
      waitIfPaused: () => (pauseRequested ? new Promise<void>((resolve) => setTimeout(() => resolve(void (pauseRequested = false)), 5)) : undefined),
      onStatus: (s) => statuses.push(s.status),
      onEvent: (e) => {
        if (e.type === 'sample') samples += e.text.length > 0 ? 1 : 0;
        if (e.type === 'progress' && e.progress.step === 5) pauseRequested = true;
      },
    });
    expect(statuses).toEqual(['running', 'paused', 'running', 'finished']);
    expect(result).toMatchObject({ status: 'finished', backend: 'cpu', step: 8, totalSteps: 8 });
    expect(samples).toBe(1);
    const row = store.runs.get(runId)!;
    expect(row).toMatchObject({ status: 'finished', backend: 'cpu', error: null });
    expect(row.config).toEqual(config);
    expect(store.metrics.list(runId, { split: 'train', name: 'loss' })).toHaveLength(8);
    expect(store.metrics.list(runId, { split: 'validation', name: 'loss' }).map((m) => m.step)).toEqual([5, 8]);
    expect(store.metrics.list(runId, { split: 'test', name: 'loss' }).map((m) => m.step)).toEqual([8]);
    expect(store.checkpoints.last(runId)!.step).toBe(8);
    expect(store.samples.latest(runId, 10).map((s) => s.step)).toEqual([4]);
    expect(store.runs.progress(runId)).toMatchObject({ step: 8, totalSteps: 8, valLoss: result.finalValLoss });
    expect(result.lastCheckpoint).toMatchObject({ step: 8, isLast: true });
  });

  it('trains a run whose stored config lacks the advanced settings (an older row): the defaults fill them', async () => {
    await useBackend('cpu');
    const store = ctx.store();
    const corpus = store.corpora.create('plays');
    store.documents.add(corpus.id, { title: 'a', text: shakespeare() });
    const old = { level: 'char', embed: 8, hidden: 16, layers: 1, cell: 'lstm', batch: 4, seq: 16, lr: 0.01, dropout: 0, budget: { steps: 3 }, validationFraction: 0.2, testFraction: 0, evalMaxTokens: 500 };
    const run = store.runs.create({ kind: 'lm', name: 'queued', corpusId: corpus.id, config: old });
    const result = await trainRun(store, run.id);
    expect(result).toMatchObject({ status: 'finished', step: 3, testLoss: null });
  });

  it('leaves no tensors behind (training, evaluation, samples, checkpoints, resume)', async () => {
    await useBackend('cpu');
    const store = ctx.store();
    const { runId } = lmRun(store, shakespeare(), { sampleEvery: 2, budget: { steps: 6 } });
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    await trainRun(store, runId, { signal: controller.signal, onEvent: (e) => e.type === 'progress' && e.progress.step === 5 && controller.abort(INTERRUPT) });
    await trainRun(store, runId, { resume: true });
    expect(tf.memory().numTensors).toBe(before);
  });

  it('fails a new run whose text is too short, with the reason in the row', async () => {
    await useBackend('cpu');
    const store = ctx.store();
    const { runId } = lmRun(store, 'Too short.');
    const result = await trainRun(store, runId);
    expect(result.status).toBe('failed');
    expect(result.error).toMatch(/^the text is too short: 9 training tokens/);
    expect(store.runs.get(runId)).toMatchObject({ status: 'failed', error: result.error });
  });

  it('refuses to start a run twice or resume a finished one, leaving it alone', async () => {
    await useBackend('cpu');
    const store = ctx.store();
    const { runId } = lmRun(store, shakespeare(), { budget: { steps: 2 } });
    await trainRun(store, runId);
    await expect(trainRun(store, runId)).rejects.toThrow(/run 1 is finished, not queued/);
    await expect(trainRun(store, runId, { resume: true })).rejects.toThrow(TrainingError);
    await expect(trainRun(store, 99)).rejects.toThrow('there is no run 99');
    expect(store.runs.get(runId)!.status).toBe('finished');
  });

  it('refuses to resume on text that changed, keeping the run resumable, and finishes once the text is back', async () => {
    await useBackend('cpu');
    const store = ctx.store();
    const text = shakespeare();
    const { runId, corpusId } = lmRun(store, text, { budget: { steps: 10 } });
    const controller = new AbortController();
    await trainRun(store, runId, { signal: controller.signal, onEvent: (e) => e.type === 'progress' && e.progress.step === 5 && controller.abort(INTERRUPT) });
    const [doc] = store.documents.list(corpusId);
    store.documents.remove(doc!.id);
    const changed = store.documents.add(corpusId, { title: 'changed', text: `${text}!` });
    await expect(trainRun(store, runId, { resume: true })).rejects.toThrow(/the training text has changed since the run started/);
    expect(store.runs.get(runId)!.status).toBe('interrupted');
    if (changed.status === 'added') store.documents.remove(changed.document.id);
    store.documents.add(corpusId, { title: 'back', text });
    const resumed = await trainRun(store, runId, { resume: true });
    expect(resumed).toMatchObject({ status: 'finished', resumedFromStep: 5, step: 10 });
  });

  it('fails a new run whose corpus is gone, and refuses to resume one, with one line', async () => {
    await useBackend('cpu');
    const store = ctx.store();
    const { runId, corpusId } = lmRun(store, shakespeare(), { ...TINY, budget: { steps: 4 } });
    store.corpora.remove(corpusId);
    const result = await trainRun(store, runId);
    expect(result).toMatchObject({ status: 'failed', error: 'its corpus was deleted' });
  });
});
