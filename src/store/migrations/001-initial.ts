/**
 * Migration 1: corpora and their documents, training runs, their metrics and checkpoints.
 * Timestamps (`*_at`) are ISO-8601 UTC text; `metrics.time` is milliseconds since the epoch (many rows,
 * plotted on a time axis). Never edit a released migration: add the next number instead.
 */
import type { Migration } from './types.js';

export const migration001: Migration = {
  version: 1,
  name: 'initial',
  sql: `
CREATE TABLE corpora (
  id          INTEGER PRIMARY KEY,
  name        TEXT NOT NULL UNIQUE,
  created_at  TEXT NOT NULL
);

-- Counts are computed once at insert time so corpus statistics are sums, not scans. distinct_chars holds the
-- document's distinct code points (sorted), merged per corpus at query time.
CREATE TABLE documents (
  id              INTEGER PRIMARY KEY,
  corpus_id       INTEGER NOT NULL REFERENCES corpora(id) ON DELETE CASCADE,
  title           TEXT NOT NULL,
  text            TEXT NOT NULL,
  sha256          TEXT NOT NULL,
  source_path     TEXT,
  byte_count      INTEGER NOT NULL,
  char_count      INTEGER NOT NULL,
  word_count      INTEGER NOT NULL,
  distinct_chars  TEXT NOT NULL,
  added_at        TEXT NOT NULL,
  UNIQUE (corpus_id, sha256)
);

-- AUTOINCREMENT: run ids name model directories (models/<run-id>/), so an id must never be reused.
CREATE TABLE runs (
  id           INTEGER PRIMARY KEY AUTOINCREMENT,
  kind         TEXT NOT NULL CHECK (kind IN ('lm', 'seq2seq')),
  name         TEXT NOT NULL,
  corpus_id    INTEGER REFERENCES corpora(id) ON DELETE SET NULL,
  config       TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(config)),
  status       TEXT NOT NULL DEFAULT 'queued'
               CHECK (status IN ('queued', 'running', 'paused', 'finished', 'failed', 'cancelled', 'interrupted')),
  backend      TEXT,
  created_at   TEXT NOT NULL,
  started_at   TEXT,
  finished_at  TEXT,
  updated_at   TEXT NOT NULL,
  error        TEXT
);
CREATE INDEX runs_status ON runs(status);
CREATE INDEX runs_corpus ON runs(corpus_id);

-- value is NULL when the metric was NaN (a diverged loss): SQLite has no NaN.
CREATE TABLE metrics (
  run_id  INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  step    INTEGER NOT NULL,
  split   TEXT NOT NULL CHECK (split IN ('train', 'validation', 'test')),
  name    TEXT NOT NULL,
  value   REAL,
  time    INTEGER NOT NULL
);
CREATE INDEX metrics_run_name_step ON metrics(run_id, name, step);

CREATE TABLE checkpoints (
  id          INTEGER PRIMARY KEY AUTOINCREMENT,
  run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  step        INTEGER NOT NULL,
  path        TEXT NOT NULL,
  sha256      TEXT NOT NULL,
  bytes       INTEGER NOT NULL,
  metrics     TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(metrics)),
  is_best     INTEGER NOT NULL DEFAULT 0 CHECK (is_best IN (0, 1)),
  is_last     INTEGER NOT NULL DEFAULT 0 CHECK (is_last IN (0, 1)),
  created_at  TEXT NOT NULL,
  UNIQUE (run_id, step)
);
-- At most one best and one last checkpoint per run; the repository keeps it at exactly one.
CREATE UNIQUE INDEX checkpoints_one_best ON checkpoints(run_id) WHERE is_best = 1;
CREATE UNIQUE INDEX checkpoints_one_last ON checkpoints(run_id) WHERE is_last = 1;
`,
};
