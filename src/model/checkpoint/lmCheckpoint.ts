/**
 * A language model checkpoint: a standard TF.js Layers model plus tokenizer.json and Longhand's metadata.
 *
 *   model.json      Sequential Embedding → LSTM/GRU… → Dense (./lmTopology), weightsManifest → weights.bin
 *   weights.bin     the model's weights, float32, in model.json's order
 *   tokenizer.json  the tokenizer's own JSON (src/text/tokenizers); here only its vocabulary size matters
 *   optimizer.bin   optimizer state tensors, specs in longhand.json (only when an optimizer is given)
 *   longhand.json   ./lmMetadata: config, step, metrics, optimizer, trainer state, manifest of the files above
 *
 * Saving is atomic (./directory.ts). Loading also accepts a plain Layers model of that shape with a
 * tokenizer.json beside it and no longhand.json (meta is then null and the config comes from the topology).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { tf } from '../../compute/tf.js';
import { type LanguageModelConfig, type LanguageModelWeights, recurrentActivationOf } from '../types.js';
import { weightEntries } from '../weights.js';
import { METADATA_FILE, type WriteCheckpointOptions, writeCheckpointDir } from './directory.js';
import { CheckpointError, errorMessage } from './errors.js';
import { MODEL_FILE, WEIGHTS_FILE, modelJsonText, weightSpecBytes } from './fileIO.js';
import { artifactsToLanguageModel, languageModelToArtifacts } from './layersModel.js';
import { type LmCheckpointMeta, type LmMetadataJson, parseLmMetadata } from './lmMetadata.js';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, TOKENIZER_FILE, decodeMetrics, encodeMetrics } from './metadata.js';
import type { CheckpointDigest } from './manifest.js';
import { verifyCheckpointDir } from './verify.js';

export { TOKENIZER_FILE };
export const OPTIMIZER_FILE = 'optimizer.bin';

export interface OptimizerState<T extends tf.Tensor = tf.Tensor> {
  name: string;
  /** JSON hyper-parameters (learning rate, betas…). */
  hyper: Record<string, unknown>;
  /** Slot tensors and counters, uniquely named (e.g. what tf.Optimizer#getWeights gives). */
  state: { name: string; tensor: T }[];
}

export interface LanguageModelCheckpoint {
  config: LanguageModelConfig;
  weights: LanguageModelWeights<tf.Tensor>;
  /** The tokenizer's JSON (TokenizerJson); it must have one token per embedding row. */
  tokenizer: object;
  step: number;
  metrics: Record<string, number>;
  optimizer?: OptimizerState;
  /** The trainer's own resumable state (RNG, data position…): any JSON. */
  trainState?: unknown;
  /** Defaults to now. */
  createdAt?: Date;
}

export interface LoadedLanguageModelCheckpoint {
  /** From longhand.json when present, else from model.json (dropout: the largest Dropout rate, or 0). */
  config: LanguageModelConfig;
  /** New tensors the caller owns. */
  weights: LanguageModelWeights<tf.Tensor>;
  /** tokenizer.json, parsed but otherwise unchecked (src/text/tokenizers reads it). */
  tokenizerJson: unknown;
  /** null for a plain TF.js Layers model. */
  meta: LmCheckpointMeta | null;
  /** New tensors the caller owns, in the order they were saved. */
  optimizer?: OptimizerState;
  /** sha256 (for SQLite), size and per-file digests, as verified. */
  digest: CheckpointDigest;
}

export async function saveLanguageModelCheckpoint(
  dir: string,
  checkpoint: LanguageModelCheckpoint,
  options: Pick<WriteCheckpointOptions, 'onPhase'> = {},
): Promise<CheckpointDigest> {
  const root = path.resolve(dir);
  const { config } = checkpoint;
  const tokens = vocabularySize(checkpoint.tokenizer);
  if (tokens !== null && tokens !== config.vocabSize) {
    throw new CheckpointError('mismatch', `cannot save checkpoint ${root}: the tokenizer has ${tokens} tokens but the model's vocabulary is ${config.vocabSize}`, root, TOKENIZER_FILE);
  }
  const { modelJson, weightsBin } = await languageModelToArtifacts(config, checkpoint.weights);
  const files: Record<string, Uint8Array | string> = {
    [MODEL_FILE]: modelJsonText(modelJson),
    [WEIGHTS_FILE]: weightsBin,
    [TOKENIZER_FILE]: `${JSON.stringify(checkpoint.tokenizer)}\n`,
  };
  let optimizer: LmMetadataJson['optimizer'];
  if (checkpoint.optimizer) {
    const { name, hyper, state } = checkpoint.optimizer;
    const names = new Set(state.map((s) => s.name));
    if (names.size !== state.length) throw new Error('Optimizer state: tensor names must be unique');
    const { data, specs } = await tf.io.encodeWeights(state);
    files[OPTIMIZER_FILE] = new Uint8Array(data);
    optimizer = { name, hyper, file: OPTIMIZER_FILE, weightSpecs: specs as NonNullable<LmMetadataJson['optimizer']>['weightSpecs'] };
  }
  const metadata: Omit<LmMetadataJson, 'files'> = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    kind: 'lm',
    createdAt: (checkpoint.createdAt ?? new Date()).toISOString(),
    config: { ...config },
    step: checkpoint.step,
    metrics: encodeMetrics(checkpoint.metrics),
    ...(optimizer ? { optimizer } : {}),
    ...(checkpoint.trainState !== undefined ? { trainState: checkpoint.trainState } : {}),
  };
  return writeCheckpointDir(root, files, { metadata, onPhase: options.onPhase });
}

export async function loadLanguageModelCheckpoint(
  dir: string,
  options: { expectedSha256?: string } = {},
): Promise<LoadedLanguageModelCheckpoint> {
  const root = path.resolve(dir);
  await requireDirectory(root);
  await requireFile(root, MODEL_FILE, `no ${MODEL_FILE} in ${root}: a checkpoint is a TF.js Layers model directory (model.json, weight files, tokenizer.json)`);
  await requireFile(root, TOKENIZER_FILE, `no ${TOKENIZER_FILE} beside ${MODEL_FILE} in ${root}: Longhand needs the vocabulary the model was trained with`);
  const digest = await verifyCheckpointDir(root, options.expectedSha256);

  const metaJson = digest.files[METADATA_FILE] ? parseLmMetadata(await fs.readFile(path.join(root, METADATA_FILE), 'utf8'), root, METADATA_FILE) : null;
  const tokenizerJson = await readJson(root, TOKENIZER_FILE);
  if (typeof tokenizerJson !== 'object' || tokenizerJson === null || Array.isArray(tokenizerJson)) {
    throw new CheckpointError('invalid', `${TOKENIZER_FILE} in ${root} is not a tokenizer (expected a JSON object)`, root, TOKENIZER_FILE);
  }

  const model = await artifactsToLanguageModel(root);
  const owned: tf.Tensor[] = weightEntries(model.weights).map(([, t]) => t);
  try {
    const tokens = vocabularySize(tokenizerJson);
    if (tokens !== null && tokens !== model.config.vocabSize) {
      throw new CheckpointError(
        'mismatch',
        `${TOKENIZER_FILE} in ${root} has ${tokens} tokens but the model's embedding has ${model.config.vocabSize} rows: it is not the tokenizer the model was trained with`,
        root,
        TOKENIZER_FILE,
      );
    }
    let config = model.config;
    let meta: LmCheckpointMeta | null = null;
    let optimizer: OptimizerState | undefined;
    if (metaJson) {
      checkSameModel(metaJson.config, model.config, root);
      config = metaJson.config;
      const { files: _files, optimizer: opt, metrics, ...rest } = metaJson;
      meta = { ...rest, metrics: decodeMetrics(metrics), ...(opt ? { optimizer: { name: opt.name, hyper: opt.hyper } } : {}) };
      if (opt) {
        optimizer = { name: opt.name, hyper: opt.hyper, state: await readOptimizerState(root, opt.file, opt.weightSpecs) };
      }
    }
    return { config, weights: model.weights, tokenizerJson, meta, ...(optimizer ? { optimizer } : {}), digest };
  } catch (error) {
    tf.dispose(owned);
    throw error;
  }
}

/** Vocabulary size of a tokenizer's JSON: `tokens.length`, else a numeric `vocabSize`, else unknown (null). */
export function vocabularySize(tokenizer: unknown): number | null {
  if (typeof tokenizer !== 'object' || tokenizer === null) return null;
  const { tokens, vocabSize } = tokenizer as { tokens?: unknown; vocabSize?: unknown };
  if (Array.isArray(tokens)) return tokens.length;
  return typeof vocabSize === 'number' ? vocabSize : null;
}

function checkSameModel(meta: LanguageModelConfig, topology: LanguageModelConfig, root: string): void {
  const differ = (key: string, a: unknown, b: unknown) =>
    new CheckpointError('mismatch', `${METADATA_FILE} and ${MODEL_FILE} in ${root} describe different models (${key} ${String(a)} vs ${String(b)})`, root, METADATA_FILE);
  for (const key of ['vocabSize', 'embedDim', 'hiddenSize', 'layers', 'cell'] as const) {
    if (meta[key] !== topology[key]) throw differ(key, meta[key], topology[key]);
  }
  const [a, b] = [recurrentActivationOf(meta), recurrentActivationOf(topology)];
  if (a !== b) throw differ('recurrentActivation', a, b);
}

async function readOptimizerState(root: string, file: string, specs: tf.io.WeightsManifestEntry[]): Promise<OptimizerState['state']> {
  let data: Buffer;
  try {
    data = await fs.readFile(path.join(root, file));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    throw new CheckpointError('missing', `checkpoint ${root} is missing ${file} (the optimizer state named in ${METADATA_FILE})`, root, file);
  }
  const needed = specs.reduce((sum, spec) => sum + weightSpecBytes(spec), 0);
  if (data.byteLength !== needed) {
    throw new CheckpointError('truncated', `${file} in ${root} holds ${data.byteLength} bytes, ${METADATA_FILE} describes ${needed}`, root, file);
  }
  const buffer = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
  const tensors = tf.io.decodeWeights(buffer, specs);
  return specs.map((spec) => ({ name: spec.name, tensor: tensors[spec.name]! }));
}

async function requireDirectory(root: string): Promise<void> {
  const stat = await fs.stat(root).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') throw new CheckpointError('missing', `checkpoint ${root} does not exist`, root);
    throw error;
  });
  if (!stat.isDirectory()) throw new CheckpointError('missing', `checkpoint ${root} is a file, not a directory`, root);
}

async function requireFile(root: string, name: string, message: string): Promise<void> {
  try {
    await fs.access(path.join(root, name));
  } catch {
    throw new CheckpointError('missing', message, root, name);
  }
}

async function readJson(root: string, name: string): Promise<unknown> {
  const text = await fs.readFile(path.join(root, name), 'utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CheckpointError('invalid', `${name} in ${root} is not valid JSON (${errorMessage(error)})`, root, name);
  }
}
