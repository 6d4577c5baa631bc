/**
 * A Seq2seqTrainingTask for a run: a new vocabulary and model for the pairs, or the checkpoint's to resume from,
 * with the pairs encoded. Shared by the CLI run (./run.ts) and the worker (src/worker/seq2seqTraining.ts).
 */
import type { LoadedSeq2seqCheckpoint } from '../../model/seq2seq/checkpoint.js';
import { type Seq2seqCodec, buildCodec } from '../../model/seq2seq/codec.js';
import { Seq2seqModel } from '../../model/seq2seq/model.js';
import { SetupError, oneLine } from '../lmSetup.js';
import type { OptimizerState } from '../optimizer.js';
import { type Seq2seqTrainingConfig, modelConfig } from './config.js';
import { type LoadedPairs, encodePairs } from './data.js';
import { type Seq2seqTrainState, Seq2seqTrainingTask } from './task.js';

/** A verified checkpoint to continue from (its tensors stay the caller's: the task copies them). */
export interface Seq2seqResumeFrom {
  loaded: LoadedSeq2seqCheckpoint;
  optimizer: OptimizerState;
  train: Seq2seqTrainState;
}

/** Throws SetupError (bad input for the run: no vocabulary, no usable pair) with a one-line message. */
export function createSeq2seqTask(
  config: Seq2seqTrainingConfig,
  data: LoadedPairs,
  resume: Seq2seqResumeFrom | null,
): { task: Seq2seqTrainingTask; droppedPairs: number } {
  let codec: Seq2seqCodec;
  let model: Seq2seqModel;
  if (resume) {
    codec = resume.loaded.codec;
    model = Seq2seqModel.fromWeights(resume.loaded.config, resume.loaded.weights);
  } else {
    try {
      codec = buildCodec(data.train, { level: config.level, shared: config.sharedVocab, ...(config.vocabSize ? { vocabSize: config.vocabSize } : {}) });
    } catch (error) {
      throw new SetupError(`cannot build the vocabulary: ${oneLine(error)}`);
    }
    model = Seq2seqModel.init(modelConfig(config, codec), config.seed);
  }
  try {
    const train = encodePairs(codec, data.train, config.maxSourceLen, config.maxTargetLen, config.copy);
    const validation = encodePairs(codec, data.validation, config.maxSourceLen, config.maxTargetLen, config.copy);
    if (train.encoded.length === 0) throw new SetupError('no usable training pairs (every source is empty)');
    const task = new Seq2seqTrainingTask({
      model,
      codec,
      config,
      train: train.encoded,
      validation: validation.encoded,
      data: { sha256: data.sha256, pairs: data.train.length + data.validation.length },
      ...(resume ? { resume: { optimizer: resume.optimizer, batcher: resume.train.batcher } } : {}),
    });
    return { task, droppedPairs: train.dropped + validation.dropped };
  } catch (error) {
    model.dispose();
    throw error;
  }
}
