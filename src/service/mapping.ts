/**
 * Store rows → the contract's shapes. Rows written by another version (or an imported model whose sizes are
 * outside what Longhand trains) must never break a listing: a config that does not fit the contract is shown
 * with each field clamped into range or filled with a neutral value, and unreadable progress is shown as none.
 */
import { z } from 'zod';
import type { RunProgress} from '../contract/index.js';
import { LmConfigOut, Seq2seqConfigOut, type Checkpoint, type CorpusSummary, type Run } from '../contract/index.js';
import type { CheckpointRow, JsonObject, RunRow, Store } from '../store/index.js';
import { LM_DEFAULTS, SEQ2SEQ_DEFAULTS } from '../train/config.js';

/** Neutral values for what a stored config lacks: the defaults of its kind. */
const FALLBACK = {
  lm: LM_DEFAULTS,
  seq2seq: { ...SEQ2SEQ_DEFAULTS.summarize, task: 'summarize', pairs: { kind: 'mined', corpusId: 1 } },
} as const;

/** A number clamped into the bounds its field's schema gives (rounded when the field is an integer). */
function clampField(field: z.ZodType, value: unknown): number | undefined {
  let f: z.ZodType = field;
  while (f instanceof z.ZodOptional || f instanceof z.ZodNullable) f = f.unwrap() as z.ZodType;
  if (!(f instanceof z.ZodNumber) || typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  const clamped = Math.min(f.maxValue ?? Infinity, Math.max(f.minValue ?? -Infinity, value));
  return f.isInt ? Math.round(clamped) : clamped;
}

/** The stored config as the contract's output config of `kind`, repaired field by field if it has to be. */
export function contractConfig(kind: 'lm' | 'seq2seq', raw: JsonObject): Record<string, unknown> {
  const schema = kind === 'lm' ? LmConfigOut : Seq2seqConfigOut;
  const direct = schema.safeParse(raw);
  if (direct.success) return direct.data as Record<string, unknown>;
  const fallback: Record<string, unknown> = FALLBACK[kind];
  const out: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    const value = raw[key];
    const clamped = clampField(field, value);
    if (value !== undefined && field.safeParse(value).success) out[key] = value;
    else if (clamped !== undefined) out[key] = clamped;
    else if (key in fallback) out[key] = fallback[key];
  }
  return out;
}

/** A run as the contract shows it; `origin` (./lineage.ts) when the caller has it. */
export function toRun(row: RunRow, progress: RunProgress | null, origin?: { lineage: string[]; trainedOn: string | null }): Run {
  return {
    id: row.id,
    name: row.name,
    kind: row.kind,
    status: row.status,
    corpusId: row.corpusId,
    backend: row.backend,
    createdAt: row.createdAt,
    startedAt: row.startedAt,
    finishedAt: row.finishedAt,
    updatedAt: row.updatedAt,
    error: row.error,
    progress,
    config: contractConfig(row.kind, row.config),
    ...origin,
  } as Run;
}

const finiteOrNull = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

export function toCheckpoint(row: CheckpointRow, run: RunRow): Checkpoint {
  const task = run.kind === 'seq2seq' ? (run.config.task as Checkpoint['task'] | undefined) ?? null : null;
  return {
    id: row.id,
    runId: row.runId,
    runName: run.name,
    kind: run.kind,
    task: task === 'summarize' || task === 'dialogue' ? task : null,
    step: row.step,
    bytes: row.bytes,
    createdAt: row.createdAt,
    isBest: row.isBest,
    isLast: row.isLast,
    metrics: Object.fromEntries(Object.entries(row.metrics).map(([k, v]) => [k, finiteOrNull(v)])),
  };
}

export function corpusSummary(store: Store, id: number): CorpusSummary | undefined {
  const row = store.corpora.get(id);
  if (!row) return undefined;
  return { ...row, ...store.corpora.stats(id) };
}
