/**
 * RunRecorder: the only code that writes a run's record — its status, metrics, samples, latest progress and
 * checkpoint rows — whoever trains it (`longhand train` in-process, or the app's worker). It turns a job's events
 * (./jobSpec.ts) into rows, and contract events for the app, and it decides a run's final status from how its
 * job ended. Statuses move only along the store's transitions (RUN_TRANSITIONS in src/store/runs.ts):
 *
 *   queued → running ⇄ paused → finished | failed (reason) | cancelled;  running/paused → interrupted (resumable)
 */
import path from 'node:path';
import { type ApiEvent, RunProgress } from '../contract/index.js';
import { type CheckpointRow, type RunRow, type RunStatus, type Store, type TransitionOptions, canTransition } from '../store/index.js';
import type { KnownCheckpoint } from './checkpointDir.js';
import type { JobEvent, JobResult, SavedCheckpoint } from './jobSpec.js';

/** How often a running run's progress is written to its row (events go out at the job's pace). */
const PERSIST_PROGRESS_MS = 1000;

export const INTERRUPTED_BEFORE_END = 'stopped before the end; it can be resumed from its last checkpoint';

export interface RecorderOptions {
  /** The contract events of what changed (the app forwards them to its windows). */
  emit?: (event: ApiEvent) => void;
  /** Checkpoint rows about to be deleted (pruned, or dropped on resume): panes that use them use none. */
  forget?: (checkpointIds: number[]) => void;
}

export class RunRecorder {
  #latest: RunProgress | null = null;
  #savedAt = 0;

  constructor(
    readonly store: Store,
    readonly runId: number,
    private readonly options: RecorderOptions = {},
  ) {}

  get run(): RunRow {
    const row = this.store.runs.get(this.runId);
    if (!row) throw new Error(`run ${this.runId} is gone`);
    return row;
  }

  /** The latest progress: what the job last reported, or what the row holds. */
  get progress(): RunProgress | null {
    return this.#latest ?? runProgressOf(this.store.runs.progress(this.runId));
  }

  /** `models/<run>`: where the run's checkpoints are. */
  get checkpointDir(): string {
    return path.join(this.store.modelsDir, String(this.runId));
  }

  /** The run's checkpoints a job may resume from, in order of preference: the last, the best, the rest newest first. */
  knownCheckpoints(): KnownCheckpoint[] {
    const rows = [...this.store.checkpoints.listByRun(this.runId)];
    rows.sort((a, b) => Number(b.isLast) - Number(a.isLast) || Number(b.isBest) - Number(a.isBest) || b.step - a.step);
    return rows.map((row) => ({ step: row.step, dir: this.absolute(row), sha256: row.sha256 }));
  }

  /** Moves the run to `to` (a row update and a `run.status` event); throws InvalidTransitionError if it may not. */
  transition(to: RunStatus, options: TransitionOptions = {}): RunRow {
    const row = this.store.runs.transition(this.runId, to, options);
    this.options.emit?.({
      name: 'run.status',
      payload: { runId: row.id, status: row.status, ...(row.status === 'failed' && row.error ? { error: row.error } : {}) },
    });
    return row;
  }

  /** One event of the run's job. */
  record(event: JobEvent): void {
    switch (event.type) {
      case 'resumed':
        return this.#resumed(event);
      case 'progress': {
        const { sample, evaluated: _e, final, ...progress } = event.progress;
        this.#latest = progress;
        if (final || Date.now() - this.#savedAt >= PERSIST_PROGRESS_MS) this.persistProgress();
        this.options.emit?.({ name: 'run.progress', payload: { runId: this.runId, ...progress, ...(sample !== undefined ? { sample } : {}) } });
        return;
      }
      case 'metrics':
        this.store.metrics.add(this.runId, event.points);
        return;
      case 'sample':
        this.store.samples.add(this.runId, event.step, event.text);
        return;
      case 'checkpoint':
        return this.#checkpoint(event.checkpoint);
      case 'rolledBack':
        return this.#rolledBack(event);
      case 'paused': {
        const status = this.run.status;
        const to: RunStatus = event.paused ? 'paused' : 'running';
        if (status !== to && canTransition(status, to)) this.transition(to);
        if (event.paused) this.persistProgress();
        return;
      }
    }
  }

  /** Writes the latest progress to the row now (before a status change, at the end). */
  persistProgress(): void {
    if (!this.#latest) return;
    this.store.runs.setProgress(this.runId, { ...this.#latest });
    this.#savedAt = Date.now();
  }

  /**
   * The run's status after its job ended: finished (budget, early stop), failed (divergence, bad data),
   * interrupted (stopped to be resumed, or a resume whose data can be fixed), cancelled. A status someone else
   * already set — a cancel the app recorded when it was asked, an interrupt at shutdown — stays.
   */
  finish(result: JobResult): RunStatus {
    this.persistProgress();
    const status = this.run.status;
    const active = status === 'running' || status === 'paused';
    if (!active) return status;
    switch (result.outcome) {
      case 'completed':
      case 'early-stopped':
        // Only an abort ends the loop while paused, and paused → finished is not a transition.
        if (status === 'paused') this.transition('running');
        return this.transition('finished').status;
      case 'diverged':
        return this.transition('failed', { error: result.reason ?? 'training diverged' }).status;
      case 'failed':
        return this.transition(result.resumable ? 'interrupted' : 'failed', { error: result.reason ?? 'training failed' }).status;
      case 'cancelled':
        return this.transition('cancelled').status;
      case 'interrupted':
        return this.transition('interrupted', { error: INTERRUPTED_BEFORE_END }).status;
    }
  }

  /** The run failed outside its job (a crash, a fault): marked failed if its status allows; never throws. */
  fail(message: string): void {
    try {
      this.persistProgress();
      if (canTransition(this.run.status, 'failed')) this.transition('failed', { error: message });
    } catch {
      // the original problem matters more
    }
  }

  /** A checkpoint row as the job reported it (absolute directory). */
  saved(row: CheckpointRow): SavedCheckpoint & { id: number } {
    const metrics = Object.fromEntries(Object.entries(row.metrics).filter((e): e is [string, number] => typeof e[1] === 'number'));
    return { id: row.id, step: row.step, dir: this.absolute(row), sha256: row.sha256, bytes: row.bytes, metrics, isBest: row.isBest, isLast: row.isLast };
  }

  absolute(row: Pick<CheckpointRow, 'path'>): string {
    return path.resolve(path.dirname(this.store.file), row.path);
  }

  /** After the job chose where to continue: what came after it — metrics, samples, checkpoint rows — goes. */
  #resumed(event: Extract<JobEvent, { type: 'resumed' }>): void {
    const { store, runId } = this;
    const after = event.step ?? -1;
    store.metrics.deleteAfter(runId, after);
    store.samples.deleteAfter(runId, after);
    const rows = store.checkpoints.listByRun(runId);
    const kept = event.kept;
    const stale = rows.filter((row) => !kept || (row.step !== kept.best && row.step !== kept.last));
    this.#remove(stale);
    if (!kept) return;
    const left = store.checkpoints.listByRun(runId);
    const last = left.find((row) => row.step === kept.last);
    const best = left.find((row) => row.step === kept.best);
    if (last && !last.isLast) store.checkpoints.setLast(last.id);
    if (best && !best.isBest) store.checkpoints.setBest(best.id);
  }

  /**
   * A divergence the job recovered from: the steps after the checkpoint it went back to are trained again, so
   * their metrics, samples and checkpoint rows go (as on a resume); what happened stays in the record as two
   * train metrics at that step — `rolledBackFrom` (the step it diverged at) and `lrScale` (the learning rate's
   * new multiplier) — and in the result's warnings.
   */
  #rolledBack(event: Extract<JobEvent, { type: 'rolledBack' }>): void {
    const { store, runId } = this;
    store.transaction(() => {
      store.metrics.deleteAfter(runId, event.toStep);
      store.samples.deleteAfter(runId, event.toStep);
      this.#remove(store.checkpoints.listByRun(runId).filter((row) => event.prunedSteps.includes(row.step)));
      store.metrics.add(runId, [
        { step: event.toStep, split: 'train', name: 'rolledBackFrom', value: event.fromStep },
        { step: event.toStep, split: 'train', name: 'lrScale', value: event.lrScale },
      ]);
    });
    const left = store.checkpoints.listByRun(runId);
    const last = left.find((row) => row.step === event.toStep);
    if (last && !last.isLast) store.checkpoints.setLast(last.id);
    if (last && !left.some((row) => row.isBest)) store.checkpoints.setBest(last.id);
  }

  #checkpoint(c: SavedCheckpoint & { prunedSteps: number[] }): void {
    const { store, runId } = this;
    const dir = path.resolve(c.dir);
    const inside = path.relative(this.checkpointDir, dir);
    if (!inside || inside.startsWith('..') || path.isAbsolute(inside)) throw new Error(`run ${runId} reported a checkpoint outside its folder (${dir})`);
    const added = store.transaction(() => {
      const existing = store.checkpoints.listByRun(runId);
      // A row at this step already (a resumed run passing the step again) is replaced.
      this.#remove(existing.filter((row) => row.step === c.step || c.prunedSteps.includes(row.step)));
      return store.checkpoints.add({
        runId,
        step: c.step,
        path: path.relative(path.dirname(store.file), dir).split(path.sep).join('/'),
        sha256: c.sha256,
        bytes: c.bytes,
        metrics: c.metrics,
        isBest: c.isBest,
      });
    });
    this.options.emit?.({
      name: 'run.checkpoint',
      payload: { runId, checkpointId: added.id, step: added.step, isBest: added.isBest, isLast: added.isLast },
    });
  }

  #remove(rows: CheckpointRow[]): void {
    if (rows.length === 0) return;
    this.options.forget?.(rows.map((row) => row.id));
    for (const row of rows) this.store.checkpoints.remove(row.id);
  }
}

/** Stored progress as the contract's shape, or null when it is unreadable (another version wrote it). */
export function runProgressOf(raw: unknown): RunProgress | null {
  if (raw === null) return null;
  const parsed = RunProgress.safeParse(raw);
  return parsed.success ? parsed.data : null;
}
