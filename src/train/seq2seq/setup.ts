/**
 * A Seq2seqTrainingTask for a run: a new vocabulary and model for the pairs, the checkpoint's to resume from, or
 * the parent's to fine-tune (./adopt.ts), with the pairs encoded.
 */
import { type LoadedSeq2seqCheckpoint, disposeSeq2seqCheckpoint } from '../../model/seq2seq/checkpoint.js';
import { type Seq2seqCodec, buildCodec } from '../../model/seq2seq/codec.js';
import { Seq2seqModel } from '../../model/seq2seq/model.js';
import type { Seq2seqSettings } from '../config.js';
import { SetupError, oneLine } from '../errors.js';
import { adoptSeq2seqParent } from './adopt.js';
import { type LoadedPairs, encodePairs, targetLengthOf } from './data.js';
import { modelConfig } from './modelConfig.js';
import type { Seq2seqResumePoint } from './resume.js';
import { Seq2seqTrainingTask } from './task.js';

/**
 * Throws SetupError (bad input for the run: no vocabulary, no usable pair, pairs that changed since the run
 * started, a parent that is not the run's) with a one-line message. Takes ownership of `resume` and `parent`
 * (disposed in every case: the task copies them).
 */
export function createSeq2seqTask(
  config: Seq2seqSettings,
  data: LoadedPairs,
  resume: Seq2seqResumePoint | null,
  parent: LoadedSeq2seqCheckpoint | null = null,
): { task: Seq2seqTrainingTask; droppedPairs: number } {
  try {
    let codec: Seq2seqCodec;
    let model: Seq2seqModel;
    if (resume) {
      if (resume.train.data.sha256 !== data.sha256) throw new SetupError('the training pairs have changed since this run started: start a new run to train on them');
      codec = resume.loaded.codec;
      model = Seq2seqModel.fromWeights(resume.loaded.config, resume.loaded.weights);
    } else if (parent) {
      ({ codec, model } = adoptSeq2seqParent(parent, config));
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
      const targetLength = targetLengthOf(codec, data.train);
      const task = new Seq2seqTrainingTask({
        model,
        codec,
        config,
        train: train.encoded,
        validation: validation.encoded,
        data: { sha256: data.sha256, pairs: data.train.length + data.validation.length },
        ...(targetLength ? { targetLength } : {}),
        ...(resume ? { resume: { optimizer: resume.optimizer, batcher: resume.train.batcher } } : {}),
      });
      return { task, droppedPairs: train.dropped + validation.dropped };
    } catch (error) {
      model.dispose();
      throw error;
    }
  } finally {
    resume?.dispose();
    if (parent) disposeSeq2seqCheckpoint(parent);
  }
}
