/**
 * longhand.json: Longhand's own description of a checkpoint, beside the standard Layers files. Every kind of
 * checkpoint starts with the same header (`format`, `version`, `kind`) and ends with the `files` manifest
 * (./directory.ts adds it); a language model ('lm') adds its config, training step, metrics, creation time,
 * the optimizer's name, hyper-parameters and the weight specs of optimizer.bin, and the trainer's opaque state.
 *
 * Metrics may be NaN or ±Infinity (a diverged run still gets a checkpoint); JSON has no such numbers, so they
 * are stored as the strings "NaN", "Infinity", "-Infinity".
 */
import { z } from 'zod';
import type { LanguageModelConfig } from '../types.js';
import { CheckpointError, errorMessage } from './errors.js';
import { weightSpecsSchema } from './fileIO.js';
import { isCheckpointFileName } from './manifest.js';
import { fileManifestSchema } from './verify.js';

export const CHECKPOINT_FORMAT = 'longhand-checkpoint';
/** Bump when longhand.json changes incompatibly; readers refuse newer versions with a clear message. */
export const CHECKPOINT_VERSION = 1;

export const headerSchema = z.looseObject({ format: z.string(), version: z.number().int(), kind: z.string() });

const nonFinite = z.enum(['NaN', 'Infinity', '-Infinity']);
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
  metrics: z.record(z.string(), z.union([z.number(), nonFinite])),
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

export function encodeMetrics(metrics: Record<string, number>): LmMetadataJson['metrics'] {
  return Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, Number.isFinite(v) ? v : (String(v) as z.infer<typeof nonFinite>)]));
}

export function decodeMetrics(metrics: Record<string, number | string>): Record<string, number> {
  return Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, Number(v)]));
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
