/** Checkpoint I/O: the public surface (see docs/design.md, "A checkpoint"). */
export { CheckpointError, type CheckpointErrorCode } from './errors.js';
export { type CheckpointDigest, type FileDigest, type FileManifest, canonicalManifest, checkpointDigest } from './manifest.js';
export { METADATA_FILE, type WritePhase, type WriteCheckpointOptions, cleanStaleTemporaries, writeCheckpointDir } from './directory.js';
export { verifyCheckpointDir } from './verify.js';
export { MODEL_FILE, WEIGHTS_FILE, fileSystemIOHandler, readLayersArtifacts } from './fileIO.js';
export { type LayersModelFiles, type LoadedLanguageModel, artifactsToLanguageModel, languageModelToArtifacts } from './layersModel.js';
export { CHECKPOINT_FORMAT, CHECKPOINT_VERSION } from './metadata.js';
export type { LmCheckpointMeta } from './lmMetadata.js';
export {
  OPTIMIZER_FILE,
  TOKENIZER_FILE,
  type LanguageModelCheckpoint,
  type LoadedLanguageModelCheckpoint,
  type OptimizerState,
  loadLanguageModelCheckpoint,
  saveLanguageModelCheckpoint,
  vocabularySize,
} from './lmCheckpoint.js';
