/** The writer's settings as key → JSON value (the service owns their shape and defaults). */
import { isoNow, type RepoContext } from './context.js';

export interface SettingsRepo {
  /** Every stored setting, parsed. */
  all(): Record<string, unknown>;
  get(key: string): unknown;
  /** Stores several keys in one transaction. */
  set(values: Record<string, unknown>): void;
  remove(key: string): boolean;
}

export function settingsRepo(ctx: RepoContext): SettingsRepo {
  const { db } = ctx;
  const selectAll = db.prepare<[], { key: string; value: string }>('SELECT key, value FROM settings ORDER BY key');
  const selectOne = db.prepare<[string], string>('SELECT value FROM settings WHERE key = ?').pluck();
  const upsert = db.prepare<[string, string, string]>(
    `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
  );
  const del = db.prepare<[string]>('DELETE FROM settings WHERE key = ?');

  return {
    all: () => Object.fromEntries(selectAll.all().map((r) => [r.key, JSON.parse(r.value) as unknown])),
    get: (key) => {
      const value = selectOne.get(key);
      return value === undefined ? undefined : (JSON.parse(value) as unknown);
    },
    set: (values) =>
      db.transaction(() => {
        const now = isoNow(ctx);
        for (const [key, value] of Object.entries(values)) upsert.run(key, JSON.stringify(value ?? null), now);
      }).immediate(),
    remove: (key) => del.run(key).changes > 0,
  };
}
