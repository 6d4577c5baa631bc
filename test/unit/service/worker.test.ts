import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src/contract/index.js';
import { resolveLmConfig } from '../../../src/train/config.js';
import { registerHoldable } from '../../../src/train/generationFirst.js';
import { SharedGradients } from '../../../src/train/parallel/sharedGradients.js';
import type { JobEvent, JobResult, LmJobSpec } from '../../../src/train/jobSpec.js';
import { WorkerHost } from '../../../src/worker/host.js';
import type { JobRegistry, TrainHooks } from '../../../src/worker/jobs.js';
import { BACKEND, fakeSpawner } from './fakeWorker.js';

const spec = (runId: number): LmJobSpec => ({
  runId,
  name: 'r',
  kind: 'lm',
  checkpointDir: '/tmp/none',
  resumeFrom: [],
  text: { kind: 'documents', documents: ['abc'] },
  config: resolveLmConfig({ embed: 8, hidden: 8, seq: 8, batch: 1, budget: { steps: 3 } }),
});

const ended = (outcome: JobResult['outcome'], step: number): JobResult => ({
  outcome,
  step,
  totalSteps: null,
  epoch: 0,
  resumedFromStep: null,
  trainLoss: null,
  finalValLoss: null,
  bestValLoss: null,
  testLoss: null,
  tokensPerSec: null,
  elapsedSeconds: 0,
  vocabSize: 0,
  parameters: 0,
  warnings: [],
});

const progress = (step: number) => ({
  type: 'progress' as const,
  progress: { step, totalSteps: null, epoch: null, trainLoss: 1 / step, valLoss: null, bestValLoss: null, tokensPerSec: 1, elapsedSeconds: step, etaSeconds: null },
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
  const crashes: { reason: string }[] = [];
  const spawner = fakeSpawner(jobs);
  const h = new WorkerHost({ spawn: spawner, onCrash: (c) => crashes.push(c), restartDelaysMs: [10], maxCrashes: 2 });
  h.start();
  return { h, crashes, spawner };
}

/** A job that steps until stopped, checkpointing before a pause, as the training loop does. */
async function looping(_spec: unknown, hooks: TrainHooks): Promise<JobResult> {
  let step = 1;
  for (; !hooks.signal.aborted; step++) {
    hooks.onEvent(progress(step));
    if (hooks.pauseRequested) {
      hooks.onEvent({ type: 'checkpoint', checkpoint: { step, dir: `/tmp/none/${step}`, sha256: 'a'.repeat(64), bytes: 1, metrics: { loss: Number.NaN }, isBest: true, isLast: true, prunedSteps: [] } });
      hooks.onEvent({ type: 'paused', paused: true });
    }
    await hooks.waitIfPaused().catch(() => undefined);
    await sleep(2);
  }
  return ended(hooks.signal.reason === 'longhand:interrupt' ? 'interrupted' : 'cancelled', step);
}

describe('worker runtime and host', () => {
  it('reports the backend when ready', async () => {
    const { h } = host({});
    await expect(h.ready()).resolves.toEqual(BACKEND);
    expect(h.state).toBe('ready');
    await h.shutdown();
  });

  it('runs a training job to the end: its events in order, validated, then its typed result', async () => {
    const { h } = host({
      async train(_s, hooks) {
        for (let step = 1; step <= 200; step++) {
          hooks.onEvent(progress(step));
          hooks.onEvent({ type: 'metrics', points: [{ step, split: 'train', name: 'loss', value: step === 7 ? Number.NaN : 1 }] });
        }
        await hooks.waitIfPaused();
        return ended('completed', 200);
      },
    });
    const events: JobEvent[] = [];
    const result = await h.call('train', spec(1), { onEvent: (e) => events.push(e) });
    expect(result).toEqual(ended('completed', 200));
    expect(events.filter((e) => e.type === 'progress')).toHaveLength(200);
    const points = events.flatMap((e) => (e.type === 'metrics' ? e.points : []));
    expect(points).toHaveLength(200);
    expect(points[6]?.value).toBeNaN();
    await h.shutdown();
  });

  it('pauses (checkpointing first), resumes, and cancels a run, which answers with how it ended', async () => {
    const { h } = host({ train: looping });
    const events: JobEvent[] = [];
    const controller = new AbortController();
    const done = h.call('train', spec(2), { id: 'train-2', signal: controller.signal, onEvent: (e) => events.push(e) });
    await until(() => events.some((e) => e.type === 'progress'));
    h.control('train-2', 'pause');
    await until(() => events.some((e) => e.type === 'paused'));
    const saved = events.find((e) => e.type === 'checkpoint');
    expect(saved?.type === 'checkpoint' && saved.checkpoint.metrics.loss).toBeNaN();
    const before = events.length;
    await sleep(50);
    expect(events.length).toBe(before); // paused: nothing happens
    h.control('train-2', 'resume');
    await until(() => events.length > before);
    controller.abort();
    await expect(done).resolves.toMatchObject({ outcome: 'cancelled' });
    await h.shutdown();
  });

  it('interrupts a training job (it ends resumable), and refuses a second one while one trains', async () => {
    const { h } = host({ train: looping });
    const first = h.call('train', spec(3), { id: 'train-3' });
    await sleep(20);
    await expect(h.call('train', spec(4))).rejects.toMatchObject({ name: 'Conflict' });
    h.control('train-3', 'interrupt');
    await expect(first).resolves.toMatchObject({ outcome: 'interrupted' });
    await h.shutdown();
  });

  it('reports a failing job with its one-line reason, and a result that does not fit the table as an error', async () => {
    const { h } = host({
      async train(s) {
        if (s.runId === 3) throw new Error('out of\nmemory');
        return { nonsense: true } as never;
      },
    });
    await expect(h.call('train', spec(3))).rejects.toMatchObject({ name: 'Internal', message: 'out of memory' });
    await expect(h.call('train', spec(4))).rejects.toMatchObject({ name: 'Internal', message: expect.stringContaining("the worker's train result") });
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
    const output = await h.call('complete', { checkpoint, request: { text: 'hi', n: 1, maxTokens: 5 } }, { onEvent: (e) => tokens.push(e.text) });
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

  it('holds the training replicas of its thread while it generates, and lets them go after, even on failure', async () => {
    const replicas = SharedGradients.create(2, 1);
    const unregister = registerHoldable(replicas);
    const heldDuring: boolean[] = [];
    const { h } = host({
      loadModel: async () => ({ kind: 'lm', dispose: () => undefined }),
      async complete(_m, request) {
        heldDuring.push(replicas.held);
        if (request.text === 'fail') throw new Error('no model');
        return { alternatives: [] };
      },
    });
    const checkpoint = { dir: '/x', sha256: 'b'.repeat(64), step: 1 };
    await h.call('complete', { checkpoint, request: { text: 'hi', n: 1, maxTokens: 5 } });
    expect(replicas.held).toBe(false);
    await expect(h.call('complete', { checkpoint, request: { text: 'fail', n: 1, maxTokens: 5 } })).rejects.toMatchObject({ message: 'no model' });
    expect(heldDuring).toEqual([true, true]);
    expect(replicas.held).toBe(false);
    unregister();
    await h.shutdown();
  });

  it('turns job errors into contract errors and refuses malformed call inputs', async () => {
    const { h } = host({});
    const checkpoint = { dir: '/x', sha256: 'b'.repeat(64), step: 1 };
    await expect(h.call('complete', { checkpoint, request: { text: 'hi', n: 1, maxTokens: 5 } })).rejects.toMatchObject({ name: 'NotFound', message: expect.stringContaining('/x') });
    await expect(h.call('complete', { checkpoint } as never)).rejects.toMatchObject({ name: 'ValidationError' });
    await h.shutdown();
  });

  it('on a crash: fails the calls in flight (the training job too), restarts, and works again', async () => {
    const { h, crashes, spawner } = host({
      train: looping,
      loadModel: async () => ({ kind: 'lm', dispose: () => undefined }),
      complete: (_m, _r, context) => new Promise((resolve) => context.signal.addEventListener('abort', () => resolve({ alternatives: [] }))),
    });
    const events: JobEvent[] = [];
    const training = h.call('train', spec(4), { onEvent: (e) => events.push(e) });
    await until(() => events.some((e) => e.type === 'progress'));
    const checkpoint = { dir: '/x', sha256: 'b'.repeat(64), step: 1 };
    const inFlight = h.call('complete', { checkpoint, request: { text: 'x', n: 1, maxTokens: 1 } });
    await sleep(5);
    spawner.workers[0]!.crash('segfault');
    await expect(inFlight).rejects.toSatisfy((e: unknown) => e instanceof ApiError && e.name === 'Unavailable' && e.message.includes('segfault'));
    await expect(training).rejects.toMatchObject({ name: 'Unavailable', message: expect.stringContaining('segfault') });
    expect(crashes).toEqual([{ reason: 'segfault' }]);
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
