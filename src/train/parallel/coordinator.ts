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
import type { Seq2seqBatch } from '../../model/seq2seq/types.js';
import type { TokenBatch } from '../lm/data.js';
import type { StepReport, Trainer } from '../lm/step.js';
import type { LanguageModelTask } from '../lm/task.js';
import type { Seq2seqTrainingTask } from '../seq2seq/task.js';
import { registerHoldable } from '../generationFirst.js';
import type { EvalSplit, EvaluationResult, TaskCheckpoint, TrainStepResult, TrainingTask } from '../task.js';
import { type LmWork, lmReplicaInit, lmReplicaTrainer, lmSplit } from './lmReplica.js';
import type { AnyWork, ReplicaInit } from './protocol.js';
import { type ReplicaTrainer, type ReplicaWork, replicaStep } from './replica.js';
import { ReplicaPool } from './replicaPool.js';
import { type Seq2seqWork, seq2seqReplicaInit, seq2seqReplicaTrainer, seq2seqSplit } from './seq2seqReplica.js';
import { replicasFor } from './shares.js';
import { ReplicaAbortedError, SharedGradients } from './sharedGradients.js';

/** Backends whose replicas are ours; tfjs-node (`tensorflow`) runs its own intra-op threads instead. */
const REPLICA_BACKENDS = ['wasm', 'cpu'];

/** How many replicas a job on `threads` threads with batches of `batch` rows uses on the current backend. */
export function replicaPlan(threads: number, batch: number): { replicas: number; why: string } {
  const backend = tf.getBackend();
  if (!REPLICA_BACKENDS.includes(backend)) return { replicas: 1, why: `${backend} uses its own threads` };
  const replicas = replicasFor(threads, batch);
  return { replicas, why: replicas < threads ? `batch ${batch} is too small for more` : 'one per thread' };
}

/** How replicas are placed. */
export interface ReplicaOptions {
  /** The module of a replica thread, when not ./replicaEntry beside this one (a test of the Electron bundle). */
  replicaEntry?: string | URL;
  /**
   * Keep this thread free: every replica trains in a thread of its own and this one only coordinates (and applies
   * the update to its own copy, which evaluates, samples and checkpoints). The app's worker asks for it, so a
   * suggestion never waits behind a step's forward and backward pass; the CLI trains replica 0 here. Such a set
   * can be held from this thread while it generates (../generationFirst.ts).
   */
  keepThreadFree?: boolean;
}

/**
 * A trainer on N replicas: this thread's trainer is replica 0 (or, keeping the thread free, a member that only
 * applies the update), replica threads hold exact copies. `step` trains on one batch and leaves every copy with the
 * same weights (the trainer's own report says how the step went).
 */
export class DataParallel<B, W extends AnyWork> {
  private constructor(
    private readonly own: ReplicaTrainer<W>,
    private readonly split: (batch: B, replicas: number) => ReplicaWork<W>[],
    private readonly shared: SharedGradients,
    private readonly pool: ReplicaPool,
    readonly replicas: number,
    private readonly free: boolean,
    private readonly unregister: () => void,
  ) {}

  /** Starts the replica threads from `init`. */
  static async start<B, W extends AnyWork>(
    own: ReplicaTrainer<W>,
    init: ReplicaInit,
    split: (batch: B, replicas: number) => ReplicaWork<W>[],
    replicas: number,
    options: ReplicaOptions = {},
  ): Promise<DataParallel<B, W>> {
    const parameters = own.shapes.reduce((n, shape) => n + shape.reduce((a, b) => a * b, 1), 0);
    const free = Boolean(options.keepThreadFree);
    const shared = SharedGradients.create(replicas + (free ? 1 : 0), parameters);
    const pool = await ReplicaPool.start(shared, tf.getBackend(), init, ...(options.replicaEntry ? [options.replicaEntry] : []));
    return new DataParallel(own, split, shared, pool, replicas, free, free ? registerHoldable(shared) : () => undefined);
  }

  async step(batch: B, lr: number): Promise<void> {
    if (this.pool.error) throw new Error(this.pool.error);
    const split = this.split(batch, this.replicas);
    const parts = this.free ? [{ work: null, weight: 0 }, ...split] : split;
    this.pool.step(parts, lr);
    try {
      await replicaStep(this.shared, this.own, parts[0]!, lr);
    } catch (error) {
      this.shared.abort();
      if (error instanceof ReplicaAbortedError && this.pool.error) throw new Error(this.pool.error);
      throw error;
    }
  }

  /** Stops the replica threads (the trainer stays the caller's). */
  stop(): Promise<void> {
    this.unregister();
    return this.pool.stop();
  }
}

/** A language-model trainer on `replicas` replicas (the benchmark's, and the LM task's below). */
export async function dataParallelLm(
  trainer: Trainer,
  replicas: number,
  settings: { lr: number; clip: number; seed: number },
  options: ReplicaOptions = {},
): Promise<{ replicas: number; step(batch: TokenBatch, lr: number): Promise<StepReport>; stop(): Promise<void> }> {
  const parallel = await DataParallel.start<TokenBatch, LmWork>(lmReplicaTrainer(trainer), lmReplicaInit(trainer, settings), lmSplit, replicas, options);
  return {
    replicas: parallel.replicas,
    step: async (batch, lr) => {
      await parallel.step(batch, lr);
      return trainer.last!;
    },
    stop: () => parallel.stop(),
  };
}

/** What a kind's one-thread task offers for data parallelism: its batches, in its own order. */
interface SteppedTask<B> extends TrainingTask {
  nextBatch(): B;
}

/** A kind's task trained on N replicas; everything but the step is the one-thread task's. */
export class ParallelTask<B, W extends AnyWork> implements TrainingTask {
  constructor(
    private readonly inner: SteppedTask<B>,
    private readonly parallel: DataParallel<B, W>,
    private readonly report: (batch: B) => TrainStepResult,
  ) {}

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
    await this.parallel.step(batch, lr);
    return this.report(batch);
  }

  evaluate(split: EvalSplit, options?: { maxTokens?: number }): EvaluationResult | Promise<EvaluationResult> {
    return this.inner.evaluate(split, options);
  }

  sample(options: { step: number }): string | Promise<string> {
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

/** The language-model task on `replicas` replicas. */
export async function parallelLmTask(
  inner: LanguageModelTask,
  replicas: number,
  settings: { lr: number; clip: number; seed: number },
  options: ReplicaOptions = {},
): Promise<ParallelTask<TokenBatch, LmWork>> {
  const trainer = inner.stepper;
  const parallel = await DataParallel.start<TokenBatch, LmWork>(lmReplicaTrainer(trainer), lmReplicaInit(trainer, settings), lmSplit, replicas, options);
  return new ParallelTask(inner, parallel, (batch) => {
    const last = trainer.last!;
    return { loss: last.loss, gradNorm: last.gradNorm, applied: last.applied, tokens: batch.batch * batch.steps };
  });
}

/** The encoder–decoder task on `replicas` replicas. */
export async function parallelSeq2seqTask(
  inner: Seq2seqTrainingTask,
  replicas: number,
  settings: { lr: number; clip: number; seed: number; coverageWeight: number },
  options: ReplicaOptions = {},
): Promise<ParallelTask<Seq2seqBatch, Seq2seqWork>> {
  const trainer = inner.stepper;
  const parallel = await DataParallel.start<Seq2seqBatch, Seq2seqWork>(seq2seqReplicaTrainer(trainer), seq2seqReplicaInit(trainer, settings), seq2seqSplit, replicas, options);
  return new ParallelTask(inner, parallel, (batch) => {
    const last = trainer.last!;
    return { loss: last.loss, gradNorm: last.gradNorm, applied: last.applied, tokens: batch.targetLengths.reduce((n, l) => n + l, 0) };
  });
}
