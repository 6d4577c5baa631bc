/**
 * Opening Longhand's SQLite database: refuse one written by a newer Longhand without touching it, then
 * switch on WAL and foreign keys, migrate, and hand out the typed repositories.
 */
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { checkpointsRepo, type CheckpointsRepo } from './checkpoints.js';
import type { RepoContext } from './context.js';
import { corporaRepo, type CorporaRepo } from './corpora.js';
import { DATABASE_FILE, MODELS_DIR } from './dataDir.js';
import { documentsRepo, type DocumentsRepo } from './documents.js';
import { draftsRepo, type DraftsRepo } from './drafts.js';
import { DatabaseTooNewError, StoreError } from './errors.js';
import { metricsRepo, type MetricsRepo } from './metrics.js';
import { migrate, userVersion } from './migrate.js';
import { LATEST_VERSION, MIGRATIONS } from './migrations/index.js';
import { runsRepo, type RunsRepo } from './runs.js';
import { runSamplesRepo, type RunSamplesRepo } from './samples.js';
import { settingsRepo, type SettingsRepo } from './settings.js';
import type { Clock } from './types.js';

/** How long a writer waits for another connection's lock before failing with SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5000;

export interface Store {
  /** The database file. */
  readonly file: string;
  /** Where model checkpoints live: `models/` beside the database. */
  readonly modelsDir: string;
  readonly corpora: CorporaRepo;
  readonly documents: DocumentsRepo;
  readonly runs: RunsRepo;
  readonly metrics: MetricsRepo;
  readonly checkpoints: CheckpointsRepo;
  readonly drafts: DraftsRepo;
  readonly settings: SettingsRepo;
  readonly samples: RunSamplesRepo;
  /** Runs `fn` in one IMMEDIATE transaction (repository calls inside nest as savepoints). */
  transaction<T>(fn: () => T): T;
  close(): void;
}

export interface OpenOptions {
  /** Source of timestamps (tests pass a fixed clock). */
  now?: Clock;
  /**
   * Path of a better-sqlite3 native addon to load instead of the one in node_modules. The Electron main process
   * passes the copy built for Electron's ABI (scripts/electron-native.mjs); Node uses the default.
   */
  nativeBinding?: string;
}

/** Opens (creating if needed) the database in a data directory, e.g. `resolveDataDir()`. */
export function openStore(dataDir: string, options: OpenOptions = {}): Store {
  fs.mkdirSync(dataDir, { recursive: true });
  const store = openDatabase(path.join(dataDir, DATABASE_FILE), options);
  fs.mkdirSync(store.modelsDir, { recursive: true });
  return store;
}

/** Opens (creating if needed) a database file at the latest schema version. */
export function openDatabase(file: string, options: OpenOptions = {}): Store {
  // A newer schema must be left exactly as found: check the file header before SQLite even opens it (an
  // open read-write connection removes WAL files on close), then again through SQLite before any write.
  const headerVersion = versionInHeader(file);
  if (headerVersion !== undefined && headerVersion > LATEST_VERSION) {
    throw new DatabaseTooNewError(file, headerVersion, LATEST_VERSION);
  }
  const db = openRaw(file, options.nativeBinding);
  try {
    const found = readVersion(db, file);
    if (found > LATEST_VERSION) throw new DatabaseTooNewError(file, found, LATEST_VERSION);
    if (found === 0 && hasTables(db)) {
      throw new StoreError(`${file} is an SQLite database but not a Longhand one; it was not changed`);
    }
    db.pragma('journal_mode = WAL');
    db.pragma('foreign_keys = ON');
    migrate(db, MIGRATIONS);
  } catch (error) {
    db.close();
    throw error;
  }
  const ctx: RepoContext = { db, now: options.now ?? (() => new Date()) };
  return {
    file,
    modelsDir: path.join(path.dirname(file), MODELS_DIR),
    corpora: corporaRepo(ctx),
    documents: documentsRepo(ctx),
    runs: runsRepo(ctx),
    metrics: metricsRepo(ctx),
    checkpoints: checkpointsRepo(ctx),
    drafts: draftsRepo(ctx),
    settings: settingsRepo(ctx),
    samples: runSamplesRepo(ctx),
    transaction: (fn) => db.transaction(fn).immediate(),
    close: () => db.close(),
  };
}

const SQLITE_MAGIC = Buffer.from('SQLite format 3\0', 'latin1');

/** `user_version` as stored in the database header (big-endian at offset 60), without opening it in SQLite. */
function versionInHeader(file: string): number | undefined {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, 'r');
    const header = Buffer.alloc(100);
    if (fs.readSync(fd, header, 0, 100, 0) < 100) return undefined;
    if (!header.subarray(0, 16).equals(SQLITE_MAGIC)) return undefined;
    return header.readInt32BE(60);
  } catch {
    return undefined; // missing or unreadable: SQLite will create it or report the error
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

function openRaw(file: string, nativeBinding: string | undefined): Database.Database {
  try {
    // `timeout` is SQLite's busy_timeout for this connection.
    return new Database(file, { timeout: BUSY_TIMEOUT_MS, ...(nativeBinding ? { nativeBinding } : {}) });
  } catch (error) {
    throw new StoreError(`cannot open database ${file}: ${(error as Error).message}`, { cause: error });
  }
}

function readVersion(db: Database.Database, file: string): number {
  try {
    return userVersion(db);
  } catch (error) {
    throw new StoreError(`${file} is not a Longhand database (${(error as Error).message})`, { cause: error });
  }
}

function hasTables(db: Database.Database): boolean {
  return db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' LIMIT 1").get() !== undefined;
}
