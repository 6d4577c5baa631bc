/**
 * The encoder–decoder as a data-parallel replica: a contiguous block of rows of the padded batch (same source and
 * target lengths as the whole batch, so its dropout masks are exactly those rows of the whole batch's masks),
 * weighted by its share of the batch's target tokens (the loss is a mean per token), and how a replica thread
 * rebuilds the coordinator's model and Adam state.
 */
import { tf } from '../../compute/tf.js';
import { Seq2seqModel } from '../../model/seq2seq/model.js';
import type { Seq2seqBatch, Seq2seqConfig } from '../../model/seq2seq/types.js';
import { Seq2seqTrainer } from '../seq2seq/step.js';
import type { NamedArray } from './lmReplica.js';
import type { ReplicaTrainer, ReplicaWork } from './replica.js';
import { sharesOf } from './shares.js';

export interface Seq2seqReplicaInit {
  kind: 'seq2seq';
  config: Seq2seqConfig;
  weights: NamedArray[];
  optimizer: { step: number; slots: NamedArray[] };
  trainer: { lr: number; clip: number; seed: number; coverageWeight: number };
}

/** Rows [from, from + batch.batch) of a padded batch of `of` rows. */
export interface Seq2seqWork {
  batch: Seq2seqBatch;
  from: number;
  of: number;
}

export function seq2seqReplicaInit(trainer: Seq2seqTrainer, settings: Seq2seqReplicaInit['trainer']): Seq2seqReplicaInit {
  const model = trainer.model;
  const weights = model.names().map((name) => named(name, model.weights[name]!));
  const state = trainer.exportState();
  try {
    return {
      kind: 'seq2seq',
      config: structuredClone(model.config),
      weights,
      optimizer: { step: state.step, slots: state.tensors.map((s) => named(s.name, s.tensor)) },
      trainer: settings,
    };
  } finally {
    tf.dispose(state.tensors.map((s) => s.tensor));
  }
}

export function createSeq2seqReplica(init: Seq2seqReplicaInit): ReplicaTrainer<Seq2seqWork> {
  const tensors = Object.fromEntries(init.weights.map((w) => [w.name, tf.tensor(w.values, w.shape, 'float32')]));
  let model: Seq2seqModel;
  try {
    model = Seq2seqModel.fromWeights(init.config, tensors);
  } finally {
    tf.dispose(Object.values(tensors));
  }
  const { lr, clip, seed, coverageWeight } = init.trainer;
  const trainer = new Seq2seqTrainer(model, { lr, clipNorm: clip, seed, coverageWeight });
  const slots = init.optimizer.slots.map((s) => ({ name: s.name, tensor: tf.tensor(s.values, s.shape, 'float32') }));
  try {
    trainer.importState({ kind: 'adam', step: init.optimizer.step, tensors: slots });
  } finally {
    tf.dispose(slots.map((s) => s.tensor));
  }
  return {
    ...seq2seqReplicaTrainer(trainer),
    dispose: () => {
      trainer.dispose();
      model.dispose();
    },
  };
}

/** The replica face of a seq2seq trainer (the coordinator's own one keeps its model: dispose frees nothing). */
export function seq2seqReplicaTrainer(trainer: Seq2seqTrainer): ReplicaTrainer<Seq2seqWork> {
  const shapes = trainer.model.variables().map((v) => [...v.shape]);
  return {
    shapes,
    gradients(work) {
      const { loss, coverageLoss, grads } = trainer.gradients(work.batch, { batch: work.of, from: work.from });
      return { loss, aux: coverageLoss, grads };
    },
    // Tokens are the coordinator's to report (it has the whole batch); the trainer's report keeps the losses.
    applyGradients: (grads, loss, gradNorm, lr) => trainer.applyGradients(grads, { loss: loss.loss, coverageLoss: loss.aux, tokens: 0, gradNorm }, lr),
    dispose: () => undefined,
  };
}

/** Each replica's rows of the padded `batch`, weighted by their share of its target tokens. */
export function seq2seqSplit(batch: Seq2seqBatch, replicas: number): ReplicaWork<Seq2seqWork>[] {
  const total = batch.targetLengths.reduce((n, l) => n + l, 0);
  const S = batch.sourceLen;
  const T = batch.targetLen;
  return sharesOf(batch.batch, replicas).map(({ from, rows }) => {
    const to = from + rows;
    const part: Seq2seqBatch = {
      batch: rows,
      sourceLen: S,
      targetLen: T,
      source: batch.source.slice(from * S, to * S),
      sourceLengths: batch.sourceLengths.slice(from, to),
      sourceExtended: batch.sourceExtended.slice(from * S, to * S),
      decoderInput: batch.decoderInput.slice(from * T, to * T),
      labels: batch.labels.slice(from * T, to * T),
      targetLengths: batch.targetLengths.slice(from, to),
      oovCount: batch.oovCount,
    };
    const tokens = part.targetLengths.reduce((n, l) => n + l, 0);
    return { work: { batch: part, from, of: batch.batch }, weight: rows === 0 ? 0 : tokens / total };
  });
}

function named(name: string, t: tf.Tensor): NamedArray {
  return { name, shape: [...t.shape], values: t.dataSync() as Float32Array };
}
