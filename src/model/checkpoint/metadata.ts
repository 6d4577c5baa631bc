/**
 * What every kind of longhand.json shares: the header (`format`, `version`, `kind`) a reader checks first, and
 * metrics that may be NaN or ±Infinity (a diverged run still gets a checkpoint) — JSON has no such numbers, so
 * they are stored as the strings "NaN", "Infinity", "-Infinity".
 */
import { z } from 'zod';

export const CHECKPOINT_FORMAT = 'longhand-checkpoint';
/** A language model's tokenizer, beside its weights. */
export const TOKENIZER_FILE = 'tokenizer.json';
/** Bump when longhand.json changes incompatibly; readers refuse newer versions with a clear message. */
export const CHECKPOINT_VERSION = 1;

export const headerSchema = z.looseObject({ format: z.string(), version: z.number().int(), kind: z.string() });

const nonFinite = z.enum(['NaN', 'Infinity', '-Infinity']);
export const metricsSchema = z.record(z.string(), z.union([z.number(), nonFinite]));

export function encodeMetrics(metrics: Record<string, number>): z.infer<typeof metricsSchema> {
  return Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, Number.isFinite(v) ? v : (String(v) as z.infer<typeof nonFinite>)]));
}

export function decodeMetrics(metrics: Record<string, number | string>): Record<string, number> {
  return Object.fromEntries(Object.entries(metrics).map(([k, v]) => [k, Number(v)]));
}

/** The weight specs of a weights file, as model.json and longhand.json list them (tf.io.WeightsManifestEntry). */
export const weightSpecsSchema = z.array(
  z.looseObject({
    name: z.string(),
    shape: z.array(z.number().int().nonnegative()),
    dtype: z.enum(['float32', 'int32', 'bool', 'string', 'complex64']),
    quantization: z.looseObject({ dtype: z.enum(['uint8', 'uint16', 'float16']) }).optional(),
  }),
);
