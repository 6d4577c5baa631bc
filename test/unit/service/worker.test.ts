import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/contract/index.js';
import { WorkerHost, type TrainingEvent } from '../../../src/worker/host.js';
import type { JobRegistry, LmTrainingSpec, TrainingHooks } from '../../../src/worker/jobs.js';
import { BACKEND, fakeSpawner } from './fakeWorker.js';

const spec = (runId: number): LmTrainingSpec => ({
  runId,
  name: 'r',
  kind: 'lm',
  outputDir: '/tmp/none',
  resumeFrom: null,
  backend: 'cpu',
  documents: [{ title: 't', text: 'abc' }],
  config: { level: 'char', embed: 8, hidden: 8, layers: 1, cell: 'lstm', seq: 8, batch: 1, lr: 0.01, dropout: 0, budget: { steps: 3 } },
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function until(check: () => boolean, timeoutMs = 2000): Promise<void> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => (check() ? resolve() : Date.now() - start > timeoutMs ? reject(new Error('timed out')) : setTimeout(tick, 5));
    tick();
  });
}

function host(jobs: Partial<JobRegistry>) {
  const events: TrainingEvent[] = [];
  const crashes: { reason: string; runId: number | null }[] = [];
  const spawner = fakeSpawner(jobs);
  const h = new WorkerHost({
    spawn: spawner,
    onTraining: (e) => events.push(e),
    onCrash: (c) => crashes.push(c),
    restartDelaysMs: [10],
    maxCrashes: 2,
  });
  h.start();
  return { h, events, crashes, spawner };
}

/** A job that steps until cancelled, checking for pause between steps. */
async function looping(_spec: LmTrainingSpec, hooks: TrainingHooks) {
  for (let step = 1; !hooks.signal.aborted; step++) {
    hooks.onProgress({ step, trainLoss: 1 / step, tokensPerSec: 1, etaSeconds: null, elapsedSeconds: step });
    if (hooks.pauseRequested) hooks.onCheckpoint({ step, dir: `/tmp/none/${step}`, sha256: 'a'.repeat(64), bytes: 1, metrics: { loss: Number.NaN }, isBest: true });
    await hooks.waitIfPaused();
    await sleep(2);
  }
  return { step: 0 };
}

describe('worker runtime and host', () => {
  it('reports the backend when ready', async () => {
    const { h } = host({});
    await expect(h.ready()).resolves.toEqual(BACKEND);
    expect(h.state).toBe('ready');
    await h.shutdown();
  });

  it('runs a training job to the end: throttled progress, the final one kept, then trainDone', async () => {
    const { h, events } = host({
      async trainLanguageModel(_s, hooks) {
        for (let step = 1; step <= 200; step++) {
          hooks.onProgress({ step, trainLoss: 1, tokensPerSec: 1, etaSeconds: null, elapsedSeconds: 0 });
          hooks.onMetrics([{ step, split: 'train', name: 'loss', value: step === 7 ? Number.NaN : 1 }]);
        }
        await hooks.waitIfPaused();
        return { step: 200 };
      },
    });
    await h.train(spec(1));
    await until(() => events.some((e) => e.type === 'trainDone'));
    const progress = events.filter((e) => e.type === 'progress');
    expect(progress.length).toBeLessThan(5);
    expect(progress.at(-1)).toMatchObject({ progress: { step: 200 } });
    const points = events.flatMap((e) => (e.type === 'metrics' ? e.points : []));
    expect(points).toHaveLength(200);
    expect(points[6]?.value).toBeNull();
    expect(events.at(-1)).toEqual({ type: 'trainDone', runId: 1, outcome: 'finished' });
    expect(h.trainingRunId).toBeNull();
    await h.shutdown();
  });

  it('pauses (checkpointing first), resumes and cancels a run', async () => {
    const { h, events } = host({ trainLanguageModel: looping });
    await h.train(spec(2));
    await until(() => events.some((e) => e.type === 'progress'));
    h.pause(2);
    await until(() => events.some((e) => e.type === 'checkpoint'));
    const checkpoint = events.find((e) => e.type === 'checkpoint');
    expect(checkpoint).toMatchObject({ metrics: { loss: null } });
    const before = events.length;
    await sleep(50);
    expect(events.length).toBe(before); // paused: nothing happens
    h.resume(2);
    await until(() => events.length > before);
    h.stop(2);
    await until(() => events.some((e) => e.type === 'trainDone'));
    expect(events.at(-1)).toEqual({ type: 'trainDone', runId: 2, outcome: 'cancelled' });
    await h.shutdown();
  });

  it('reports a failing job with its one-line reason', async () => {
    const { h, events } = host({
      async trainLanguageModel() {
        throw new Error('out of\nmemory');
      },
    });
    await h.train(spec(3));
    await until(() => events.some((e) => e.type === 'trainDone'));
    expect(events.at(-1)).toEqual({ type: 'trainDone', runId: 3, outcome: 'failed', error: 'out of memory' });
    await h.shutdown();
  });

  it('answers calls, streams tokens, and passes cancellation through to the job', async () => {
    let sawAbort = false;
    const { h } = host({
      loadModel: async () => ({ kind: 'lm', dispose: () => undefined }),
      async complete(_m, request, context) {
        context.onToken('he');
        context.onToken('llo');
        if (request.text === 'wait') {
          await new Promise<void>((resolve) => context.signal.addEventListener('abort', () => resolve()));
          sawAbort = true;
        }
        return { alternatives: [{ text: 'hello', score: -1 }] };
      },
    });
    const tokens: string[] = [];
    const checkpoint = { dir: '/x', sha256: 'b'.repeat(64), step: 1 };
    const output = await h.call('complete', { checkpoint, request: { text: 'hi', n: 1, maxTokens: 5 } }, { onToken: (t) => tokens.push(t) });
    expect(output).toEqual({ alternatives: [{ text: 'hello', score: -1 }] });
    expect(tokens).toEqual(['he', 'llo']);

    const controller = new AbortController();
    const pending = h.call('complete', { checkpoint, request: { text: 'wait', n: 1, maxTokens: 5 } }, { signal: controller.signal });
    await sleep(10);
    controller.abort();
    await expect(pending).rejects.toMatchObject({ name: 'Cancelled' });
    await until(() => sawAbort);
    await h.shutdown();
  });

  it('turns job errors into contract errors and refuses malformed call inputs', async () => {
    const { h } = host({});
    const checkpoint = { dir: '/x', sha256: 'b'.repeat(64), step: 1 };
    await expect(h.call('complete', { checkpoint, request: { text: 'hi', n: 1, maxTokens: 5 } })).rejects.toMatchObject({ name: 'NotFound', message: expect.stringContaining('/x') });
    await expect(h.call('complete', { checkpoint } as never)).rejects.toMatchObject({ name: 'ValidationError' });
    await h.shutdown();
  });

  it('on a crash: reports the training run, fails calls in flight, restarts, and works again', async () => {
    const { h, crashes, spawner, events } = host({
      trainLanguageModel: looping,
      loadModel: async () => ({ kind: 'lm', dispose: () => undefined }),
      complete: (_m, _r, context) => new Promise((resolve) => context.signal.addEventListener('abort', () => resolve({ alternatives: [] }))),
    });
    await h.train(spec(4));
    await until(() => events.some((e) => e.type === 'progress'));
    const checkpoint = { dir: '/x', sha256: 'b'.repeat(64), step: 1 };
    const inFlight = h.call('complete', { checkpoint, request: { text: 'x', n: 1, maxTokens: 1 } });
    await sleep(5);
    spawner.workers[0]!.crash('segfault');
    await expect(inFlight).rejects.toSatisfy((e: unknown) => e instanceof ApiError && e.name === 'Unavailable' && e.message.includes('segfault'));
    expect(crashes).toEqual([{ reason: 'segfault', runId: 4 }]);
    expect(h.trainingRunId).toBeNull();
    await expect(h.ready()).resolves.toEqual(BACKEND);
    expect(spawner.workers).toHaveLength(2);
    await h.shutdown();
  });

  it('gives up after too many crashes in a row, and says so', async () => {
    const { h, spawner } = host({});
    await h.ready();
    for (let i = 0; i < 3; i++) {
      await until(() => spawner.workers.length === i + 1);
      spawner.workers[i]!.crash('boom');
    }
    expect(h.state).toBe('broken');
    await expect(h.ready()).rejects.toThrow(/keeps stopping \(boom\)/);
    await h.shutdown();
  });
});
