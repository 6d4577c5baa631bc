/**
 * Checkpoint rows of a run. Each run with checkpoints has exactly one best and one last: a new checkpoint
 * becomes last (unless told otherwise), the first one is also best until another is marked, and deleting
 * the best or last one hands the flag on (last → highest remaining step; best → the last).
 */
import { isoNow, type RepoContext } from './context.js';
import { NotFoundError, StoreError } from './errors.js';
import type { CheckpointRow, JsonObject, NewCheckpoint } from './types.js';

interface CheckpointDbRow {
  id: number;
  run_id: number;
  step: number;
  path: string;
  sha256: string;
  bytes: number;
  metrics: string;
  is_best: number;
  is_last: number;
  created_at: string;
}

const toCheckpoint = (r: CheckpointDbRow): CheckpointRow => ({
  id: r.id,
  runId: r.run_id,
  step: r.step,
  path: r.path,
  sha256: r.sha256,
  bytes: r.bytes,
  metrics: JSON.parse(r.metrics) as JsonObject,
  isBest: r.is_best === 1,
  isLast: r.is_last === 1,
  createdAt: r.created_at,
});

type Flag = 'is_best' | 'is_last';

export interface CheckpointsRepo {
  add(checkpoint: NewCheckpoint): CheckpointRow;
  get(id: number): CheckpointRow | undefined;
  /** A run's checkpoints by step. */
  listByRun(runId: number): CheckpointRow[];
  best(runId: number): CheckpointRow | undefined;
  last(runId: number): CheckpointRow | undefined;
  setBest(id: number): CheckpointRow;
  setLast(id: number): CheckpointRow;
  /** Deletes the row (the caller deletes the files); returns false if there was none. */
  remove(id: number): boolean;
}

export function checkpointsRepo(ctx: RepoContext): CheckpointsRepo {
  const { db } = ctx;
  const insert = db.prepare<unknown[], CheckpointDbRow>(
    `INSERT INTO checkpoints (run_id, step, path, sha256, bytes, metrics, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *`,
  );
  const selectById = db.prepare<[number], CheckpointDbRow>('SELECT * FROM checkpoints WHERE id = ?');
  const selectByRun = db.prepare<[number], CheckpointDbRow>('SELECT * FROM checkpoints WHERE run_id = ? ORDER BY step');
  const selectFlagged = {
    is_best: db.prepare<[number], CheckpointDbRow>('SELECT * FROM checkpoints WHERE run_id = ? AND is_best = 1'),
    is_last: db.prepare<[number], CheckpointDbRow>('SELECT * FROM checkpoints WHERE run_id = ? AND is_last = 1'),
  };
  // Clear first, then set: the partial unique indexes forbid two flagged rows even for a moment.
  const clearFlag = {
    is_best: db.prepare<[number]>('UPDATE checkpoints SET is_best = 0 WHERE run_id = ? AND is_best = 1'),
    is_last: db.prepare<[number]>('UPDATE checkpoints SET is_last = 0 WHERE run_id = ? AND is_last = 1'),
  };
  const raiseFlag = {
    is_best: db.prepare<[number]>('UPDATE checkpoints SET is_best = 1 WHERE id = ?'),
    is_last: db.prepare<[number]>('UPDATE checkpoints SET is_last = 1 WHERE id = ?'),
  };
  const highestStep = db.prepare<[number], number>(
    'SELECT id FROM checkpoints WHERE run_id = ? ORDER BY step DESC LIMIT 1',
  ).pluck();
  const del = db.prepare<[number]>('DELETE FROM checkpoints WHERE id = ?');

  const mustGet = (id: number): CheckpointDbRow => {
    const row = selectById.get(id);
    if (!row) throw new NotFoundError(`no checkpoint with id ${id}`);
    return row;
  };

  const flag = (row: CheckpointDbRow, which: Flag): void => {
    clearFlag[which].run(row.run_id);
    raiseFlag[which].run(row.id);
  };

  const setFlag = (id: number, which: Flag): CheckpointRow =>
    db.transaction(() => {
      flag(mustGet(id), which);
      return toCheckpoint(mustGet(id));
    }).immediate();

  return {
    add: (c) =>
      db.transaction(() => {
        const row = insert.get(
          c.runId, c.step, c.path, c.sha256, c.bytes, JSON.stringify(c.metrics ?? {}), isoNow(ctx),
        );
        if (!row) throw new StoreError(`could not add checkpoint at step ${c.step}`);
        if (c.isLast ?? true) flag(row, 'is_last');
        else if (!selectFlagged.is_last.get(c.runId)) flag(row, 'is_last');
        if (c.isBest || !selectFlagged.is_best.get(c.runId)) flag(row, 'is_best');
        return toCheckpoint(mustGet(row.id));
      }).immediate(),
    get: (id) => {
      const r = selectById.get(id);
      return r && toCheckpoint(r);
    },
    listByRun: (runId) => selectByRun.all(runId).map(toCheckpoint),
    best: (runId) => {
      const r = selectFlagged.is_best.get(runId);
      return r && toCheckpoint(r);
    },
    last: (runId) => {
      const r = selectFlagged.is_last.get(runId);
      return r && toCheckpoint(r);
    },
    setBest: (id) => setFlag(id, 'is_best'),
    setLast: (id) => setFlag(id, 'is_last'),
    remove: (id) =>
      db.transaction(() => {
        const row = selectById.get(id);
        if (!row) return false;
        del.run(id);
        if (row.is_last === 1) {
          const next = highestStep.get(row.run_id);
          if (next !== undefined) raiseFlag.is_last.run(next);
        }
        if (row.is_best === 1) {
          const last = selectFlagged.is_last.get(row.run_id);
          if (last) raiseFlag.is_best.run(last.id);
        }
        return true;
      }).immediate(),
  };
}
