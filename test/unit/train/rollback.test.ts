/**
 * Divergence recovery in the generic job (src/train/job.ts), for any kind: a scripted kind whose task reports a
 * NaN or a sustained rise; the job goes back to the last good checkpoint (its directory is real), lowers the
 * learning rate once, goes on, reports it (a `rolledBack` event, a warning), and gives up on a second divergence.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CheckpointDigest } from '../../../src/model/checkpoint/index.js';
import type { ResumePoint } from '../../../src/train/checkpointDir.js';
import { DIVERGENCE_RECOVERY, FIRST_CHECKPOINT_MINUTES, resolveLmConfig } from '../../../src/train/config.js';
import { runKind } from '../../../src/train/job.js';
import type { JobEvent, LmJobSpec } from '../../../src/train/jobSpec.js';
import type { TrainingKind } from '../../../src/train/kind.js';
import type { LoopState, TaskCheckpoint } from '../../../src/train/task.js';
import { RunRecorder } from '../../../src/train/recorder.js';
import { FakeTask } from './fakeTask.js';
import { lmRun, useStore } from './helpers.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'longhand-rollback-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

/** A kind whose tasks share one script: `loss(step, attempt)`; checkpoints are files holding the loop state. */
function scriptedKind(loss: (step: number, attempt: number) => number, stepMs = 1000, valLoss?: (k: number) => number) {
  const tasks: FakeTask[] = [];
  const prepared: (number | null)[] = [];
  let now = 0;
  const kind: TrainingKind<LmJobSpec, ResumePoint> = {
    testAtEnd: false,
    async loadResumePoint(at) {
      const saved = JSON.parse(fs.readFileSync(path.join(at, 'state.json'), 'utf8')) as TaskCheckpoint;
      return { step: saved.step, loop: saved.loopState, dispose: () => undefined };
    },
    async prepare(spec, point) {
      const attempt = tasks.length;
      prepared.push(point?.step ?? null);
      const task = new FakeTask({ loss: (step) => loss(step, attempt), stepMs, splits: valLoss ? ['validation'] : [], ...(valLoss ? { valLoss } : {}) });
      task.step = point?.step ?? 0;
      // One clock for every attempt: time spent before a rollback stays spent.
      task.now = now;
      Object.defineProperty(task, 'now', { get: () => now, set: (v: number) => (now = v) });
      task.save = async (at: string, checkpoint: TaskCheckpoint): Promise<CheckpointDigest> => {
        fs.mkdirSync(at, { recursive: true });
        fs.writeFileSync(path.join(at, 'state.json'), JSON.stringify(checkpoint));
        task.saved.push(structuredClone(checkpoint));
        return { sha256: `sha${checkpoint.step}`, bytes: 1, files: {} };
      };
      tasks.push(task);
      return { task, settings: resolveLmConfig(spec.config), vocabSize: 1, parameters: 1, warnings: [] };
    },
  };
  return { kind, tasks, prepared, clock: () => now };
}

const spec = (config: object = {}): LmJobSpec => ({
  kind: 'lm',
  runId: 1,
  name: 'scripted',
  checkpointDir: dir,
  resumeFrom: [],
  config: resolveLmConfig({ budget: { steps: 60 }, checkpointEvery: 10, checkpointMinutes: 0, evalEvery: 0, warmupSteps: 0, decay: 'constant', lr: 0.01, ...config }),
  text: { kind: 'documents', documents: ['x'] },
});

function run(kind: ReturnType<typeof scriptedKind>, s = spec()) {
  const events: JobEvent[] = [];
  const result = runKind(kind.kind, s, { onEvent: (e) => events.push(e) }, { clock: kind.clock, progressIntervalMs: 0 });
  return { events, result };
}

const decreasing = (step: number) => 2 / Math.sqrt(step);

describe('divergence recovery', () => {
  it('goes back to the last checkpoint after a NaN, halves the learning rate, and finishes', async () => {
    const k = scriptedKind((step, attempt) => (attempt === 0 && step === 35 ? NaN : decreasing(step)));
    const { events, result } = run(k);
    const r = await result;
    expect(r.outcome).toBe('completed');
    expect(r.step).toBe(60);
    const back = events.filter((e) => e.type === 'rolledBack');
    expect(back).toEqual([{ type: 'rolledBack', fromStep: 35, toStep: 30, reason: 'diverged at step 35: loss is NaN', lrScale: DIVERGENCE_RECOVERY.lrFactor, prunedSteps: [] }]);
    expect(k.prepared).toEqual([null, 30]);
    // The first attempt trained at 0.01 up to its NaN; the second goes on from step 30 at half of it.
    expect(k.tasks[0]!.lrs).toEqual(Array(35).fill(0.01));
    expect(k.tasks[1]!.lrs).toEqual(Array(30).fill(0.005));
    expect(r.warnings).toEqual(['diverged at step 35: loss is NaN; went back to the checkpoint at step 30 and went on with the learning rate × 0.5']);
    // The halved rate and the rollback count are in the loop state of every later checkpoint (a resume keeps them).
    const last = k.tasks[1]!.saved.at(-1)!.loopState as LoopState;
    expect(last).toMatchObject({ step: 60, lrScale: 0.5, rollbacks: 1 });
    expect(fs.readdirSync(dir).sort()).toEqual(['60']);
  });

  it('gives up when it diverges again after the rollback', async () => {
    const k = scriptedKind((step) => (step === 35 ? Infinity : decreasing(step)));
    const { events, result } = run(k);
    const r = await result;
    expect(r.outcome).toBe('diverged');
    expect(r.reason).toBe('diverged at step 35: loss is Infinity');
    expect(events.filter((e) => e.type === 'rolledBack')).toHaveLength(DIVERGENCE_RECOVERY.rollbacks);
    expect(k.tasks).toHaveLength(2);
    // The last good checkpoint is still there for a resume.
    expect(fs.readdirSync(dir)).toContain('30');
  });

  it('skips the last checkpoint when it was written while the loss was already rising, for the best one', async () => {
    // Falls to 0.2 by step 20, then climbs steadily from step 21: the checkpoint at 40 is taken on the way up;
    // validation (every 10 steps) was best at step 20.
    const rise = (step: number, attempt: number) => (attempt > 0 || step <= 20 ? 0.2 + 1 / step : 0.25 + 0.12 * (step - 20));
    const k = scriptedKind(rise, 1000, (n) => (n <= 2 ? 1 / n : 5));
    const { events, result } = run(k, spec({ checkpointEvery: 10, evalEvery: 10 }));
    const r = await result;
    const back = events.find((e) => e.type === 'rolledBack');
    expect(back).toMatchObject({ type: 'rolledBack', toStep: 20, lrScale: 0.5, prunedSteps: [40] });
    expect((back as { reason: string }).reason).toMatch(/the smoothed loss rose to/);
    expect(r.outcome).toBe('completed');
    expect(k.prepared).toEqual([null, 20]);
  });

  it('starts again from step 0 when the run diverges before its first checkpoint', async () => {
    const k = scriptedKind((step, attempt) => (attempt === 0 && step === 5 ? NaN : decreasing(step)));
    const { events, result } = run(k, spec({ checkpointEvery: 0 }));
    const r = await result;
    expect(events.find((e) => e.type === 'rolledBack')).toMatchObject({ fromStep: 5, toStep: 0, lrScale: 0.5 });
    expect(k.prepared).toEqual([null, null]);
    expect(r).toMatchObject({ outcome: 'completed', step: 60 });
    // The minutes the diverged attempt took still count: 5 + 60 steps of one second.
    expect(r.elapsedSeconds).toBe(65);
  });

  it('saves a first checkpoint after FIRST_CHECKPOINT_MINUTES, long before the others are due', async () => {
    const k = scriptedKind(decreasing, 10_000);
    const { events, result } = run(k, spec({ checkpointEvery: 0, checkpointMinutes: 10, budget: { minutes: 30 } }));
    await result;
    const steps = events.flatMap((e) => (e.type === 'checkpoint' ? [e.checkpoint.step] : []));
    // 10 s steps: the first after 1 minute (step 6), then every 10 minutes (60 steps), then the end (180).
    expect(steps).toEqual([(FIRST_CHECKPOINT_MINUTES * 60) / 10, 66, 126, 180]);
  });
});

describe('a rollback in the run\'s record', () => {
  const ctx = useStore();

  it('drops what came after the checkpoint it went back to and records where it came from and the new scale', () => {
    const store = ctx.store();
    const { runId } = lmRun(store, 'some text to train on');
    const recorder = new RunRecorder(store, runId);
    const at = (step: number) => ({ step, dir: path.join(recorder.checkpointDir, String(step)), sha256: `s${step}`, bytes: 1, metrics: {}, isLast: true, prunedSteps: [] });
    recorder.record({ type: 'checkpoint', checkpoint: { ...at(10), isBest: true } });
    recorder.record({ type: 'checkpoint', checkpoint: { ...at(20), isBest: false } });
    recorder.record({ type: 'metrics', points: Array.from({ length: 25 }, (_, i) => ({ step: i + 1, split: 'train' as const, name: 'loss', value: 1 })) });
    recorder.record({ type: 'sample', step: 20, text: 'a sample' });
    recorder.record({ type: 'rolledBack', fromStep: 25, toStep: 10, reason: 'diverged at step 25: loss is NaN', lrScale: 0.5, prunedSteps: [20] });

    expect(store.metrics.list(runId, { name: 'loss', split: 'train' }).map((m) => m.step)).toEqual(Array.from({ length: 10 }, (_, i) => i + 1));
    expect(store.metrics.list(runId, { name: 'rolledBackFrom' }).map((m) => [m.step, m.value])).toEqual([[10, 25]]);
    expect(store.metrics.list(runId, { name: 'lrScale' }).map((m) => [m.step, m.value])).toEqual([[10, 0.5]]);
    expect(store.samples.latest(runId, 10)).toEqual([]);
    expect(store.checkpoints.listByRun(runId).map((r) => [r.step, r.isBest, r.isLast])).toEqual([[10, true, true]]);
  });
});
