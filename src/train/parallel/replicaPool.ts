/**
 * The replica threads of one training job: started with the coordinator's model, fed a step at a time, and
 * stopped with the job. A replica that fails or dies aborts the shared barrier, so the coordinator's step throws
 * (with the replica's reason) instead of waiting for ever.
 */
import { Worker } from 'node:worker_threads';
import { workerModule } from '../../compute/threadModule.js';
import type { AnyWork, FromReplica, ReplicaInit, ToReplica } from './protocol.js';
import type { ReplicaWork } from './replica.js';
import type { SharedGradients } from './sharedGradients.js';

/** ./replicaEntry.ts in development and tests, replicaEntry.js beside the bundle that runs training. */
function entry(): URL {
  const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  return new URL(`./replicaEntry.${ext}`, import.meta.url);
}

export class ReplicaPool {
  private failure: string | null = null;
  private stopping = false;

  private constructor(
    private readonly workers: Worker[],
    private readonly shared: SharedGradients,
  ) {}

  /** Starts members 1…N−1 (the coordinator is member 0) and waits until each holds its copy of the model. */
  static async start(shared: SharedGradients, backend: string, model: ReplicaInit, replicaEntry: string | URL = entry()): Promise<ReplicaPool> {
    const module = workerModule(replicaEntry);
    const workers = Array.from({ length: shared.replicas - 1 }, () => new Worker(module, { execArgv: [] }));
    const pool = new ReplicaPool(workers, shared);
    const ready = workers.map(
      (worker, i) =>
        new Promise<void>((resolve, reject) => {
          worker.on('message', (message: FromReplica) => {
            if (message.type === 'ready') resolve();
            else pool.fail(`training replica ${i + 1} failed: ${message.message}`, reject);
          });
          worker.on('error', (error) => pool.fail(`training replica ${i + 1} failed: ${error.message.split('\n')[0]}`, reject));
          worker.on('exit', (code) => {
            if (!pool.stopping) pool.fail(`training replica ${i + 1} stopped (exit code ${code})`, reject);
          });
        }),
    );
    workers.forEach((worker, i) => worker.postMessage({ type: 'init', replica: i + 1, backend, shared: shared.init, model } satisfies ToReplica));
    try {
      await Promise.all(ready);
    } catch (error) {
      await pool.stop();
      throw error;
    }
    return pool;
  }

  /** Why a replica failed, once one has. */
  get error(): string | null {
    return this.failure;
  }

  /** Sends member r (1…N−1) its part of the step. */
  step(parts: readonly ReplicaWork<AnyWork>[], lr: number): void {
    this.workers.forEach((worker, i) => {
      const part = parts[i + 1]!;
      if (part.work === null) throw new Error('a replica thread got no rows');
      worker.postMessage({ type: 'step', work: part.work, weight: part.weight, lr } satisfies ToReplica);
    });
  }

  async stop(): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.shared.abort();
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }

  private fail(reason: string, reject?: (error: Error) => void): void {
    this.failure ??= reason;
    this.shared.abort();
    reject?.(new Error(reason));
  }
}
