/**
 * Schema versioning through `PRAGMA user_version`: each migration runs in its own IMMEDIATE transaction that
 * re-reads the version first, so two processes opening the same new database cannot both apply it.
 */
import type { Database } from 'better-sqlite3';
import { MIGRATIONS, type Migration } from './migrations/index.js';

export function userVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/** Applies the migrations in `list` newer than the database's version; returns the final version. */
export function migrate(db: Database, list: readonly Migration[] = MIGRATIONS): number {
  list.forEach((m, i) => {
    if (m.version !== i + 1) throw new Error(`migration ${m.name} has version ${m.version}, expected ${i + 1}`);
  });
  for (const m of list) {
    if (userVersion(db) >= m.version) continue;
    db.transaction(() => {
      if (userVersion(db) >= m.version) return;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
  }
  return userVersion(db);
}
