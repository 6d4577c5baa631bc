/**
 * Training runs and their life: queued → running ⇄ paused → finished | failed | cancelled, and interrupted
 * (found running or paused at start-up; resumable). Every status change is one atomic row update that also
 * sets the timestamps, through `transition`.
 */
import { isoNow, type RepoContext } from './context.js';
import { InvalidTransitionError, NotFoundError, StoreError } from './errors.js';
import type { JsonObject, NewRun, RunKind, RunRow, RunStatus } from './types.js';

/** Which status may follow which. finished, failed and cancelled are final. */
export const RUN_TRANSITIONS: Readonly<Record<RunStatus, readonly RunStatus[]>> = {
  queued: ['running', 'cancelled', 'failed'],
  running: ['paused', 'finished', 'failed', 'cancelled', 'interrupted'],
  paused: ['running', 'cancelled', 'failed', 'interrupted'],
  interrupted: ['queued', 'running', 'cancelled', 'failed'],
  finished: [],
  failed: [],
  cancelled: [],
};

export const TERMINAL_STATUSES: readonly RunStatus[] = ['finished', 'failed', 'cancelled'];

export function canTransition(from: RunStatus, to: RunStatus): boolean {
  return RUN_TRANSITIONS[from].includes(to);
}

/** What markInterruptedRuns writes into `error`, so the UI can say why the run stopped. */
export const INTERRUPTED_REASON = 'Longhand stopped while this run was in progress; it can be resumed from its last checkpoint.';

interface RunDbRow {
  id: number;
  kind: RunKind;
  name: string;
  corpus_id: number | null;
  config: string;
  status: RunStatus;
  backend: string | null;
  created_at: string;
  started_at: string | null;
  finished_at: string | null;
  updated_at: string;
  error: string | null;
}

const toRun = (r: RunDbRow): RunRow => ({
  id: r.id,
  kind: r.kind,
  name: r.name,
  corpusId: r.corpus_id,
  config: JSON.parse(r.config) as JsonObject,
  status: r.status,
  backend: r.backend,
  createdAt: r.created_at,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  updatedAt: r.updated_at,
  error: r.error,
});

export interface TransitionOptions {
  /** Why it failed or stopped (stored for failed and interrupted; cleared when the run starts again). */
  error?: string;
  /** The compute backend the run is using (set when it starts). */
  backend?: string;
}

export interface RunFilter {
  status?: RunStatus | readonly RunStatus[];
  kind?: RunKind;
  corpusId?: number;
}

export interface RunsRepo {
  create(run: NewRun): RunRow;
  get(id: number): RunRow | undefined;
  /** Matching runs, oldest first. */
  list(filter?: RunFilter): RunRow[];
  /** Moves a run to `to`, setting timestamps; throws InvalidTransitionError if `RUN_TRANSITIONS` forbids it. */
  transition(id: number, to: RunStatus, options?: TransitionOptions): RunRow;
  /** At start-up: every run still 'running' or 'paused' (its process is gone) becomes 'interrupted'. */
  markInterruptedRuns(): RunRow[];
  updateConfig(id: number, config: JsonObject): RunRow;
  /** The run's latest progress as the service reports it (JSON), or null before its first step. */
  progress(id: number): JsonObject | null;
  /** Replaces the stored progress; does not touch updated_at (progress is not a state change). */
  setProgress(id: number, progress: JsonObject | null): void;
  /** Deletes the run with its metrics and checkpoint rows (not the model files). */
  remove(id: number): boolean;
}

export function runsRepo(ctx: RepoContext): RunsRepo {
  const { db } = ctx;
  const insert = db.prepare<unknown[], RunDbRow>(
    `INSERT INTO runs (kind, name, corpus_id, config, status, backend, created_at, updated_at)
     VALUES (?, ?, ?, ?, 'queued', ?, ?, ?) RETURNING *`,
  );
  const selectById = db.prepare<[number], RunDbRow>('SELECT * FROM runs WHERE id = ?');
  const update = db.prepare<Record<string, unknown>, RunDbRow>(
    `UPDATE runs SET
       status = @to,
       updated_at = @now,
       started_at = CASE WHEN @to = 'running' THEN coalesce(started_at, @now) ELSE started_at END,
       finished_at = CASE WHEN @terminal THEN @now WHEN @to = 'running' THEN NULL ELSE finished_at END,
       error = CASE WHEN @to IN ('failed', 'interrupted') THEN coalesce(@error, error)
                    WHEN @to IN ('running', 'queued') THEN NULL ELSE error END,
       backend = coalesce(@backend, backend)
     WHERE id = @id AND status = @from
     RETURNING *`,
  );
  const interrupt = db.prepare<[string, string], RunDbRow>(
    `UPDATE runs SET status = 'interrupted', updated_at = ?, error = coalesce(error, ?)
     WHERE status IN ('running', 'paused') RETURNING *`,
  );
  const setConfig = db.prepare<[string, string, number], RunDbRow>(
    'UPDATE runs SET config = ?, updated_at = ? WHERE id = ? RETURNING *',
  );
  const del = db.prepare<[number]>('DELETE FROM runs WHERE id = ?');
  const selectProgress = db.prepare<[number], string | null>('SELECT progress FROM runs WHERE id = ?').pluck();
  const updateProgress = db.prepare<[string | null, number]>('UPDATE runs SET progress = ? WHERE id = ?');

  const mustGet = (id: number): RunDbRow => {
    const row = selectById.get(id);
    if (!row) throw new NotFoundError(`no run with id ${id}`);
    return row;
  };

  return {
    create: (run) => {
      const now = isoNow(ctx);
      const row = insert.get(
        run.kind, run.name, run.corpusId ?? null, JSON.stringify(run.config ?? {}), run.backend ?? null, now, now,
      );
      if (!row) throw new StoreError(`could not create run "${run.name}"`);
      return toRun(row);
    },
    get: (id) => {
      const r = selectById.get(id);
      return r && toRun(r);
    },
    list: (filter = {}) => {
      const where: string[] = [];
      const params: unknown[] = [];
      if (filter.status !== undefined) {
        const statuses: readonly RunStatus[] = typeof filter.status === 'string' ? [filter.status] : filter.status;
        where.push(`status IN (${statuses.map(() => '?').join(', ') || 'NULL'})`);
        params.push(...statuses);
      }
      if (filter.kind !== undefined) {
        where.push('kind = ?');
        params.push(filter.kind);
      }
      if (filter.corpusId !== undefined) {
        where.push('corpus_id = ?');
        params.push(filter.corpusId);
      }
      const sql = `SELECT * FROM runs ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id`;
      return db.prepare<unknown[], RunDbRow>(sql).all(...params).map(toRun);
    },
    transition: (id, to, options = {}) =>
      db.transaction(() => {
        const from = mustGet(id).status;
        if (!canTransition(from, to)) throw new InvalidTransitionError(id, from, to);
        const row = update.get({
          id, from, to,
          now: isoNow(ctx),
          terminal: TERMINAL_STATUSES.includes(to) ? 1 : 0,
          error: options.error ?? null,
          backend: options.backend ?? null,
        });
        if (!row) throw new InvalidTransitionError(id, from, to);
        return toRun(row);
      }).immediate(),
    markInterruptedRuns: () =>
      db.transaction(() => interrupt.all(isoNow(ctx), INTERRUPTED_REASON).map(toRun)).immediate(),
    updateConfig: (id, config) => {
      const row = setConfig.get(JSON.stringify(config), isoNow(ctx), id);
      if (!row) throw new NotFoundError(`no run with id ${id}`);
      return toRun(row);
    },
    progress: (id) => {
      const text = selectProgress.get(id);
      return typeof text === 'string' ? (JSON.parse(text) as JsonObject) : null;
    },
    setProgress: (id, progress) => {
      updateProgress.run(progress === null ? null : JSON.stringify(progress), id);
    },
    remove: (id) => del.run(id).changes > 0,
  };
}
