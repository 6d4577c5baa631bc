/**
 * A language model's longhand.json, beside the standard Layers files: the shared header (./metadata.ts), its
 * config, training step, metrics, creation time, the optimizer's name, hyper-parameters and the weight specs of
 * optimizer.bin, the trainer's opaque state, and the `files` manifest (./directory.ts adds it).
 */
import { z } from 'zod';
import type { LanguageModelConfig } from '../types.js';
import { CheckpointError, errorMessage } from './errors.js';
import { isCheckpointFileName } from './manifest.js';
import { CHECKPOINT_FORMAT, CHECKPOINT_VERSION, headerSchema, metricsSchema, weightSpecsSchema } from './metadata.js';
import { fileManifestSchema } from './verify.js';

const configSchema = z.object({
  vocabSize: z.number().int().positive(),
  embedDim: z.number().int().positive(),
  hiddenSize: z.number().int().positive(),
  layers: z.number().int().positive(),
  cell: z.enum(['lstm', 'gru']),
  dropout: z.number().min(0).lt(1),
  recurrentActivation: z.enum(['sigmoid', 'hard_sigmoid']).optional(),
}) satisfies z.ZodType<LanguageModelConfig>;

export const lmMetadataSchema = z.object({
  format: z.literal(CHECKPOINT_FORMAT),
  version: z.number().int(),
  kind: z.literal('lm'),
  createdAt: z.string(),
  config: configSchema,
  step: z.number().int().nonnegative(),
  metrics: metricsSchema,
  optimizer: z
    .object({
      name: z.string(),
      hyper: z.record(z.string(), z.unknown()),
      file: z.string().refine(isCheckpointFileName, 'not a checkpoint file name'),
      weightSpecs: weightSpecsSchema,
    })
    .optional(),
  trainState: z.unknown().optional(),
  files: fileManifestSchema,
});

export type LmMetadataJson = z.infer<typeof lmMetadataSchema>;

/** What a language model checkpoint records besides its weights, as the loader returns it. */
export interface LmCheckpointMeta {
  format: typeof CHECKPOINT_FORMAT;
  version: number;
  kind: 'lm';
  createdAt: string;
  config: LanguageModelConfig;
  step: number;
  metrics: Record<string, number>;
  optimizer?: { name: string; hyper: Record<string, unknown> };
  trainState?: unknown;
}

/** Parses longhand.json text as a language-model checkpoint's metadata, refusing other kinds and newer formats. */
export function parseLmMetadata(text: string, dir: string, file: string): LmMetadataJson {
  const fail = (code: 'invalid' | 'unsupported', message: string) => new CheckpointError(code, `${file} in ${dir} ${message}`, dir, file);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw fail('invalid', `is not valid JSON (${errorMessage(error)})`);
  }
  const header = headerSchema.safeParse(value);
  if (!header.success || header.data.format !== CHECKPOINT_FORMAT) throw fail('invalid', `is not Longhand checkpoint metadata (no "format": "${CHECKPOINT_FORMAT}")`);
  if (header.data.version > CHECKPOINT_VERSION) {
    throw fail('unsupported', `was written by a newer Longhand (checkpoint format ${header.data.version}; this version reads up to ${CHECKPOINT_VERSION})`);
  }
  if (header.data.kind !== 'lm') throw fail('unsupported', `describes a ${header.data.kind} checkpoint, not a language model`);
  const parsed = lmMetadataSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw fail('invalid', `is not valid: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  return parsed.data;
}
