/**
 * Row types of the store, written once. Repositories map snake_case columns to these camelCase objects;
 * timestamps (`...At`) are ISO-8601 UTC strings, `MetricRow.time` is milliseconds since the epoch.
 */

export type JsonObject = Record<string, unknown>;

// ---- corpora and documents ----

export interface CorpusRow {
  id: number;
  name: string;
  createdAt: string;
}

export interface CorpusStats {
  documents: number;
  /** Unicode code points. */
  characters: number;
  words: number;
  /** UTF-8 bytes of the stored (normalised) text. */
  bytes: number;
  /** Distinct code points across all documents (whitespace included). */
  distinctCharacters: number;
}

export type CorpusSummary = CorpusRow & CorpusStats;

export interface DocumentRow {
  id: number;
  corpusId: number;
  title: string;
  text: string;
  /** sha256 of `text` (normalised text, so the same content from CRLF and LF files is one document). */
  sha256: string;
  sourcePath: string | null;
  byteCount: number;
  charCount: number;
  wordCount: number;
  /** The document's distinct code points, sorted. */
  distinctChars: string;
  addedAt: string;
}

/** A document without its text, for listings. */
export type DocumentSummary = Omit<DocumentRow, 'text' | 'distinctChars'>;

export interface NewDocument {
  title: string;
  /** Already normalised (see src/text/import); counts and sha256 are computed from it by the store. */
  text: string;
  sourcePath?: string | null;
}

export type AddDocumentResult =
  | { status: 'added'; document: DocumentSummary }
  | { status: 'duplicate'; document: DocumentSummary };

// ---- runs ----

export const RUN_KINDS = ['lm', 'seq2seq'] as const;
export type RunKind = (typeof RUN_KINDS)[number];

export const RUN_STATUSES = ['queued', 'running', 'paused', 'finished', 'failed', 'cancelled', 'interrupted'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

export interface RunRow {
  id: number;
  kind: RunKind;
  name: string;
  corpusId: number | null;
  config: JsonObject;
  status: RunStatus;
  backend: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  updatedAt: string;
  error: string | null;
}

export interface NewRun {
  kind: RunKind;
  name: string;
  corpusId?: number | null;
  config?: JsonObject;
  backend?: string | null;
}

// ---- metrics ----

export const METRIC_SPLITS = ['train', 'validation', 'test'] as const;
export type MetricSplit = (typeof METRIC_SPLITS)[number];

export interface MetricPoint {
  step: number;
  split: MetricSplit;
  name: string;
  /** NaN is allowed (a diverged loss) and comes back as NaN. */
  value: number;
  /** Milliseconds since the epoch; defaults to now. */
  time?: number;
}

export interface MetricRow extends MetricPoint {
  runId: number;
  time: number;
}

// ---- checkpoints ----

export interface CheckpointRow {
  id: number;
  runId: number;
  step: number;
  /** Directory of the checkpoint, preferably relative to the data directory (models/<run-id>/<step>). */
  path: string;
  sha256: string;
  bytes: number;
  metrics: JsonObject;
  isBest: boolean;
  isLast: boolean;
  createdAt: string;
}

export interface NewCheckpoint {
  runId: number;
  step: number;
  path: string;
  sha256: string;
  bytes: number;
  metrics?: JsonObject;
  /** Make this the run's best checkpoint. The run's first checkpoint is its best until another is marked. */
  isBest?: boolean;
  /** Make this the run's last checkpoint (default true: a new checkpoint is the latest). */
  isLast?: boolean;
}

// ---- drafts ----

export interface DraftRow {
  id: number;
  title: string;
  text: string;
  createdAt: string;
  updatedAt: string;
}

/** Where timestamps come from; tests pass a fixed clock. */
export type Clock = () => Date;
