/**
 * Store rows → the contract's shapes. Rows written by another version (or an imported model whose sizes are
 * outside what Longhand trains) must never break a listing: a config that does not fit the contract is shown
 * with each field clamped into range or filled with a neutral value, and unreadable progress is shown as none.
 */
import {
  LmConfigOut,
  PairsSource,
  RunProgress,
  Seq2seqModelConfigOut,
  Seq2seqTask,
  type Checkpoint,
  type CorpusSummary,
  type Run,
} from '../contract/index.js';
import type { CheckpointRow, JsonObject, RunRow, Store } from '../store/index.js';

/** The contract's output shape of a seq2seq run's config (model settings plus data and task). */
const Seq2seqConfigOut = Seq2seqModelConfigOut.extend({ pairs: PairsSource, task: Seq2seqTask });

const RANGES: Record<string, [number, number]> = {
  vocabSize: [16, 65_536],
  embed: [4, 2048],
  hidden: [8, 4096],
  layers: [1, 8],
  batch: [1, 1024],
  seq: [8, 2048],
  lr: [1e-6, 1],
  dropout: [0, 0.9],
  maxSourceLen: [8, 4096],
  maxTargetLen: [4, 1024],
};

const FALLBACK = {
  level: 'char',
  embed: 64,
  hidden: 256,
  layers: 1,
  cell: 'lstm',
  batch: 32,
  lr: 0.002,
  dropout: 0,
  budget: { steps: 1 },
  seq: 64,
  attention: 'bahdanau',
  copy: false,
  coverage: false,
  maxSourceLen: 400,
  maxTargetLen: 60,
  pairs: { kind: 'mined', corpusId: 1 },
  task: 'summarize',
} as const;

function clampField(key: string, value: unknown): unknown {
  const range = RANGES[key];
  if (!range || typeof value !== 'number' || !Number.isFinite(value)) return undefined;
  const clamped = Math.min(range[1], Math.max(range[0], value));
  return key === 'lr' || key === 'dropout' ? clamped : Math.round(clamped);
}

/** The stored config as the contract's output config of `kind`, repaired field by field if it has to be. */
export function contractConfig(kind: 'lm' | 'seq2seq', raw: JsonObject): Record<string, unknown> {
  const schema = kind === 'lm' ? LmConfigOut : Seq2seqConfigOut;
  const direct = schema.safeParse(raw);
  if (direct.success) return direct.data as Record<string, unknown>;
  const keys = Object.keys(schema.shape);
  const out: Record<string, unknown> = {};
  for (const key of keys) {
    const fieldSchema = (schema.shape as Record<string, { safeParse(v: unknown): { success: boolean } }>)[key]!;
    const value = raw[key];
    if (value !== undefined && fieldSchema.safeParse(value).success) out[key] = value;
    else if (clampField(key, value) !== undefined) out[key] = clampField(key, value);
    else if (key in FALLBACK) out[key] = FALLBACK[key as keyof typeof FALLBACK];
  }
  return out;
}

export function runProgressOf(raw: JsonObject | null): RunProgress | null {
  if (raw === null) return null;
  const parsed = RunProgress.safeParse(raw);
  return parsed.success ? parsed.data : null;
}

export function toRun(row: RunRow, progress: RunProgress | null): Run {
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
