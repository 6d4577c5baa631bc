/**
 * Migration 3: what the application service keeps besides runs and metrics — the writer's settings (key → JSON
 * value), the text samples a run generates while it trains, and each run's latest progress (JSON, so a run
 * shown after a restart still says how far it got).
 */
import type { Migration } from './types.js';

export const migration003: Migration = {
  version: 3,
  name: 'service',
  sql: `
CREATE TABLE settings (
  key         TEXT PRIMARY KEY,
  value       TEXT NOT NULL CHECK (json_valid(value)),
  updated_at  TEXT NOT NULL
);

CREATE TABLE run_samples (
  id          INTEGER PRIMARY KEY,
  run_id      INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  step        INTEGER NOT NULL,
  text        TEXT NOT NULL,
  created_at  TEXT NOT NULL
);
CREATE INDEX run_samples_run_step ON run_samples(run_id, step);

ALTER TABLE runs ADD COLUMN progress TEXT CHECK (progress IS NULL OR json_valid(progress));
`,
};
