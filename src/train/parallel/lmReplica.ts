/**
 * The language model as a data-parallel replica: the rows it trains on (a contiguous block of the batch, with
 * that block's dropout masks), how a replica thread rebuilds the coordinator's model and Adam state from plain
 * arrays, and the trainer adapter both sides use (../lm/step.ts `gradients` / `applyGradients`).
 */
import { tf } from '../../compute/tf.js';
import { LanguageModel } from '../../model/languageModel.js';
import type { LanguageModelConfig, LanguageModelWeights } from '../../model/types.js';
import { weightEntries, weightShapes } from '../../model/weights.js';
import type { TokenBatch } from '../lm/data.js';
import { type Trainer, createTrainer } from '../lm/step.js';
import type { ReplicaTrainer, ReplicaWork } from './replica.js';
import { sharesOf } from './shares.js';

/** A named array: a weight or an optimiser slot, copied out of tf for another thread. */
export interface NamedArray {
  name: string;
  shape: number[];
  values: Float32Array;
}

export interface LmReplicaInit {
  kind: 'lm';
  config: LanguageModelConfig;
  weights: NamedArray[];
  optimizer: { step: number; slots: NamedArray[] };
  trainer: { lr: number; clip: number; seed: number };
}

/** Rows [from, from + rows) of a batch of `batch` windows of `steps` tokens. */
export interface LmWork {
  x: Int32Array;
  y: Int32Array;
  rows: number;
  steps: number;
  from: number;
  batch: number;
}

/** Everything a replica thread needs to become an exact copy of `trainer` and its model. */
export function lmReplicaInit(trainer: Trainer, settings: LmReplicaInit['trainer']): LmReplicaInit {
  const weights = weightEntries(trainer.model.weights).map(([name, v]) => named(name, v));
  const state = trainer.exportState();
  try {
    return {
      kind: 'lm',
      config: { ...trainer.model.config },
      weights,
      optimizer: { step: state.step, slots: state.tensors.map((s) => named(s.name, s.tensor)) },
      trainer: settings,
    };
  } finally {
    tf.dispose(state.tensors.map((s) => s.tensor));
  }
}

/** A replica thread's trainer, rebuilt from `init` (it owns the model). */
export function createLmReplica(init: LmReplicaInit): ReplicaTrainer<LmWork> {
  const byName = new Map(init.weights.map((w) => [w.name, w]));
  const tensor = (name: string) => {
    const w = byName.get(name);
    if (!w) throw new Error(`replica init lacks weight ${name}`);
    return tf.tensor(w.values, w.shape, 'float32');
  };
  const weights: LanguageModelWeights<tf.Tensor> = {
    embedding: tensor('embedding'),
    layers: Array.from({ length: init.config.layers }, (_, l) => ({
      kernel: tensor(`layers.${l}.kernel`),
      recurrentKernel: tensor(`layers.${l}.recurrentKernel`),
      bias: tensor(`layers.${l}.bias`),
    })),
    dense: { kernel: tensor('dense.kernel'), bias: tensor('dense.bias') },
  };
  let model: LanguageModel;
  try {
    model = LanguageModel.fromWeights(init.config, weights);
  } finally {
    tf.dispose(weightEntries(weights).map(([, t]) => t));
  }
  const { lr, clip, seed } = init.trainer;
  const trainer = createTrainer(model, { optimizer: 'adam', lr, clipNorm: clip, seed });
  const slots = init.optimizer.slots.map((s) => ({ name: s.name, tensor: tf.tensor(s.values, s.shape, 'float32') }));
  try {
    trainer.importState({ kind: 'adam', step: init.optimizer.step, tensors: slots });
  } finally {
    tf.dispose(slots.map((s) => s.tensor));
  }
  const replica = lmReplicaTrainer(trainer);
  return {
    ...replica,
    dispose: () => {
      trainer.dispose();
      model.dispose();
    },
  };
}

/** The replica face of a trainer (the coordinator's own one keeps its model: dispose frees nothing). */
export function lmReplicaTrainer(trainer: Trainer): ReplicaTrainer<LmWork> {
  const shapes = weightShapes(trainer.model.config).map(([, shape]) => shape);
  return {
    shapes,
    gradients(work) {
      const x = tf.tensor2d(work.x, [work.rows, work.steps], 'int32');
      const y = tf.tensor2d(work.y, [work.rows, work.steps], 'int32');
      try {
        return { ...trainer.gradients(x, y, { batch: work.batch, from: work.from }), aux: 0 };
      } finally {
        tf.dispose([x, y]);
      }
    },
    applyGradients: (grads, loss, gradNorm, lr) => trainer.applyGradients(grads, loss.loss, gradNorm, lr),
    dispose: () => undefined,
  };
}

/** Each of `replicas` replicas' rows of `batch` (./shares.ts) and their weight in the mean loss (every position counts). */
export function lmSplit(batch: TokenBatch, replicas: number): ReplicaWork<LmWork>[] {
  const { steps } = batch;
  const shares = sharesOf(batch.batch, replicas);
  return shares.map(({ from, rows }) => ({
    work: {
      x: batch.x.slice(from * steps, (from + rows) * steps),
      y: batch.y.slice(from * steps, (from + rows) * steps),
      rows,
      steps,
      from,
      batch: batch.batch,
    },
    weight: rows / batch.batch,
  }));
}

function named(name: string, t: tf.Tensor): NamedArray {
  return { name, shape: [...t.shape], values: t.dataSync() as Float32Array };
}
