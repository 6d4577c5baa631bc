/**
 * Seq2seq checkpoints: the same directory shape as language-model checkpoints (atomic write through
 * writeCheckpointDir, longhand.json with the file manifest, optional optimizer.bin), with Longhand's own
 * topology description instead of a TF.js Layers model.json, which cannot express an attention decoder:
 *
 *   seq2seq.json          {"format": "longhand-seq2seq", "version": 1, "config": {…}, "text": {level, tokenizer
 *                         files}, "weights": {"file": "weights.bin", "dtype": "float32", "tensors":
 *                         [{"name", "shape", "offset", "bytes"}…]}}: every weight named, in ./weights.ts order
 *   weights.bin           float32 little-endian, the tensors back to back
 *   tokenizer.json        shared vocabulary (or source.tokenizer.json + target.tokenizer.json)
 *   optimizer.bin         optimizer state (when saved with one); weight specs in longhand.json
 *   longhand.json         kind "seq2seq": task, config, step, metrics, optimizer, trainState, files
 *
 * Loading verifies every file against the manifest (and the sha256 SQLite recorded, when given), then refuses
 * with a one-line CheckpointError anything that does not fit together: another kind of checkpoint, a newer
 * format, a config that differs between the two JSON files, a weight list or weights.bin that does not match
 * the config, a tokenizer whose size is not the model's vocabulary. The JSON files' names and schemas, and
 * reading the two that describe the model, are ./checkpointFiles.ts (no TensorFlow).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { tf } from '../../compute/tf.js';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, CheckpointError, type CheckpointDigest, METADATA_FILE, type WriteCheckpointOptions, verifyCheckpointDir, writeCheckpointDir } from '../checkpoint/index.js';
import { errorMessage } from '../checkpoint/errors.js';
import { weightSpecBytes } from '../checkpoint/fileIO.js';
import { decodeMetrics, encodeMetrics } from '../checkpoint/metadata.js';
import { type Tokenizer, tokenizerFromJson } from '../../text/tokenizers/index.js';
import {
  type CheckpointFail,
  SEQ2SEQ_FILE,
  SEQ2SEQ_FORMAT,
  SEQ2SEQ_OPTIMIZER_FILE,
  SEQ2SEQ_VERSION,
  SEQ2SEQ_WEIGHTS_FILE,
  SHARED_TOKENIZER_FILE,
  SOURCE_TOKENIZER_FILE,
  TARGET_TOKENIZER_FILE,
  type Seq2seqMetadataJson,
  type Seq2seqTask,
  type Seq2seqTopologyJson,
  checkpointFail,
  readSeq2seqDescription,
} from './checkpointFiles.js';
import { Seq2seqCodec } from './codec.js';
import type { Seq2seqConfig, Weights } from './types.js';
import { validateSeq2seqConfig, weightSpecs } from './weights.js';

export { SEQ2SEQ_FILE, SEQ2SEQ_FORMAT, SEQ2SEQ_VERSION, type Seq2seqTask } from './checkpointFiles.js';

export interface Seq2seqOptimizerState {
  name: string;
  hyper: Record<string, unknown>;
  state: { name: string; tensor: tf.Tensor }[];
}

/**
 * How long the model's training targets were: the median over its training pairs of target tokens per source
 * token (neither cut to the model's lengths). A summary decoded without a minimum length is given about this
 * length (src/generate/seq2seq): beam search otherwise ends summaries well short of what the model was taught.
 */
export interface TargetLength {
  perSourceToken: number;
}

export interface Seq2seqCheckpoint {
  config: Seq2seqConfig;
  weights: Weights;
  codec: Seq2seqCodec;
  task: Seq2seqTask | null;
  targetLength?: TargetLength;
  step: number;
  metrics: Record<string, number>;
  optimizer?: Seq2seqOptimizerState;
  trainState?: unknown;
  createdAt?: Date;
}

export interface Seq2seqCheckpointMeta {
  kind: 'seq2seq';
  version: number;
  createdAt: string;
  task: Seq2seqTask | null;
  targetLength?: TargetLength;
  step: number;
  metrics: Record<string, number>;
  optimizer?: { name: string; hyper: Record<string, unknown> };
  trainState?: unknown;
}

export interface LoadedSeq2seqCheckpoint {
  config: Seq2seqConfig;
  /** New tensors the caller owns. */
  weights: Weights;
  codec: Seq2seqCodec;
  meta: Seq2seqCheckpointMeta;
  /** New tensors the caller owns. */
  optimizer?: Seq2seqOptimizerState;
  digest: CheckpointDigest;
}

export async function saveSeq2seqCheckpoint(dir: string, checkpoint: Seq2seqCheckpoint, options: Pick<WriteCheckpointOptions, 'onPhase'> = {}): Promise<CheckpointDigest> {
  const root = path.resolve(dir);
  const { config, codec } = checkpoint;
  validateSeq2seqConfig(config);
  if (codec.source.vocabSize !== config.sourceVocabSize || codec.target.vocabSize !== config.targetVocabSize) {
    throw new CheckpointError('mismatch', `cannot save checkpoint ${root}: the tokenizers (${codec.source.vocabSize}/${codec.target.vocabSize} tokens) do not fit the model's vocabularies (${config.sourceVocabSize}/${config.targetVocabSize})`, root);
  }
  const specs = weightSpecs(config);
  const tensors: Seq2seqTopologyJson['weights']['tensors'] = [];
  const chunks: Float32Array[] = [];
  let offset = 0;
  for (const { name, shape } of specs) {
    const t = checkpoint.weights[name];
    if (!t) throw new Error(`cannot save checkpoint ${root}: weight ${name} is missing`);
    const data = Float32Array.from(t.dataSync() as ArrayLike<number>);
    const bytes = data.byteLength;
    tensors.push({ name, shape, offset, bytes });
    chunks.push(data);
    offset += bytes;
  }
  const weightsBin = new Uint8Array(offset);
  let at = 0;
  for (const chunk of chunks) {
    weightsBin.set(littleEndianBytes(chunk), at);
    at += chunk.byteLength;
  }
  const files: Record<string, Uint8Array | string> = {};
  const [sourceFile, targetFile] = codec.shared ? [SHARED_TOKENIZER_FILE, SHARED_TOKENIZER_FILE] : [SOURCE_TOKENIZER_FILE, TARGET_TOKENIZER_FILE];
  files[sourceFile] = `${JSON.stringify(codec.source.toJSON())}\n`;
  files[targetFile] = `${JSON.stringify(codec.target.toJSON())}\n`;
  const topology: Seq2seqTopologyJson = {
    format: SEQ2SEQ_FORMAT,
    version: SEQ2SEQ_VERSION,
    config,
    text: { level: codec.level, sharedVocabulary: codec.shared, sourceTokenizer: sourceFile, targetTokenizer: targetFile },
    weights: { file: SEQ2SEQ_WEIGHTS_FILE, dtype: 'float32', tensors },
  };
  files[SEQ2SEQ_FILE] = `${JSON.stringify(topology, null, 1)}\n`;
  files[SEQ2SEQ_WEIGHTS_FILE] = weightsBin;
  let optimizer: Seq2seqMetadataJson['optimizer'];
  if (checkpoint.optimizer) {
    const { name, hyper, state } = checkpoint.optimizer;
    if (new Set(state.map((s) => s.name)).size !== state.length) throw new Error('Optimizer state: tensor names must be unique');
    const { data, specs: weightSpecsOut } = await tf.io.encodeWeights(state);
    files[SEQ2SEQ_OPTIMIZER_FILE] = new Uint8Array(data);
    optimizer = { name, hyper, file: SEQ2SEQ_OPTIMIZER_FILE, weightSpecs: weightSpecsOut as NonNullable<Seq2seqMetadataJson['optimizer']>['weightSpecs'] };
  }
  const metadata: Omit<Seq2seqMetadataJson, 'files'> = {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    kind: 'seq2seq',
    createdAt: (checkpoint.createdAt ?? new Date()).toISOString(),
    task: checkpoint.task,
    ...(checkpoint.targetLength ? { targetLength: checkpoint.targetLength } : {}),
    config,
    step: checkpoint.step,
    metrics: encodeMetrics(checkpoint.metrics),
    ...(optimizer ? { optimizer } : {}),
    ...(checkpoint.trainState !== undefined ? { trainState: checkpoint.trainState } : {}),
  };
  return writeCheckpointDir(root, files, { metadata, onPhase: options.onPhase });
}

export async function loadSeq2seqCheckpoint(dir: string, options: { expectedSha256?: string } = {}): Promise<LoadedSeq2seqCheckpoint> {
  const root = path.resolve(dir);
  const fail = checkpointFail(root);
  const digest = await verifyCheckpointDir(root, options.expectedSha256);
  const { meta, topology } = await readSeq2seqDescription(root, digest);
  const config = topology.config;
  try {
    validateSeq2seqConfig(config);
  } catch (error) {
    throw fail('invalid', errorMessage(error), SEQ2SEQ_FILE);
  }
  const expected = weightSpecs(config);
  const listed = topology.weights.tensors;
  expected.forEach((spec, i) => {
    const got = listed[i];
    if (!got || got.name !== spec.name) throw fail('mismatch', `should list weight ${spec.name} at position ${i}${got ? `, not ${got.name}` : ''}`, SEQ2SEQ_FILE);
    if (got.shape.join(',') !== spec.shape.join(',')) throw fail('mismatch', `gives ${spec.name} the shape [${got.shape.join(', ')}], the config needs [${spec.shape.join(', ')}]`, SEQ2SEQ_FILE);
    if (got.bytes !== 4 * spec.shape.reduce((a, b) => a * b, 1)) throw fail('mismatch', `gives ${spec.name} ${got.bytes} bytes for shape [${spec.shape.join(', ')}]`, SEQ2SEQ_FILE);
  });
  if (listed.length !== expected.length) throw fail('mismatch', `lists ${listed.length} weights, the config has ${expected.length}`, SEQ2SEQ_FILE);

  const weightsFile = topology.weights.file;
  const bin = await readFile(root, weightsFile, fail);
  const needed = listed.reduce((end, t) => Math.max(end, t.offset + t.bytes), 0);
  if (bin.byteLength !== needed) throw fail('truncated', `holds ${bin.byteLength} bytes, ${SEQ2SEQ_FILE} describes ${needed}`, weightsFile);

  const codec = await readCodec(root, topology.text, fail);
  if (codec.source.vocabSize !== config.sourceVocabSize || codec.target.vocabSize !== config.targetVocabSize) {
    throw fail('mismatch', `has tokenizers of ${codec.source.vocabSize}/${codec.target.vocabSize} tokens for vocabularies of ${config.sourceVocabSize}/${config.targetVocabSize}: not the tokenizers the model was trained with`, topology.text.targetTokenizer);
  }

  const weights: Weights = {};
  for (const t of listed) {
    const bytes = bin.subarray(t.offset, t.offset + t.bytes);
    weights[t.name] = tf.tensor(floatsFromLittleEndian(bytes), t.shape, 'float32');
  }
  let optimizer: Seq2seqOptimizerState | undefined;
  try {
    if (meta.optimizer) {
      const opt = meta.optimizer;
      const data = await readFile(root, opt.file, fail);
      const size = opt.weightSpecs.reduce((sum, spec) => sum + weightSpecBytes(spec as tf.io.WeightsManifestEntry), 0);
      if (data.byteLength !== size) throw fail('truncated', `holds ${data.byteLength} bytes, ${METADATA_FILE} describes ${size}`, opt.file);
      const buffer = data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer;
      const decoded = tf.io.decodeWeights(buffer, opt.weightSpecs as tf.io.WeightsManifestEntry[]);
      optimizer = { name: opt.name, hyper: opt.hyper, state: opt.weightSpecs.map((spec) => ({ name: spec.name, tensor: decoded[spec.name]! })) };
    }
  } catch (error) {
    tf.dispose(Object.values(weights));
    throw error;
  }
  const result: LoadedSeq2seqCheckpoint = {
    config,
    weights,
    codec,
    meta: {
      kind: 'seq2seq',
      version: meta.version,
      createdAt: meta.createdAt,
      task: meta.task,
      ...(meta.targetLength ? { targetLength: meta.targetLength } : {}),
      step: meta.step,
      metrics: decodeMetrics(meta.metrics),
      ...(meta.optimizer ? { optimizer: { name: meta.optimizer.name, hyper: meta.optimizer.hyper } } : {}),
      ...(meta.trainState !== undefined ? { trainState: meta.trainState } : {}),
    },
    digest,
  };
  if (optimizer) result.optimizer = optimizer;
  return result;
}

/** Frees a loaded checkpoint's tensors (weights and optimizer state). */
export function disposeSeq2seqCheckpoint(loaded: LoadedSeq2seqCheckpoint): void {
  tf.dispose(Object.values(loaded.weights));
  if (loaded.optimizer) tf.dispose(loaded.optimizer.state.map((s) => s.tensor));
}

async function readCodec(root: string, text: Seq2seqTopologyJson['text'], fail: CheckpointFail): Promise<Seq2seqCodec> {
  const load = async (file: string): Promise<Tokenizer> => {
    const raw = await readFile(root, file, fail);
    try {
      return tokenizerFromJson(raw.toString('utf8'));
    } catch (error) {
      throw fail('invalid', `is not a tokenizer: ${errorMessage(error)}`, file);
    }
  };
  const source = await load(text.sourceTokenizer);
  const target = text.sharedVocabulary ? source : await load(text.targetTokenizer);
  try {
    return new Seq2seqCodec(text.level, source, target);
  } catch (error) {
    throw fail('invalid', errorMessage(error), text.targetTokenizer);
  }
}

async function readFile(root: string, name: string, fail: CheckpointFail): Promise<Buffer> {
  try {
    return await fs.readFile(path.join(root, name));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw fail('missing', 'is missing', name);
    throw error;
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function littleEndianBytes(data: Float32Array): Uint8Array {
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  if (LITTLE_ENDIAN) return bytes;
  const out = new Uint8Array(bytes.length);
  const view = new DataView(out.buffer);
  data.forEach((v, i) => view.setFloat32(4 * i, v, true));
  return out;
}

function floatsFromLittleEndian(bytes: Uint8Array): Float32Array {
  // A fresh, aligned copy (a Node Buffer's slice() is a view into a shared pool, not a copy).
  const copy = new Uint8Array(bytes.byteLength);
  copy.set(bytes);
  if (LITTLE_ENDIAN) return new Float32Array(copy.buffer, 0, copy.byteLength / 4);
  const view = new DataView(copy.buffer);
  return Float32Array.from({ length: copy.byteLength / 4 }, (_, i) => view.getFloat32(4 * i, true));
}
