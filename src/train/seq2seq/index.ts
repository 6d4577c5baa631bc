/** Seq2seq training: the run entry point, the TrainingTask for the generic loop, its settings and data. */
export { type Seq2seqTrainingSpec, trainSeq2seq } from './run.js';
export { SEQ2SEQ_TRAIN_STATE, type Seq2seqTaskOptions, type Seq2seqTrainState, Seq2seqTrainingTask, seq2seqResumeState } from './task.js';
export { type Seq2seqTaskKind, type Seq2seqTrainingConfig, defaultSeq2seqConfig, modelConfig, resolveSeq2seqConfig } from './config.js';
export { type BatcherState, BucketBatcher, type LoadedPairs, type Seq2seqPairsSource, encodePairs, evaluationBatches, loadPairs } from './data.js';
export { Seq2seqTrainer, type Seq2seqStepReport, type Seq2seqTrainerOptions } from './step.js';
