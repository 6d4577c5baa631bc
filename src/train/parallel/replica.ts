/**
 * One replica's share of a data-parallel step, the same code in the coordinator's thread and in every replica
 * thread: compute the gradients of its rows, weighted by their share of the batch's loss, into its slot; sum its
 * chunk of every slot; apply the one update everybody computes from the sum. Only the barrier waits differ
 * (a replica thread blocks, the coordinator awaits), so they are the caller's.
 */
import { tf } from '../../compute/tf.js';
import type { SharedGradients } from './sharedGradients.js';

/** What data parallelism needs from a model kind's trainer (./lmReplica.ts, ./seq2seqReplica.ts). */
export interface ReplicaTrainer<W> {
  /** Shapes of the trainable weights, in the order gradients are laid out. */
  readonly shapes: readonly number[][];
  /** Mean loss (and auxiliary loss: seq2seq's coverage term) and gradients of this replica's rows; the caller disposes the tensors. */
  gradients(work: W): { loss: number; aux: number; grads: tf.Tensor[] };
  /** The update from the summed gradients, their global norm and the batch's losses (skipped when not finite). */
  applyGradients(grads: tf.Tensor[], loss: { loss: number; aux: number }, gradNorm: number, lr: number): void;
  dispose(): void;
}

/** A replica's part of one step: its rows and their weight (their share of the loss's denominator); null: no rows. */
export interface ReplicaWork<W> {
  work: W | null;
  weight: number;
}

/** Before the first barrier: this replica's weighted gradients into its slot, and its weighted losses. */
export function contribute<W>(shared: SharedGradients, replica: number, trainer: ReplicaTrainer<W>, part: ReplicaWork<W>): void {
  const slot = shared.slot(replica);
  const weight = part.weight;
  if (part.work === null || weight === 0) {
    // A batch with fewer rows than replicas, or a coordinator that only coordinates: nothing to add.
    slot.fill(0);
    shared.setLoss(replica, 0, 0);
    return;
  }
  const { loss, aux, grads } = trainer.gradients(part.work);
  let at = 0;
  try {
    for (const g of grads) {
      const values = g.dataSync();
      for (let k = 0; k < values.length; k++) slot[at + k] = values[k]! * weight;
      at += values.length;
    }
  } finally {
    tf.dispose(grads);
  }
  if (at !== shared.parameters) throw new Error(`a replica produced ${at} gradient values, expected ${shared.parameters}`);
  shared.setLoss(replica, loss * weight, aux * weight);
}

/** After the second barrier: the update from the summed gradients (identical on every replica). */
export function applySum<W>(shared: SharedGradients, trainer: ReplicaTrainer<W>, loss: { loss: number; aux: number }, lr: number): void {
  const gradNorm = shared.norm();
  const sum = shared.sum;
  let at = 0;
  // Copies (slice): the cpu backend would otherwise keep a view of shared memory the next step overwrites.
  const grads = trainer.shapes.map((shape) => {
    const size = shape.reduce((a, b) => a * b, 1);
    const t = tf.tensor(sum.slice(at, at + size), shape, 'float32');
    at += size;
    return t;
  });
  try {
    trainer.applyGradients(grads, loss, gradNorm, lr);
  } finally {
    tf.dispose(grads);
  }
}

/** A replica thread's whole step, blocking at the barriers. */
export function replicaStepSync<W>(shared: SharedGradients, replica: number, trainer: ReplicaTrainer<W>, part: ReplicaWork<W>, lr: number): void {
  contribute(shared, replica, trainer, part);
  shared.arriveSync();
  const loss = shared.loss();
  shared.reduceChunk(replica);
  shared.arriveSync();
  applySum(shared, trainer, loss, lr);
}

/** The coordinator's whole step (it is replica 0), awaiting at the barriers so it still hears replicas die. */
export async function replicaStep<W>(shared: SharedGradients, trainer: ReplicaTrainer<W>, part: ReplicaWork<W>, lr: number): Promise<void> {
  contribute(shared, 0, trainer, part);
  await shared.arrive();
  const loss = shared.loss();
  shared.reduceChunk(0);
  await shared.arrive();
  applySum(shared, trainer, loss, lr);
}
