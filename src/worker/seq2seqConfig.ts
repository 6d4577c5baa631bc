/**
 * A seq2seq run's settings in the contract's shape (src/contract Seq2seqConfig) as the trainer's
 * Seq2seqTrainingConfig: the contract's fields over the task's defaults (src/train/seq2seq/config.ts). No
 * TensorFlow here, so the service can check a run's settings when it is started, before it is queued.
 */
import type { Seq2seqConfig } from '../contract/index.js';
import { type Seq2seqTrainingConfig, resolveSeq2seqConfig } from '../train/seq2seq/config.js';

/** Throws with a one-line message naming the setting the trainer cannot use (a GRU cell, an odd hidden size…). */
export function seq2seqConfigFromContract(c: Seq2seqConfig): Seq2seqTrainingConfig {
  if (c.cell !== 'lstm') throw new RangeError(`encoder–decoder models use LSTM cells (got ${c.cell})`);
  return resolveSeq2seqConfig({
    task: c.task,
    level: c.level,
    vocabSize: c.vocabSize,
    embed: c.embed,
    hidden: c.hidden,
    layers: c.layers,
    cell: c.cell,
    batch: c.batch,
    lr: c.lr,
    dropout: c.dropout,
    budget: c.budget,
    validationFraction: c.validationFraction,
    seed: c.seed,
    attention: c.attention,
    copy: c.copy,
    coverage: c.coverage,
    maxSourceLen: c.maxSourceLen,
    maxTargetLen: c.maxTargetLen,
  });
}
