import { describe, expect, it } from 'vitest';
import { type LoopProgress, runTrainingLoop } from '../../../src/train/loop.js';
import { INTERRUPT } from '../../../src/train/task.js';
import { FakeTask, MemoryCheckpointer, loopOptions } from './fakeTask.js';

describe('training loop budget', () => {
  it('runs exactly the step budget', async () => {
    const task = new FakeTask();
    const result = await runTrainingLoop(task, loopOptions(task, { budget: { steps: 7 } }));
    expect(result.outcome).toBe('completed');
    expect(task.step).toBe(7);
    expect(result.state.step).toBe(7);
    expect(result.state.tokens).toBe(700);
  });

  it('turns epochs into steps with the task’s steps per epoch', async () => {
    const task = new FakeTask({ stepsPerEpoch: 6 });
    const result = await runTrainingLoop(task, loopOptions(task, { budget: { epochs: 2.5 } }));
    expect(task.step).toBe(15);
    expect(result.state.step / task.stepsPerEpoch).toBe(2.5);
  });

  it('stops a minutes budget on the clock (evaluation time counts, pauses do not)', async () => {
    const task = new FakeTask({ stepMs: 1000, evalMs: 5000 });
    const result = await runTrainingLoop(task, loopOptions(task, { budget: { minutes: 1 }, evalEvery: 10 }));
    // 10 steps + 5 s of evaluation = 15 s per 10 steps: 40 steps take 60 s.
    expect(task.step).toBe(40);
    expect(result.state.elapsedMs).toBeGreaterThanOrEqual(60_000);
  });

  it('decays the learning rate over the wall-clock budget when the budget is in minutes', async () => {
    const task = new FakeTask({ stepMs: 1000 });
    await runTrainingLoop(task, loopOptions(task, { budget: { minutes: 1 }, schedule: { peak: 1, warmupSteps: 0, decay: 'linear', minFraction: 0 } }));
    expect(task.lrs[0]).toBe(1);
    expect(task.lrs[30]).toBeCloseTo(0.5, 10);
    expect(task.lrs.at(-1)).toBeCloseTo(1 / 60, 10);
  });

  it('warms up over the first steps, then decays to the floor at the last step', async () => {
    const task = new FakeTask();
    await runTrainingLoop(task, loopOptions(task, { budget: { steps: 12 }, schedule: { peak: 1, warmupSteps: 2, decay: 'cosine', minFraction: 0.1 } }));
    expect(task.lrs.slice(0, 3)).toEqual([0.5, 1, 1]);
    expect(task.lrs[11]).toBeCloseTo(0.1 + 0.9 * 0.5 * (1 + Math.cos(Math.PI * 0.9)), 10);
  });
});

describe('training loop guards', () => {
  it('stops early after `patience` evaluations without improvement', async () => {
    const vals = [3, 2, 2.5, 2.1, 2.2, 1.0];
    const task = new FakeTask({ valLoss: (k) => vals[k - 1]! });
    const cp = new MemoryCheckpointer();
    const result = await runTrainingLoop(task, loopOptions(task, { budget: { steps: 100 }, evalEvery: 5, patience: 3 }), {}, cp);
    expect(result.outcome).toBe('early-stopped');
    expect(task.step).toBe(25);
    expect(result.state.bestValLoss).toBe(2);
    expect(result.state.bestValStep).toBe(10);
    expect(result.reason).toMatch(/early stop at step 25/);
    // checkpoints: each improvement (5, 10) and the final one
    expect(cp.saves.map((c) => [c.step, c.isBest])).toEqual([[5, true], [10, true], [25, false]]);
  });

  it('fails on a NaN loss and saves nothing after it', async () => {
    const task = new FakeTask({ loss: (n) => (n === 8 ? NaN : 1) });
    const cp = new MemoryCheckpointer();
    const result = await runTrainingLoop(task, loopOptions(task, { budget: { steps: 50 }, checkpointEvery: 5 }), {}, cp);
    expect(result.outcome).toBe('diverged');
    expect(result.reason).toBe('diverged at step 8: loss is NaN');
    expect(cp.saves.map((c) => c.step)).toEqual([5]);
    expect(result.lastCheckpoint?.step).toBe(5);
  });

  it('fails on an infinite gradient norm', async () => {
    const task = new FakeTask({ gradNorm: (n) => (n === 3 ? Infinity : 1) });
    const result = await runTrainingLoop(task, loopOptions(task));
    expect(result.reason).toBe('diverged at step 3: gradient norm is Infinity');
  });

  it('fails when the smoothed loss rises past k × its best, and at least a nat above it', async () => {
    const task = new FakeTask({ loss: (n) => (n < 10 ? 1 : 6) });
    const result = await runTrainingLoop(task, loopOptions(task, { budget: { steps: 100 }, divergenceFactor: 4 }));
    expect(result.outcome).toBe('diverged');
    // smoothing 0.1: after k steps at 6 the average is 6 − 5 · 0.9^k, past 4 at k = 9 (step 18).
    expect(result.reason).toMatch(/^diverged at step 18: the smoothed loss rose to 4\.\d{3}, over 4× its best 1\.000/);
  });

  it('forgives a spike: a batch ten times the loss at a low loss is not divergence', async () => {
    const task = new FakeTask({ loss: (n) => (n % 50 === 0 ? 0.5 : 0.05) });
    const result = await runTrainingLoop(task, loopOptions(task, { budget: { steps: 200 }, divergenceFactor: 4 }));
    expect(result.outcome).toBe('completed');
  });
});

describe('training loop events', () => {
  it('sends one progress event per step and a final one that is never throttled', async () => {
    const task = new FakeTask();
    const events: LoopProgress[] = [];
    await runTrainingLoop(task, loopOptions(task, { budget: { steps: 9 }, evalEvery: 3 }), { onProgress: (p) => events.push(p) });
    expect(events).toHaveLength(10);
    expect(events.at(-1)).toMatchObject({ step: 9, final: true, totalSteps: 9, etaSeconds: 0 });
    expect(events.filter((e) => e.evaluated).map((e) => e.step)).toEqual([3, 6]);
    expect(events[3]).toMatchObject({ step: 4, epoch: 0.4, valLoss: 3, bestValLoss: 3 });
  });

  it('throttles progress but keeps evaluations, samples and the final event', async () => {
    const task = new FakeTask({ stepMs: 100 });
    const events: LoopProgress[] = [];
    const samples: number[] = [];
    await runTrainingLoop(task, loopOptions(task, { budget: { steps: 50 }, progressIntervalMs: 1000, evalEvery: 25, sampleEvery: 20 }), {
      onProgress: (p) => events.push(p),
      onSample: (s) => samples.push(s.step),
    });
    expect(samples).toEqual([20, 40]);
    expect(events.filter((e) => e.sample).map((e) => e.step)).toEqual([20, 40]);
    expect(events.filter((e) => e.evaluated).map((e) => e.step)).toEqual([25]);
    expect(events.at(-1)!.final).toBe(true);
    expect(events.length).toBeLessThan(12);
  });

  it('reports metrics in batches: train loss every logEvery steps, validation per evaluation, test at the end', async () => {
    const task = new FakeTask({ loss: (n) => n });
    const batches: { step: number; split: string; name: string; value: number }[][] = [];
    await runTrainingLoop(task, loopOptions(task, { budget: { steps: 6 }, logEvery: 3, evalEvery: 3, testAtEnd: true, divergenceFactor: 0 }), {
      onMetrics: (points) => batches.push(points),
    });
    const all = batches.flat();
    expect(all.filter((p) => p.name === 'loss' && p.split === 'train')).toMatchObject([
      { step: 3, value: 2 },
      { step: 6, value: 5 },
    ]);
    expect(all.filter((p) => p.split === 'validation' && p.name === 'loss').map((p) => p.step)).toEqual([3, 6]);
    expect(all.filter((p) => p.split === 'test')).toMatchObject([{ step: 6, name: 'loss', value: 9 }]);
    expect(batches.length).toBeGreaterThan(1);
  });
});

describe('training loop cancel and pause', () => {
  it('cancels between steps without a new checkpoint', async () => {
    const task = new FakeTask();
    const controller = new AbortController();
    const cp = new MemoryCheckpointer();
    const result = await runTrainingLoop(
      task,
      loopOptions(task, { budget: { steps: 100 }, checkpointEvery: 4 }),
      { signal: controller.signal, onProgress: (p) => p.step === 6 && controller.abort() },
      cp,
    );
    expect(result.outcome).toBe('cancelled');
    expect(task.step).toBe(6);
    expect(cp.saves.map((c) => c.step)).toEqual([4]);
  });

  it('lets timers, signals and messages in between steps, so a cancel from outside is seen', async () => {
    // Training steps are synchronous; a Ctrl-C handler or a worker message only runs if the loop yields to
    // the event loop, not just to microtasks.
    const task = new FakeTask();
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 0);
    const result = await runTrainingLoop(task, loopOptions(task, { budget: { steps: 100_000 } }), { signal: controller.signal }, new MemoryCheckpointer());
    // Seen within some event-loop turns (a 0 ms timer waits ≥ 1 ms), long before the budget's end.
    expect(result.outcome).toBe('cancelled');
    expect(task.step).toBeLessThan(100_000);
  });

  it('interrupts with a checkpoint at the current step', async () => {
    const task = new FakeTask();
    const controller = new AbortController();
    const cp = new MemoryCheckpointer();
    const result = await runTrainingLoop(
      task,
      loopOptions(task, { budget: { steps: 100 } }),
      { signal: controller.signal, onProgress: (p) => p.step === 6 && controller.abort(INTERRUPT) },
      cp,
    );
    expect(result.outcome).toBe('interrupted');
    expect(cp.saves.map((c) => c.step)).toEqual([6]);
    expect(task.saved[0]!.loopState.step).toBe(6);
  });

  it('pauses when asked: checkpoint, paused status, wait, and paused time left out of the budget', async () => {
    const task = new FakeTask();
    let pauseRequested = false;
    let release: () => void = () => undefined;
    const changes: boolean[] = [];
    const cp = new MemoryCheckpointer();
    const hooks = {
      get pauseRequested() {
        return pauseRequested;
      },
      waitIfPaused: () =>
        pauseRequested
          ? new Promise<void>((resolve) => {
              release = () => {
                pauseRequested = false;
                task.now += 3_600_000; // an hour paused
                resolve();
              };
              setTimeout(() => release(), 5);
            })
          : undefined,
      onPauseChange: (paused: boolean) => changes.push(paused),
      onProgress: (p: LoopProgress) => {
        if (p.step === 5) pauseRequested = true;
      },
    };
    const result = await runTrainingLoop(task, loopOptions(task, { budget: { minutes: 0.5 } }), hooks, cp);
    expect(changes).toEqual([true, false]);
    expect(cp.saves[0]!.step).toBe(5);
    expect(task.step).toBe(30);
    expect(result.state.elapsedMs).toBe(30_000);
  });

  it('treats a pause hook rejecting after the abort as a cancel', async () => {
    const task = new FakeTask();
    const controller = new AbortController();
    const result = await runTrainingLoop(task, loopOptions(task), {
      signal: controller.signal,
      waitIfPaused: () => {
        if (task.step === 3) {
          controller.abort();
          return Promise.reject(new Error('AbortError'));
        }
        return Promise.resolve();
      },
    });
    expect(result.outcome).toBe('cancelled');
    expect(task.step).toBe(3);
  });

  it('resumes from a saved loop state and continues the same schedule and counters', async () => {
    const straight = new FakeTask({ loss: (n) => 3 - n * 0.1 });
    const opts = { budget: { steps: 10 }, logEvery: 4, schedule: { peak: 1, warmupSteps: 3, decay: 'cosine' as const, minFraction: 0 } };
    const full = await runTrainingLoop(straight, loopOptions(straight, opts));

    const first = new FakeTask({ loss: (n) => 3 - n * 0.1 });
    const controller = new AbortController();
    const cp = new MemoryCheckpointer();
    await runTrainingLoop(first, loopOptions(first, opts), { signal: controller.signal, onProgress: (p) => p.step === 5 && controller.abort(INTERRUPT) }, cp);
    const second = new FakeTask({ loss: (n) => 3 - (n + 5) * 0.1 });
    const resumed = await runTrainingLoop(second, loopOptions(second, opts), {}, null, first.saved[0]!.loopState);
    expect([...first.lrs, ...second.lrs]).toEqual(straight.lrs);
    expect(resumed.state.smoothedLoss).toBeCloseTo(full.state.smoothedLoss!, 12);
    expect(resumed.state.step).toBe(10);
  });
});
