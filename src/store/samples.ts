/** Short texts a run generates now and then while it trains, shown beside its loss curve. */
import { isoNow, type RepoContext } from './context.js';

export interface RunSampleRow {
  runId: number;
  step: number;
  text: string;
  createdAt: string;
}

export interface RunSamplesRepo {
  add(runId: number, step: number, text: string): RunSampleRow;
  /** The `limit` latest samples of a run (by step), oldest first. */
  latest(runId: number, limit: number): RunSampleRow[];
  /** Drops samples after `step` (a run resumed from a checkpoint at `step` makes them again). */
  deleteAfter(runId: number, step: number): number;
}

interface SampleDbRow {
  run_id: number;
  step: number;
  text: string;
  created_at: string;
}

const toSample = (r: SampleDbRow): RunSampleRow => ({ runId: r.run_id, step: r.step, text: r.text, createdAt: r.created_at });

export function runSamplesRepo(ctx: RepoContext): RunSamplesRepo {
  const { db } = ctx;
  const insert = db.prepare<[number, number, string, string], SampleDbRow>(
    'INSERT INTO run_samples (run_id, step, text, created_at) VALUES (?, ?, ?, ?) RETURNING run_id, step, text, created_at',
  );
  const selectLatest = db.prepare<[number, number], SampleDbRow>(
    `SELECT run_id, step, text, created_at FROM
       (SELECT * FROM run_samples WHERE run_id = ? ORDER BY step DESC, id DESC LIMIT ?)
     ORDER BY step, id`,
  );
  const delAfter = db.prepare<[number, number]>('DELETE FROM run_samples WHERE run_id = ? AND step > ?');

  return {
    add: (runId, step, text) => toSample(insert.get(runId, step, text, isoNow(ctx))!),
    latest: (runId, limit) => selectLatest.all(runId, limit).map(toSample),
    deleteAfter: (runId, step) => delAfter.run(runId, step).changes,
  };
}
