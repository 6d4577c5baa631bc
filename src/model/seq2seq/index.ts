/** The seq2seq model: the public surface (see ./README.md). */
export { Seq2seqModel, type Seq2seqLossAndGrads, type Seq2seqRunOptions } from './model.js';
export type { AttentionKind, LuongScore, Seq2seqBatch, Seq2seqConfig, SpecialIds, Weights } from './types.js';
export { weightSpecs, validateSeq2seqConfig } from './weights.js';
export { type EncodedPair, type EncodedSource, Seq2seqCodec, buildCodec, detokenizeWords, SEQ2SEQ_SPECIALS } from './codec.js';
export { makeBatch } from './batch.js';
export {
  type LoadedSeq2seqCheckpoint,
  type Seq2seqCheckpoint,
  type Seq2seqCheckpointMeta,
  type Seq2seqTask,
  SEQ2SEQ_FILE,
  loadSeq2seqCheckpoint,
  saveSeq2seqCheckpoint,
} from './checkpoint.js';
