/**
 * A seq2seq checkpoint's JSON files: their names, their schemas, and reading the two that describe the model —
 * seq2seq.json (topology: config, text, weight list) and longhand.json (kind "seq2seq": task, config, step,
 * metrics, optimizer, trainState, files) — each checked, and checked against the other. No TensorFlow here: the
 * service reads a parent model's architecture with this (src/train/seq2seq/parentModel.ts); ./checkpoint.ts
 * writes checkpoints and loads their weights and tokenizers.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { METADATA_FILE } from '../checkpoint/directory.js';
import { CheckpointError, type CheckpointErrorCode, errorMessage } from '../checkpoint/errors.js';
import { type CheckpointDigest, isCheckpointFileName } from '../checkpoint/manifest.js';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, headerSchema, weightSpecsSchema } from '../checkpoint/metadata.js';
import { fileManifestSchema } from '../checkpoint/verify.js';
import type { Seq2seqConfig } from './types.js';

export const SEQ2SEQ_FILE = 'seq2seq.json';
export const SEQ2SEQ_WEIGHTS_FILE = 'weights.bin';
export const SHARED_TOKENIZER_FILE = 'tokenizer.json';
export const SOURCE_TOKENIZER_FILE = 'source.tokenizer.json';
export const TARGET_TOKENIZER_FILE = 'target.tokenizer.json';
export const SEQ2SEQ_OPTIMIZER_FILE = 'optimizer.bin';
export const SEQ2SEQ_FORMAT = 'longhand-seq2seq';
export const SEQ2SEQ_VERSION = 1;

export type Seq2seqTask = 'summarize' | 'dialogue';

const configSchema = z.object({
  sourceVocabSize: z.number().int().positive(),
  targetVocabSize: z.number().int().positive(),
  sharedEmbedding: z.boolean(),
  embedDim: z.number().int().positive(),
  hiddenSize: z.number().int().positive(),
  layers: z.number().int().positive(),
  bidirectional: z.boolean(),
  attention: z.enum(['bahdanau', 'luong']),
  luongScore: z.enum(['general', 'dot']),
  copy: z.boolean(),
  coverage: z.boolean(),
  sourceCounts: z.boolean().optional(),
  dropout: z.number().min(0).lt(1),
  maxSourceLen: z.number().int().positive(),
  maxTargetLen: z.number().int().positive(),
  specials: z.object({ pad: z.number().int(), bos: z.number().int(), eos: z.number().int(), unk: z.number().int() }),
  sourceSpecials: z.object({ pad: z.number().int(), unk: z.number().int() }),
}) satisfies z.ZodType<Seq2seqConfig>;

const fileName = z.string().refine(isCheckpointFileName, 'not a checkpoint file name');

export const topologySchema = z.object({
  format: z.literal(SEQ2SEQ_FORMAT),
  version: z.number().int(),
  config: configSchema,
  text: z.object({ level: z.enum(['char', 'word', 'bpe']), sharedVocabulary: z.boolean(), sourceTokenizer: fileName, targetTokenizer: fileName }),
  weights: z.object({
    file: fileName,
    dtype: z.literal('float32'),
    tensors: z.array(z.object({ name: z.string(), shape: z.array(z.number().int().nonnegative()), offset: z.number().int().nonnegative(), bytes: z.number().int().nonnegative() })),
  }),
});

export const metadataSchema = z.object({
  format: z.literal(CHECKPOINT_FORMAT),
  version: z.number().int(),
  kind: z.literal('seq2seq'),
  createdAt: z.string(),
  task: z.enum(['summarize', 'dialogue']).nullable(),
  /** How long the training targets were (absent in checkpoints written before it was recorded). */
  targetLength: z.object({ perSourceToken: z.number().positive().finite() }).optional(),
  config: configSchema,
  step: z.number().int().nonnegative(),
  metrics: z.record(z.string(), z.union([z.number(), z.enum(['NaN', 'Infinity', '-Infinity'])])),
  optimizer: z.object({ name: z.string(), hyper: z.record(z.string(), z.unknown()), file: fileName, weightSpecs: weightSpecsSchema }).optional(),
  trainState: z.unknown().optional(),
  files: fileManifestSchema,
});

export type Seq2seqTopologyJson = z.infer<typeof topologySchema>;
export type Seq2seqMetadataJson = z.infer<typeof metadataSchema>;

/** A one-line CheckpointError about the checkpoint in `root` (and one of its files). */
export type CheckpointFail = (code: CheckpointErrorCode, message: string, file?: string) => CheckpointError;

export function checkpointFail(root: string): CheckpointFail {
  return (code, message, file) => new CheckpointError(code, `${file ? `${file} in ` : ''}checkpoint ${root} ${message}`, root, file);
}

/**
 * longhand.json and seq2seq.json of the checkpoint in `root` (whose files `digest` lists: verify it first), each
 * checked against its schema, refusing another kind of checkpoint, a newer format, and two files that describe
 * different models.
 */
export async function readSeq2seqDescription(root: string, digest: CheckpointDigest): Promise<{ meta: Seq2seqMetadataJson; topology: Seq2seqTopologyJson }> {
  const fail = checkpointFail(root);
  if (!digest.files[METADATA_FILE]) throw fail('missing', `has no ${METADATA_FILE}: it is not a Longhand seq2seq checkpoint`);
  const metaValue = await readJson(root, METADATA_FILE);
  const header = headerSchema.safeParse(metaValue);
  if (!header.success || header.data.format !== CHECKPOINT_FORMAT) throw fail('invalid', `is not Longhand checkpoint metadata`, METADATA_FILE);
  if (header.data.version > CHECKPOINT_VERSION) throw fail('unsupported', `was written by a newer Longhand (format ${header.data.version})`, METADATA_FILE);
  if (header.data.kind !== 'seq2seq') throw fail('unsupported', `describes a ${header.data.kind} checkpoint, not a seq2seq model`, METADATA_FILE);
  const meta = parseWith(metadataSchema, metaValue, (m) => fail('invalid', `is not valid: ${m}`, METADATA_FILE));
  if (!digest.files[SEQ2SEQ_FILE]) throw fail('missing', `has no ${SEQ2SEQ_FILE} (the model's topology)`);
  const topologyValue = await readJson(root, SEQ2SEQ_FILE);
  const topoHeader = z.object({ format: z.string(), version: z.number() }).safeParse(topologyValue);
  if (!topoHeader.success || topoHeader.data.format !== SEQ2SEQ_FORMAT) throw fail('invalid', `is not a Longhand seq2seq topology`, SEQ2SEQ_FILE);
  if (topoHeader.data.version > SEQ2SEQ_VERSION) throw fail('unsupported', `was written by a newer Longhand (seq2seq format ${topoHeader.data.version})`, SEQ2SEQ_FILE);
  const topology = parseWith(topologySchema, topologyValue, (m) => fail('invalid', `is not valid: ${m}`, SEQ2SEQ_FILE));
  if (JSON.stringify(canonical(topology.config)) !== JSON.stringify(canonical(meta.config))) {
    throw fail('mismatch', `and ${METADATA_FILE} describe different models`, SEQ2SEQ_FILE);
  }
  return { meta, topology };
}

async function readJson(root: string, name: string): Promise<unknown> {
  const text = await fs.readFile(path.join(root, name), 'utf8');
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new CheckpointError('invalid', `${name} in checkpoint ${root} is not valid JSON (${errorMessage(error)})`, root, name);
  }
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown, fail: (message: string) => Error): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0]!;
  throw fail(`${issue.path.join('.') || '(root)'}: ${issue.message}`);
}

/** Config with keys in a fixed order, for comparing the two JSON files' copies. */
function canonical(config: Seq2seqConfig): unknown {
  return Object.fromEntries(Object.keys(config).sort().map((k) => [k, (config as unknown as Record<string, unknown>)[k]]));
}
