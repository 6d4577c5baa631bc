/**
 * The training queue. Runs live in SQLite; this decides which one the worker trains (one at a time, oldest
 * queued first), runs it there as a `train` call of the worker table — the same job `longhand train` runs
 * in-process — and hands every event of the job to the run's RunRecorder (src/train/recorder.ts), which writes
 * the rows, emits the contract's events and decides the final status. What the writer asks for moves the run
 * along the same status machine:
 *
 *   queued → running ⇄ paused → finished | failed (reason) | cancelled;  running/paused → interrupted at
 *   shutdown (or found so at start-up), and interrupted → queued again on resume, from its last checkpoint.
 *
 * A worker that dies fails the call in flight, and so the run, with the reason; the host restarts the worker and
 * the queue goes on.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { Run, RunProgress } from '../contract/index.js';
import { INTERRUPTED_REASON, type RunRow } from '../store/index.js';
import { SetupError } from '../train/errors.js';
import { RunRecorder, runProgressOf } from '../train/recorder.js';
import { jobSpecFor } from '../train/runSpec.js';
import type { ServiceContext } from './context.js';
import { conflict, notFound } from './errors.js';
import { runOrigin } from './lineage.js';
import { toRun } from './mapping.js';

/** How long a run being interrupted at shutdown may take to checkpoint. */
const INTERRUPT_TIMEOUT_MS = 5000;

interface Active {
  runId: number;
  callId: string;
  recorder: RunRecorder;
  controller: AbortController;
  done: Promise<void>;
}

export class TrainingScheduler {
  readonly #ctx: ServiceContext;
  #active: Active | null = null;
  #starting = false;
  #stopped = false;

  /** Panes that used these checkpoints (deleted or pruned) use none afterwards. */
  readonly #forgetCheckpoints: (ids: number[]) => void;

  constructor(ctx: ServiceContext, forgetCheckpoints: (ids: number[]) => void) {
    this.#ctx = ctx;
    this.#forgetCheckpoints = forgetCheckpoints;
  }

  get activeRunId(): number | null {
    return this.#active?.runId ?? null;
  }

  run(id: number): Run {
    return this.toRun(this.#mustGet(id));
  }

  toRun(row: RunRow): Run {
    return toRun(row, this.#progressOf(row.id), runOrigin(this.#ctx.store, row));
  }

  /** Queued runs in the order they will train; a run's position is its index + 1. */
  queue(): number[] {
    return this.#ctx.store.runs.list({ status: 'queued' }).map((r) => r.id);
  }

  /** A new run row was created (queued): announce it and maybe start it. */
  enqueued(row: RunRow): void {
    this.#ctx.events.emit({ name: 'run.status', payload: { runId: row.id, status: row.status } });
    this.kick();
  }

  pause(id: number): Run {
    const row = this.#mustGet(id);
    if (row.status === 'paused') return this.toRun(row);
    if (row.status !== 'running') throw conflict(`Run ${id} is ${row.status}; only a running run can be paused.`);
    const paused = this.#recorder(id).transition('paused');
    if (this.#active?.runId === id) this.#ctx.worker.control(this.#active.callId, 'pause');
    return this.toRun(paused);
  }

  resume(id: number): Run {
    const row = this.#mustGet(id);
    if (row.status === 'running' || row.status === 'queued') return this.toRun(row);
    const recorder = this.#recorder(id);
    if (row.status === 'paused' && this.#active?.runId === id) {
      const running = recorder.transition('running');
      this.#ctx.worker.control(this.#active.callId, 'resume');
      return this.toRun(running);
    }
    // A paused run nobody trains any more (its worker died) goes back to the queue from its last checkpoint.
    if (row.status === 'paused') recorder.transition('interrupted', { error: INTERRUPTED_REASON });
    else if (row.status !== 'interrupted') throw conflict(`Run ${id} is ${row.status}; only a paused or interrupted run can be resumed.`);
    const queued = recorder.transition('queued');
    this.kick();
    return this.toRun(queued);
  }

  cancel(id: number): Run {
    const row = this.#mustGet(id);
    if (row.status === 'cancelled') return this.toRun(row);
    if (row.status === 'finished' || row.status === 'failed') throw conflict(`Run ${id} has already ${row.status === 'finished' ? 'finished' : 'failed'}.`);
    const recorder = this.#recorder(id);
    recorder.persistProgress();
    const cancelled = recorder.transition('cancelled');
    if (this.#active?.runId === id) this.#active.controller.abort();
    return this.toRun(cancelled);
  }

  /** Deletes a run that is not active, with its checkpoint files unless told to keep them. */
  async remove(id: number, deleteCheckpoints: boolean): Promise<void> {
    const { store } = this.#ctx;
    const row = this.#mustGet(id);
    if (row.status === 'queued' || row.status === 'running' || row.status === 'paused') {
      throw conflict(`Run ${id} is ${row.status}; cancel it before deleting it.`);
    }
    if (this.#active?.runId === id) throw conflict(`Run ${id} is still stopping; try again in a moment.`);
    const checkpointIds = store.checkpoints.listByRun(id).map((c) => c.id);
    store.transaction(() => {
      this.#forgetCheckpoints(checkpointIds);
      store.runs.remove(id);
    });
    if (deleteCheckpoints) await fs.rm(path.join(store.modelsDir, String(id)), { recursive: true, force: true });
  }

  /** Starts the oldest queued run if the worker is ready and idle. */
  kick(): void {
    void this.#startNext().catch((error: unknown) => this.#ctx.log('error', `could not start a run: ${String(error)}`));
  }

  /**
   * At shutdown: the run this service is training is interrupted — it checkpoints and ends resumable — and
   * nothing new starts. Runs another process trains (`longhand train`) are not this service's to touch.
   */
  async shutdown(): Promise<void> {
    this.#stopped = true;
    const active = this.#active;
    if (!active) return;
    this.#ctx.worker.control(active.callId, 'interrupt');
    await Promise.race([active.done, new Promise((resolve) => setTimeout(resolve, INTERRUPT_TIMEOUT_MS).unref())]);
    const row = this.#ctx.store.runs.get(active.runId);
    if (row && (row.status === 'running' || row.status === 'paused')) {
      active.recorder.persistProgress();
      active.recorder.transition('interrupted', { error: INTERRUPTED_REASON });
    }
  }

  async #startNext(): Promise<void> {
    const { store, worker } = this.#ctx;
    if (this.#starting || this.#stopped || this.#active !== null || worker.state !== 'ready') return;
    const next = store.runs.list({ status: 'queued' })[0];
    if (!next) return;
    this.#starting = true;
    try {
      const recorder = this.#recorder(next.id);
      let spec;
      try {
        spec = jobSpecFor(store, next, recorder);
      } catch (error) {
        if (!(error instanceof SetupError)) throw error;
        recorder.transition('failed', { error: `${error.message[0]!.toUpperCase()}${error.message.slice(1)}.` });
        this.#starting = false;
        return this.#startNext();
      }
      const controller = new AbortController();
      const callId = `train-${next.id}`;
      recorder.transition('running', { ...(worker.backend?.chosen ? { backend: worker.backend.chosen } : {}) });
      const active: Active = { runId: next.id, callId, recorder, controller, done: Promise.resolve() };
      this.#active = active;
      active.done = worker
        .call('train', spec, { id: callId, signal: controller.signal, onEvent: (event) => recorder.record(event) })
        .then(
          (result) => void recorder.finish(result),
          (error: unknown) => {
            // A worker stopped on purpose (shutdown) is not a failure: shutdown() records the run interrupted.
            if (worker.state !== 'stopped') recorder.fail(error instanceof Error ? error.message : String(error));
          },
        )
        .finally(() => {
          if (this.#active === active) this.#active = null;
          this.kick();
        });
    } finally {
      this.#starting = false;
    }
  }

  /** The recorder of the run being trained, or one for a run at rest. */
  #recorder(id: number): RunRecorder {
    if (this.#active?.runId === id) return this.#active.recorder;
    return new RunRecorder(this.#ctx.store, id, { emit: (event) => this.#ctx.events.emit(event), forget: this.#forgetCheckpoints });
  }

  #progressOf(id: number): RunProgress | null {
    if (this.#active?.runId === id) return this.#active.recorder.progress;
    return runProgressOf(this.#ctx.store.runs.progress(id));
  }

  #mustGet(id: number): RunRow {
    const row = this.#ctx.store.runs.get(id);
    if (!row) throw notFound('run', id);
    return row;
  }
}
