/**
 * Data-parallel training as a TrainingTask the generic loop (../loop.ts) drives like any other: it wraps a kind's
 * own task (the one-thread task, which keeps drawing the batches, evaluating, sampling and checkpointing) and
 * trains each step on N replicas — itself as replica 0 and N−1 replica threads — that split the batch's rows, sum
 * their gradients in shared memory and apply one identical update (./replica.ts, ./sharedGradients.ts).
 *
 * The data order is the one-thread order (the same sampler draws the whole batch) and each replica's dropout masks
 * are its rows of the whole batch's masks, so N threads compute what one thread does, up to the order of float
 * summation. A checkpoint holds nothing thread-specific: it resumes with any thread count.
 */
import { tf } from '../../compute/tf.js';
import type { CheckpointDigest, WritePhase } from '../../model/checkpoint/index.js';
import type { EvalSplit, EvaluationResult, TaskCheckpoint, TrainStepResult, TrainingTask } from '../task.js';
import type { TokenBatch } from '../lm/data.js';
import type { StepReport, Trainer } from '../lm/step.js';
import type { LanguageModelTask } from '../lm/task.js';
import { type LmWork, lmReplicaInit, lmReplicaTrainer, lmWorkOf } from './lmReplica.js';
import { type ReplicaTrainer, replicaStep } from './replica.js';
import { ReplicaPool } from './replicaPool.js';
import { type Share, replicasFor, sharesOf } from './shares.js';
import { ReplicaAbortedError, SharedGradients } from './sharedGradients.js';

/** Backends whose replicas are ours; tfjs-node (`tensorflow`) runs its own intra-op threads instead. */
const REPLICA_BACKENDS = ['wasm', 'cpu'];

/** How a job trains on `threads` threads with batches of `batch` rows on the current backend. */
export function replicaPlan(threads: number, batch: number): { replicas: number; why: string } {
  const backend = tf.getBackend();
  if (!REPLICA_BACKENDS.includes(backend)) return { replicas: 1, why: `${backend} uses its own threads` };
  const replicas = replicasFor(threads, batch);
  return { replicas, why: replicas < threads ? `batch ${batch} is too small for more` : 'one per thread' };
}

/**
 * A language-model trainer on N replicas: this thread's trainer is replica 0, replica threads hold exact copies.
 * `step` trains on one batch (a task's, or the benchmark's) and leaves every replica with the same weights.
 */
export class DataParallelLm {
  private readonly own: ReplicaTrainer<LmWork>;

  private constructor(
    private readonly trainer: Trainer,
    private readonly shared: SharedGradients,
    private readonly pool: ReplicaPool,
    private readonly shares: Share[],
  ) {
    this.own = lmReplicaTrainer(trainer);
  }

  /**
   * Starts `replicas` − 1 replica threads as exact copies of `trainer`'s model and optimiser (`replicaEntry`: the
   * thread's module, when not ./replicaEntry beside this one — a test of the Electron bundle passes its own).
   */
  static async start(
    trainer: Trainer,
    replicas: number,
    settings: { batch: number; lr: number; clip: number; seed: number },
    replicaEntry?: string | URL,
  ): Promise<DataParallelLm> {
    const parameters = trainer.model.variables().reduce((n, v) => n + v.size, 0);
    const shared = SharedGradients.create(replicas, parameters);
    const init = lmReplicaInit(trainer, { lr: settings.lr, clip: settings.clip, seed: settings.seed });
    const pool = await ReplicaPool.start(shared, tf.getBackend(), init, ...(replicaEntry ? [replicaEntry] : []));
    return new DataParallelLm(trainer, shared, pool, sharesOf(settings.batch, replicas));
  }

  get replicas(): number {
    return this.shared.replicas;
  }

  /** One step on `batch` (the batch size it was started with); the trainer's `last` reports it. */
  async step(batch: TokenBatch, lr: number): Promise<StepReport> {
    if (this.pool.error) throw new Error(this.pool.error);
    if (batch.batch !== this.shares.reduce((n, s) => n + s.rows, 0)) throw new Error(`a data-parallel step needs batches of the size it started with`);
    const parts = lmWorkOf(batch, this.shares);
    this.pool.step(parts, lr);
    try {
      await replicaStep(this.shared, this.own, parts[0]!, lr);
    } catch (error) {
      this.shared.abort();
      if (error instanceof ReplicaAbortedError && this.pool.error) throw new Error(this.pool.error);
      throw error;
    }
    return this.trainer.last!;
  }

  /** Stops the replica threads (the trainer stays the caller's). */
  stop(): Promise<void> {
    return this.pool.stop();
  }
}

/** The language-model task trained by DataParallelLm; everything but the step is the one-thread task's. */
export class ParallelLmTask implements TrainingTask {
  private constructor(
    private readonly inner: LanguageModelTask,
    private readonly parallel: DataParallelLm,
  ) {}

  static async start(inner: LanguageModelTask, replicas: number, settings: { batch: number; lr: number; clip: number; seed: number }): Promise<ParallelLmTask> {
    return new ParallelLmTask(inner, await DataParallelLm.start(inner.stepper, replicas, settings));
  }

  get replicas(): number {
    return this.parallel.replicas;
  }

  get stepsPerEpoch(): number {
    return this.inner.stepsPerEpoch;
  }

  hasSplit(split: EvalSplit): boolean {
    return this.inner.hasSplit(split);
  }

  async trainStep(lr: number): Promise<TrainStepResult> {
    const batch = this.inner.nextBatch();
    const last = await this.parallel.step(batch, lr);
    return { loss: last.loss, gradNorm: last.gradNorm, applied: last.applied, tokens: batch.batch * batch.steps };
  }

  evaluate(split: EvalSplit, options?: { maxTokens?: number }): EvaluationResult {
    return this.inner.evaluate(split, options);
  }

  sample(options: { step: number }): string {
    return this.inner.sample(options);
  }

  save(dir: string, checkpoint: TaskCheckpoint, options?: { onPhase?: (event: WritePhase) => void | Promise<void> }): Promise<CheckpointDigest> {
    return this.inner.save(dir, checkpoint, options);
  }

  dispose(): void {
    this.parallel.stop().catch(() => undefined);
    this.inner.dispose();
  }
}
