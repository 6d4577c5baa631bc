import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  canTransition,
  INTERRUPTED_REASON,
  InvalidTransitionError,
  openDatabase,
  RUN_STATUSES,
  RUN_TRANSITIONS,
  type RunStatus,
  type Store,
} from '../../../src/store/index.js';
import { steppingClock, useTempDir } from './tempDir.js';

describe('runs', () => {
  const dir = useTempDir();
  let store: Store;
  beforeEach(() => {
    store = openDatabase(path.join(dir(), 'db.sqlite'), { now: steppingClock(Date.UTC(2025, 0, 1)) });
  });
  afterEach(() => store.close());

  const t = (seconds: number): string => new Date(Date.UTC(2025, 0, 1) + seconds * 1000).toISOString();

  it('creates a queued run with its config', () => {
    const run = store.runs.create({ kind: 'lm', name: 'first', config: { layers: 2, units: 256 } });
    expect(run).toEqual({
      id: 1,
      kind: 'lm',
      name: 'first',
      corpusId: null,
      config: { layers: 2, units: 256 },
      status: 'queued',
      backend: null,
      createdAt: t(1),
      startedAt: null,
      finishedAt: null,
      updatedAt: t(1),
      error: null,
    });
    expect(store.runs.get(1)).toEqual(run);
    expect(store.runs.updateConfig(1, { layers: 3 }).config).toEqual({ layers: 3 });
  });

  it('sets timestamps through the run’s life: queued → running ⇄ paused → finished', () => {
    const { id } = store.runs.create({ kind: 'lm', name: 'life' }); // t1
    const running = store.runs.transition(id, 'running', { backend: 'wasm' }); // t2
    expect(running).toMatchObject({ status: 'running', backend: 'wasm', startedAt: t(2), updatedAt: t(2), finishedAt: null });
    store.runs.transition(id, 'paused'); // t3
    const resumed = store.runs.transition(id, 'running'); // t4
    expect(resumed.startedAt).toBe(t(2)); // the first start is kept
    expect(resumed.updatedAt).toBe(t(4));
    const done = store.runs.transition(id, 'finished'); // t5
    expect(done).toMatchObject({ status: 'finished', finishedAt: t(5), error: null, backend: 'wasm' });
  });

  it('records the reason of a failure', () => {
    const { id } = store.runs.create({ kind: 'seq2seq', name: 'bad' });
    store.runs.transition(id, 'running');
    const failed = store.runs.transition(id, 'failed', { error: 'loss became NaN at step 40' });
    expect(failed).toMatchObject({ status: 'failed', error: 'loss became NaN at step 40' });
    expect(failed.finishedAt).not.toBeNull();
  });

  it('refuses transitions the life cycle does not allow, leaving the row unchanged', () => {
    const { id } = store.runs.create({ kind: 'lm', name: 'strict' });
    store.runs.transition(id, 'running');
    store.runs.transition(id, 'finished');
    const before = store.runs.get(id);
    expect(() => store.runs.transition(id, 'running')).toThrow(InvalidTransitionError);
    expect(() => store.runs.transition(id, 'running')).toThrow('run 1 cannot go from finished to running');
    expect(store.runs.get(id)).toEqual(before);
    expect(() => store.runs.transition(999, 'running')).toThrow(/no run with id 999/);
  });

  it('has a transition table covering every status, with final states final', () => {
    expect(Object.keys(RUN_TRANSITIONS).sort()).toEqual([...RUN_STATUSES].sort());
    for (const s of ['finished', 'failed', 'cancelled'] as RunStatus[]) {
      for (const to of RUN_STATUSES) expect(canTransition(s, to)).toBe(false);
    }
    expect(canTransition('queued', 'paused')).toBe(false);
    expect(canTransition('interrupted', 'running')).toBe(true);
  });

  it('markInterruptedRuns turns running and paused runs into interrupted ones, which can resume', () => {
    const running = store.runs.create({ kind: 'lm', name: 'running' });
    const paused = store.runs.create({ kind: 'lm', name: 'paused' });
    const queued = store.runs.create({ kind: 'lm', name: 'queued' });
    const done = store.runs.create({ kind: 'lm', name: 'done' });
    store.runs.transition(running.id, 'running');
    store.runs.transition(paused.id, 'running');
    store.runs.transition(paused.id, 'paused');
    store.runs.transition(done.id, 'running');
    store.runs.transition(done.id, 'finished');

    const changed = store.runs.markInterruptedRuns();
    expect(changed.map((r) => r.name).sort()).toEqual(['paused', 'running']);
    expect(changed.every((r) => r.status === 'interrupted' && r.error === INTERRUPTED_REASON)).toBe(true);
    expect(store.runs.get(queued.id)?.status).toBe('queued');
    expect(store.runs.get(done.id)?.status).toBe('finished');
    expect(store.runs.markInterruptedRuns()).toEqual([]);

    const resumed = store.runs.transition(running.id, 'running');
    expect(resumed).toMatchObject({ status: 'running', error: null });
  });

  it('lists by status, kind and corpus; removing a run removes its metrics and checkpoints', () => {
    const corpus = store.corpora.create('c');
    const a = store.runs.create({ kind: 'lm', name: 'a', corpusId: corpus.id });
    const b = store.runs.create({ kind: 'seq2seq', name: 'b' });
    store.runs.transition(b.id, 'running');
    expect(store.runs.list().map((r) => r.name)).toEqual(['a', 'b']);
    expect(store.runs.list({ status: 'running' }).map((r) => r.name)).toEqual(['b']);
    expect(store.runs.list({ status: ['queued', 'running'] })).toHaveLength(2);
    expect(store.runs.list({ status: [] })).toEqual([]);
    expect(store.runs.list({ kind: 'lm' }).map((r) => r.name)).toEqual(['a']);
    expect(store.runs.list({ corpusId: corpus.id }).map((r) => r.name)).toEqual(['a']);

    store.metrics.add(a.id, [{ step: 1, split: 'train', name: 'loss', value: 2 }]);
    store.checkpoints.add({ runId: a.id, step: 1, path: 'models/1/1', sha256: 'x', bytes: 1 });
    expect(store.runs.remove(a.id)).toBe(true);
    expect(store.metrics.list(a.id)).toEqual([]);
    expect(store.checkpoints.listByRun(a.id)).toEqual([]);
    // Ids are never reused: they name model directories.
    expect(store.runs.create({ kind: 'lm', name: 'c' }).id).toBe(3);
    store.runs.remove(3);
    expect(store.runs.create({ kind: 'lm', name: 'd' }).id).toBe(4);
  });
});
