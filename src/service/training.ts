/**
 * The training queue. Runs live in SQLite; this decides which one the worker trains (one at a time, oldest
 * queued first), turns the worker's reports into rows (metrics, samples, checkpoints, progress) and events, and
 * moves runs through their statuses — each change one row update plus one `run.status` event:
 *
 *   queued → running ⇄ paused → finished | failed (reason) | cancelled;  running/paused → interrupted at
 *   shutdown (or found so at start-up), and interrupted → queued again on resume, from its last checkpoint.
 *
 * A worker that dies takes its run to failed with the reason; the host restarts the worker and the queue goes on.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ApiError, type EventPayload, type Run, type RunProgress } from '../contract/index.js';
import { INTERRUPTED_REASON, type RunRow, type RunStatus, type TransitionOptions } from '../store/index.js';
import type { TrainingSpec } from '../worker/jobs.js';
import type { TrainingEvent } from '../worker/host.js';
import type { ServiceContext } from './context.js';
import { conflict, notFound } from './errors.js';
import { runProgressOf, toRun } from './mapping.js';

/** How often a running run's progress is written to its row (events go out at the worker's pace). */
const PERSIST_PROGRESS_MS = 1000;

type ProgressEvent = EventPayload<'run.progress'>;

export class TrainingScheduler {
  readonly #ctx: ServiceContext;
  /** The run the worker is training (or winding down after a cancel), as far as the service knows. */
  #active: number | null = null;
  #starting = false;
  #stopped = false;
  readonly #live = new Map<number, RunProgress>();
  readonly #persistedAt = new Map<number, number>();
  readonly #stopRequested = new Set<number>();

  /** Panes that used these checkpoints (deleted or pruned) use none afterwards. */
  readonly #forgetCheckpoints: (ids: number[]) => void;

  constructor(ctx: ServiceContext, forgetCheckpoints: (ids: number[]) => void) {
    this.#ctx = ctx;
    this.#forgetCheckpoints = forgetCheckpoints;
  }

  get activeRunId(): number | null {
    return this.#active;
  }

  run(id: number): Run {
    const row = this.#ctx.store.runs.get(id);
    if (!row) throw notFound('run', id);
    return this.toRun(row);
  }

  toRun(row: RunRow): Run {
    return toRun(row, this.#progressOf(row.id));
  }

  /** Queued runs in the order they will train; a run's position is its index + 1. */
  queue(): number[] {
    return this.#ctx.store.runs.list({ status: 'queued' }).map((r) => r.id);
  }

  /** A new run row was created (queued): announce it and maybe start it. */
  enqueued(row: RunRow): void {
    this.#emitStatus(row);
    this.kick();
  }

  pause(id: number): Run {
    const row = this.#mustGet(id);
    if (row.status === 'paused') return this.toRun(row);
    if (row.status !== 'running') throw conflict(`Run ${id} is ${row.status}; only a running run can be paused.`);
    const paused = this.#transition(id, 'paused');
    this.#ctx.worker.pause(id);
    return this.toRun(paused);
  }

  resume(id: number): Run {
    const row = this.#mustGet(id);
    if (row.status === 'running' || row.status === 'queued') return this.toRun(row);
    if (row.status === 'paused' && this.#active === id && this.#ctx.worker.trainingRunId === id) {
      const running = this.#transition(id, 'running');
      this.#ctx.worker.resume(id);
      return this.toRun(running);
    }
    if (row.status === 'paused') this.#transition(id, 'interrupted', { error: INTERRUPTED_REASON });
    else if (row.status !== 'interrupted') throw conflict(`Run ${id} is ${row.status}; only a paused or interrupted run can be resumed.`);
    const queued = this.#transition(id, 'queued');
    this.kick();
    return this.toRun(queued);
  }

  cancel(id: number): Run {
    const row = this.#mustGet(id);
    if (row.status === 'cancelled') return this.toRun(row);
    if (row.status === 'finished' || row.status === 'failed') throw conflict(`Run ${id} has already ${row.status === 'finished' ? 'finished' : 'failed'}.`);
    const cancelled = this.#transition(id, 'cancelled');
    if (this.#active === id) {
      this.#stopRequested.add(id);
      this.#ctx.worker.stop(id);
    }
    this.#persistProgress(id);
    return this.toRun(cancelled);
  }

  /** Deletes a run that is not active, with its checkpoint files unless told to keep them. */
  async remove(id: number, deleteCheckpoints: boolean): Promise<void> {
    const { store } = this.#ctx;
    const row = this.#mustGet(id);
    if (row.status === 'queued' || row.status === 'running' || row.status === 'paused') {
      throw conflict(`Run ${id} is ${row.status}; cancel it before deleting it.`);
    }
    if (this.#active === id) throw conflict(`Run ${id} is still stopping; try again in a moment.`);
    const checkpointIds = store.checkpoints.listByRun(id).map((c) => c.id);
    store.transaction(() => {
      this.#forgetCheckpoints(checkpointIds);
      store.runs.remove(id);
    });
    this.#live.delete(id);
    if (deleteCheckpoints) await fs.rm(path.join(store.modelsDir, String(id)), { recursive: true, force: true });
  }

  /** Starts the oldest queued run if the worker is ready and idle. */
  kick(): void {
    void this.#startNext().catch((error: unknown) => this.#ctx.log('error', `could not start a run: ${String(error)}`));
  }

  onTraining(event: TrainingEvent): void {
    const { store } = this.#ctx;
    const row = store.runs.get(event.runId);
    if (!row) return; // deleted meanwhile
    switch (event.type) {
      case 'progress': {
        const previous = this.#live.get(row.id) ?? runProgressOf(store.runs.progress(row.id));
        const p = event.progress;
        const valLoss = p.valLoss !== undefined ? p.valLoss : (previous?.valLoss ?? null);
        const best = [previous?.bestValLoss, p.valLoss].filter((v): v is number => typeof v === 'number');
        this.#live.set(row.id, {
          step: p.step,
          totalSteps: p.totalSteps ?? null,
          epoch: p.epoch ?? null,
          trainLoss: p.trainLoss,
          valLoss,
          bestValLoss: best.length ? Math.min(...best) : null,
          tokensPerSec: p.tokensPerSec,
          elapsedSeconds: p.elapsedSeconds,
          etaSeconds: p.etaSeconds,
        });
        if (Date.now() - (this.#persistedAt.get(row.id) ?? 0) >= PERSIST_PROGRESS_MS) this.#persistProgress(row.id);
        this.#ctx.events.emit({ name: 'run.progress', payload: { runId: row.id, ...p } });
        return;
      }
      case 'metrics':
        store.metrics.add(row.id, event.points.map((p) => ({ ...p, value: p.value ?? Number.NaN })));
        return;
      case 'sample': {
        store.samples.add(row.id, event.step, event.text);
        // The sample belongs to its own step: the latest progress the worker sent can be a few steps older.
        this.#ctx.events.emit({ name: 'run.progress', payload: { ...this.#progressEvent(row.id, event.step), step: event.step, sample: event.text } });
        return;
      }
      case 'checkpoint':
        return this.#addCheckpoint(row, event);
      case 'trainDone': {
        if (this.#active === row.id) this.#active = null;
        const requested = this.#stopRequested.delete(row.id);
        if (row.status === 'running' || row.status === 'paused') {
          if (event.outcome === 'finished') this.#transition(row.id, 'finished');
          else if (event.outcome === 'failed') this.#transition(row.id, 'failed', { error: event.error ?? 'Training failed.' });
          else if (requested) this.#transition(row.id, 'cancelled');
          else this.#transition(row.id, 'interrupted', { error: INTERRUPTED_REASON });
        }
        this.#persistProgress(row.id);
        this.#live.delete(row.id);
        this.kick();
        return;
      }
    }
  }

  onWorkerCrash(reason: string, runId: number | null): void {
    const id = runId ?? this.#active;
    this.#active = null;
    if (id === null) return;
    this.#stopRequested.delete(id);
    const row = this.#ctx.store.runs.get(id);
    if (row && (row.status === 'running' || row.status === 'paused')) {
      this.#transition(id, 'failed', { error: `The training worker stopped unexpectedly (${reason}).` });
    }
    this.#persistProgress(id);
    this.#live.delete(id);
  }

  /**
   * At shutdown: the run this service is training becomes interrupted (resumable), nothing new starts. Runs
   * another process trains (`longhand train`) are not this service's to touch.
   */
  shutdown(): void {
    this.#stopped = true;
    const id = this.#active;
    if (id === null) return;
    const row = this.#ctx.store.runs.get(id);
    if (row && (row.status === 'running' || row.status === 'paused')) {
      this.#persistProgress(id);
      this.#transition(id, 'interrupted', { error: INTERRUPTED_REASON });
    }
  }

  async #startNext(): Promise<void> {
    const { store, worker } = this.#ctx;
    if (this.#starting || this.#stopped || this.#active !== null) return;
    if (worker.state !== 'ready' || worker.trainingRunId !== null) return;
    const next = store.runs.list({ status: 'queued' })[0];
    if (!next) return;
    this.#starting = true;
    try {
      let spec: TrainingSpec;
      try {
        spec = this.#buildSpec(next);
      } catch (error) {
        this.#transition(next.id, 'failed', { error: error instanceof Error ? error.message : String(error) });
        this.#starting = false;
        return this.#startNext();
      }
      this.#active = next.id;
      this.#transition(next.id, 'running', { backend: spec.backend ?? undefined });
      try {
        await worker.train(spec);
      } catch (error) {
        // The worker died or restarted between the check and the send: onWorkerCrash may have handled it.
        if (this.#active === next.id) this.onWorkerCrash(error instanceof ApiError ? error.message : String(error), next.id);
      }
    } finally {
      this.#starting = false;
    }
  }

  #buildSpec(row: RunRow): TrainingSpec {
    const { store, worker } = this.#ctx;
    const last = store.checkpoints.last(row.id);
    // Metrics and samples after the checkpoint it resumes from are made again.
    store.metrics.deleteAfter(row.id, last ? last.step : -1);
    store.samples.deleteAfter(row.id, last ? last.step : -1);
    const base = {
      runId: row.id,
      name: row.name,
      outputDir: path.join(store.modelsDir, String(row.id)),
      resumeFrom: last ? { dir: path.resolve(this.#ctx.dataDir, last.path), sha256: last.sha256, step: last.step } : null,
      backend: worker.backend?.chosen ?? null,
    };
    const documentsOf = (corpusId: number | null) => {
      if (corpusId === null || !store.corpora.get(corpusId)) throw new Error('Its corpus was deleted.');
      const docs = store.documents.listWithText(corpusId).map((d) => ({ title: d.title, text: d.text }));
      if (docs.length === 0) throw new Error('Its corpus has no documents.');
      return docs;
    };
    if (row.kind === 'lm') {
      return { ...base, kind: 'lm', config: row.config as never, documents: documentsOf(row.corpusId) };
    }
    const pairs = row.config.pairs as { kind: 'file'; path: string } | { kind: 'mined'; corpusId: number };
    const data =
      pairs.kind === 'file'
        ? { kind: 'file' as const, path: pairs.path }
        : { kind: 'mined' as const, corpusId: pairs.corpusId, documents: documentsOf(pairs.corpusId) };
    return { ...base, kind: 'seq2seq', config: row.config as never, data };
  }

  #addCheckpoint(row: RunRow, event: Extract<TrainingEvent, { type: 'checkpoint' }>): void {
    const { store, dataDir } = this.#ctx;
    const runDir = path.join(store.modelsDir, String(row.id));
    const dir = path.resolve(event.dir);
    const inside = path.relative(runDir, dir);
    if (!inside || inside.startsWith('..') || path.isAbsolute(inside)) {
      this.#ctx.log('error', `run ${row.id} reported a checkpoint outside its folder (${dir}); ignored`);
      return;
    }
    const relative = path.relative(dataDir, dir).split(path.sep).join('/');
    const added = store.transaction(() => {
      const existing = store.checkpoints.listByRun(row.id);
      const same = existing.find((c) => c.step === event.step);
      if (same) store.checkpoints.remove(same.id); // rewritten in place (atomically) at the same step
      const pruned = existing.filter((c) => c.step !== event.step && event.prunedSteps?.includes(c.step)).map((c) => c.id);
      if (pruned.length) {
        this.#forgetCheckpoints(pruned);
        for (const id of pruned) store.checkpoints.remove(id);
      }
      return store.checkpoints.add({
        runId: row.id,
        step: event.step,
        path: relative,
        sha256: event.sha256,
        bytes: event.bytes,
        metrics: event.metrics,
        isBest: event.isBest,
      });
    });
    this.#ctx.events.emit({
      name: 'run.checkpoint',
      payload: { runId: row.id, checkpointId: added.id, step: added.step, isBest: added.isBest, isLast: added.isLast },
    });
  }

  #progressEvent(runId: number, step: number): ProgressEvent {
    const p = this.#live.get(runId) ?? runProgressOf(this.#ctx.store.runs.progress(runId));
    return {
      runId,
      step: p?.step ?? step,
      ...(p?.totalSteps != null ? { totalSteps: p.totalSteps } : {}),
      ...(p?.epoch != null ? { epoch: p.epoch } : {}),
      trainLoss: p?.trainLoss ?? null,
      ...(p?.valLoss != null ? { valLoss: p.valLoss } : {}),
      tokensPerSec: p?.tokensPerSec ?? 0,
      etaSeconds: p?.etaSeconds ?? null,
      elapsedSeconds: p?.elapsedSeconds ?? 0,
    };
  }

  #progressOf(id: number): RunProgress | null {
    return this.#live.get(id) ?? runProgressOf(this.#ctx.store.runs.progress(id));
  }

  #persistProgress(id: number): void {
    const live = this.#live.get(id);
    if (!live) return;
    this.#ctx.store.runs.setProgress(id, { ...live });
    this.#persistedAt.set(id, Date.now());
  }

  #mustGet(id: number): RunRow {
    const row = this.#ctx.store.runs.get(id);
    if (!row) throw notFound('run', id);
    return row;
  }

  #transition(id: number, to: RunStatus, options?: TransitionOptions): RunRow {
    const row = this.#ctx.store.runs.transition(id, to, options);
    this.#emitStatus(row);
    return row;
  }

  #emitStatus(row: RunRow): void {
    this.#ctx.events.emit({
      name: 'run.status',
      payload: { runId: row.id, status: row.status, ...(row.status === 'failed' && row.error ? { error: row.error } : {}) },
    });
  }
}
