/** Migration 2: the editor's own documents (drafts the writer is working on, not training text). */
import type { Migration } from './types.js';

export const migration002: Migration = {
  version: 2,
  name: 'drafts',
  sql: `
CREATE TABLE drafts (
  id          INTEGER PRIMARY KEY,
  title       TEXT NOT NULL DEFAULT '',
  text        TEXT NOT NULL DEFAULT '',
  created_at  TEXT NOT NULL,
  updated_at  TEXT NOT NULL
);
CREATE INDEX drafts_updated ON drafts(updated_at);
`,
};
