/**
 * Starting an encoder–decoder from its parent (fine-tuning): the parent's weights and codec, as they are, with
 * the run's dropout and maximum lengths. The vocabulary is the parent's and does not grow: a word it lacks reads
 * as `<unk>` on either side — except that a model that copies (pointer-generator) still copies a source word it
 * lacks into its output, through the example's extended vocabulary (src/model/seq2seq/codec.ts), as its parent
 * would. The run's settings were taken from the parent when it was created; a parent folder that has changed
 * since (another model now) is refused in one line.
 */
import type { LoadedSeq2seqCheckpoint } from '../../model/seq2seq/checkpoint.js';
import type { Seq2seqCodec } from '../../model/seq2seq/codec.js';
import { tf } from '../../compute/tf.js';
import { Seq2seqModel } from '../../model/seq2seq/model.js';
import { weightSpecs } from '../../model/seq2seq/weights.js';
import type { Seq2seqSettings } from '../config.js';
import { SetupError } from '../errors.js';
import { INHERITED, architectureOf } from './parentModel.js';

/**
 * The child's codec and a new model holding copies of the parent's weights (the caller still owns `parent`). A
 * child that switches coverage on (./parentModel.ts) gets the coverage weight at zero: the same function as its
 * parent until the coverage loss trains it.
 */
export function adoptSeq2seqParent(parent: LoadedSeq2seqCheckpoint, config: Seq2seqSettings): { codec: Seq2seqCodec; model: Seq2seqModel } {
  const found = architectureOf(parent.config, parent.codec);
  const coveragePhase = config.coverage && !found.coverage;
  for (const key of INHERITED) {
    if (key === 'coverage' && coveragePhase) continue;
    if (found[key] !== config[key]) {
      throw new SetupError(`the model it starts from is not the one the run was created from (its ${key} is ${String(found[key])}, the run's ${String(config[key])}); start a new run`);
    }
  }
  const { dropout, maxSourceLen, maxTargetLen } = config;
  const childConfig = { ...parent.config, dropout, maxSourceLen, maxTargetLen, coverage: parent.config.coverage || coveragePhase };
  if (!coveragePhase) return { codec: parent.codec, model: Seq2seqModel.fromWeights(childConfig, parent.weights) };
  const added = weightSpecs(childConfig).filter((spec) => !(spec.name in parent.weights));
  const zeros = Object.fromEntries(added.map((spec) => [spec.name, tf.zeros(spec.shape)]));
  try {
    return { codec: parent.codec, model: Seq2seqModel.fromWeights(childConfig, { ...parent.weights, ...zeros }) };
  } finally {
    tf.dispose(Object.values(zeros));
  }
}
