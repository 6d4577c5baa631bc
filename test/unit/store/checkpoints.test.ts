import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openDatabase, type Store } from '../../../src/store/index.js';
import { useTempDir } from './tempDir.js';

describe('checkpoints', () => {
  const dir = useTempDir();
  let store: Store;
  let runId: number;
  beforeEach(() => {
    store = openDatabase(path.join(dir(), 'db.sqlite'));
    runId = store.runs.create({ kind: 'lm', name: 'r' }).id;
  });
  afterEach(() => store.close());

  const add = (step: number, isBest?: boolean) =>
    store.checkpoints.add({
      runId,
      step,
      path: `models/${runId}/${step}`,
      sha256: `sha-${step}`,
      bytes: step * 10,
      metrics: { validationLoss: 1 / step },
      isBest,
    });
  const flags = () => store.checkpoints.listByRun(runId).map((c) => [c.step, c.isBest, c.isLast]);

  it('adds, reads and lists by step; the first checkpoint is best and last', () => {
    const first = add(100);
    expect(first).toMatchObject({ runId, step: 100, path: `models/${runId}/100`, sha256: 'sha-100', bytes: 1000 });
    expect(first.metrics).toEqual({ validationLoss: 0.01 });
    expect(first.isBest && first.isLast).toBe(true);
    expect(store.checkpoints.get(first.id)).toEqual(first);
  });

  it('keeps exactly one best and one last per run', () => {
    add(100);
    add(200);
    expect(flags()).toEqual([
      [100, true, false],
      [200, false, true],
    ]);
    const third = add(300, true);
    expect(flags()).toEqual([
      [100, false, false],
      [200, false, false],
      [300, true, true],
    ]);
    const firstId = store.checkpoints.listByRun(runId)[0]!.id;
    store.checkpoints.setBest(firstId);
    store.checkpoints.setLast(firstId);
    expect(flags()).toEqual([
      [100, true, true],
      [200, false, false],
      [300, false, false],
    ]);
    expect(store.checkpoints.best(runId)?.step).toBe(100);
    expect(store.checkpoints.last(runId)?.step).toBe(100);
    store.checkpoints.setLast(third.id);
    expect(store.checkpoints.last(runId)?.step).toBe(300);
  });

  it('flags are per run', () => {
    add(100);
    const other = store.runs.create({ kind: 'lm', name: 'other' }).id;
    const c = store.checkpoints.add({ runId: other, step: 5, path: 'p', sha256: 's', bytes: 1 });
    expect(c.isBest && c.isLast).toBe(true);
    expect(flags()).toEqual([[100, true, true]]);
  });

  it('deleting the best or last checkpoint hands the flag on', () => {
    const a = add(100);
    const b = add(200);
    const c = add(300);
    store.checkpoints.setBest(b.id);
    expect(store.checkpoints.remove(c.id)).toBe(true); // was last
    expect(flags()).toEqual([
      [100, false, false],
      [200, true, true],
    ]);
    expect(store.checkpoints.remove(b.id)).toBe(true); // was best and last
    expect(flags()).toEqual([[100, true, true]]);
    expect(store.checkpoints.remove(b.id)).toBe(false);
    expect(store.checkpoints.remove(a.id)).toBe(true);
    expect(store.checkpoints.best(runId)).toBeUndefined();
  });

  it('refuses two checkpoints at the same step of a run', () => {
    add(100);
    expect(() => add(100)).toThrow(/UNIQUE/);
    expect(flags()).toEqual([[100, true, true]]);
  });

  it('rejects setting a flag on a missing checkpoint', () => {
    expect(() => store.checkpoints.setBest(42)).toThrow(/no checkpoint with id 42/);
  });
});
