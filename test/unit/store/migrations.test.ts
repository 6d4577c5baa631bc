import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, userVersion } from '../../../src/store/migrate.js';
import { MIGRATIONS } from '../../../src/store/migrations/index.js';
import { DatabaseTooNewError, LATEST_VERSION, openDatabase, openStore, StoreError } from '../../../src/store/index.js';
import { useTempDir } from './tempDir.js';

const TABLES = ['checkpoints', 'corpora', 'documents', 'drafts', 'metrics', 'run_samples', 'runs', 'settings'];
const sha = (file: string): string => createHash('sha256').update(fs.readFileSync(file)).digest('hex');

function tablesOf(file: string): string[] {
  const db = new Database(file, { readonly: true });
  try {
    return db
      .prepare<[], string>("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")
      .pluck()
      .all();
  } finally {
    db.close();
  }
}

function rawPragma(file: string, pragma: string): unknown {
  const db = new Database(file, { readonly: true });
  try {
    return db.pragma(pragma, { simple: true });
  } finally {
    db.close();
  }
}

describe('migrations', () => {
  const dir = useTempDir();

  it('numbers migrations 1..N without gaps', () => {
    expect(MIGRATIONS.map((m) => m.version)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(LATEST_VERSION).toBe(MIGRATIONS.length);
  });

  it('brings a fresh database to the latest version with every table, WAL and foreign keys', () => {
    const file = path.join(dir(), 'fresh.sqlite');
    const store = openDatabase(file);
    // foreign_keys is per connection: prove it through the store's own connection.
    expect(() => store.documents.add(12345, { title: 'orphan', text: 'no corpus' })).toThrow(/FOREIGN KEY/);
    store.close();
    expect(rawPragma(file, 'user_version')).toBe(LATEST_VERSION);
    expect(rawPragma(file, 'journal_mode')).toBe('wal');
    expect(tablesOf(file)).toEqual(TABLES);
  });

  it('openStore creates the data directory, longhand.sqlite and models/', () => {
    const home = path.join(dir(), 'nested', 'home');
    const store = openStore(home);
    expect(store.file).toBe(path.join(home, 'longhand.sqlite'));
    expect(store.modelsDir).toBe(path.join(home, 'models'));
    store.close();
    expect(fs.existsSync(path.join(home, 'longhand.sqlite'))).toBe(true);
    expect(fs.statSync(path.join(home, 'models')).isDirectory()).toBe(true);
  });

  it.each(Array.from({ length: LATEST_VERSION }, (_, n) => n))('upgrades a version-%i database, keeping its data', (n) => {
    const file = path.join(dir(), `v${n}.sqlite`);
    const old = new Database(file);
    expect(migrate(old, MIGRATIONS.slice(0, n))).toBe(n);
    if (n >= 1) {
      old.prepare("INSERT INTO corpora (name, created_at) VALUES ('kept', '2024-01-01T00:00:00.000Z')").run();
      old
        .prepare(
          `INSERT INTO documents (corpus_id, title, text, sha256, byte_count, char_count, word_count, distinct_chars, added_at)
           VALUES (1, 'old', 'old text', 'abc', 8, 8, 2, ' delotx', '2024-01-01T00:00:00.000Z')`,
        )
        .run();
    }
    old.close();

    const store = openDatabase(file);
    expect(store.drafts.create({ title: 'new table works' }).id).toBe(1);
    if (n >= 1) {
      const kept = store.corpora.byName('kept');
      expect(kept).toBeDefined();
      expect(store.documents.list(kept!.id).map((d) => d.title)).toEqual(['old']);
    }
    store.close();
    expect(rawPragma(file, 'user_version')).toBe(LATEST_VERSION);
    expect(tablesOf(file)).toEqual(TABLES);
  });

  it('stores an older CLI run\'s split tuple in the contract\'s shape (validationFraction, testFraction)', () => {
    const file = path.join(dir(), 'v3-runs.sqlite');
    const old = new Database(file);
    migrate(old, MIGRATIONS.slice(0, 3));
    const insert = old.prepare("INSERT INTO runs (kind, name, config, created_at, updated_at) VALUES (?, ?, ?, '2024', '2024')");
    insert.run('lm', 'old cli', JSON.stringify({ hidden: 128, split: [0.8, 0.15, 0.05], budget: { steps: 3 } }));
    insert.run('lm', 'new shape', JSON.stringify({ hidden: 64, validationFraction: 0.1, testFraction: 0 }));
    insert.run('seq2seq', 'pairs', JSON.stringify({ task: 'dialogue', split: 'kept as it is' }));
    old.close();

    const store = openDatabase(file);
    const configs = store.runs.list().map((r) => [r.name, r.config]);
    store.close();
    expect(Object.fromEntries(configs)).toEqual({
      'old cli': { hidden: 128, validationFraction: 0.15, testFraction: 0.05, budget: { steps: 3 } },
      'new shape': { hidden: 64, validationFraction: 0.1, testFraction: 0 },
      pairs: { task: 'dialogue', split: 'kept as it is' },
    });
  });

  it('opens an up-to-date database again without changes to its schema', () => {
    const file = path.join(dir(), 'twice.sqlite');
    openDatabase(file).close();
    const store = openDatabase(file);
    store.corpora.create('again');
    store.close();
    expect(rawPragma(file, 'user_version')).toBe(LATEST_VERSION);
  });

  it('applies each migration in its own transaction: a failing one leaves the previous version intact', () => {
    const file = path.join(dir(), 'broken.sqlite');
    const db = new Database(file);
    const broken = { version: LATEST_VERSION + 1, name: 'broken', sql: 'CREATE TABLE half_done (a); SELECT no_such_function();' };
    expect(() => migrate(db, [...MIGRATIONS, broken])).toThrow(/no_such_function/);
    expect(userVersion(db)).toBe(LATEST_VERSION);
    expect(db.prepare("SELECT count(*) FROM sqlite_schema WHERE name = 'half_done'").pluck().get()).toBe(0);
    db.close();
  });

  it.each([
    ['rollback journal', 'delete'],
    ['WAL', 'wal'],
  ])('refuses a newer database (%s) with a clear message and leaves its bytes unchanged', (_label, mode) => {
    const file = path.join(dir(), 'future.sqlite');
    const future = new Database(file);
    future.pragma(`journal_mode = ${mode}`);
    future.exec("CREATE TABLE from_the_future (x); INSERT INTO from_the_future VALUES ('hello');");
    future.pragma(`user_version = ${LATEST_VERSION + 7}`);
    future.close();
    const before = sha(file);
    const filesBefore = fs.readdirSync(dir()).sort();

    let caught: unknown;
    try {
      openDatabase(file);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(DatabaseTooNewError);
    const message = (caught as Error).message;
    expect(message).toContain(`schema version ${LATEST_VERSION + 7}`);
    expect(message).toContain(`up to version ${LATEST_VERSION}`);
    expect(message).toMatch(/newer Longhand/);
    expect(message).not.toContain('\n');
    expect(sha(file)).toBe(before);
    expect(fs.readdirSync(dir()).sort()).toEqual(filesBefore);
  });

  it('refuses a file that is not an SQLite database, and an SQLite database that is not Longhand’s', () => {
    const text = path.join(dir(), 'notes.sqlite');
    fs.writeFileSync(text, 'This is a shopping list, not a database. '.repeat(10));
    expect(() => openDatabase(text)).toThrow(StoreError);
    expect(() => openDatabase(text)).toThrow(/not a Longhand database/);

    const other = path.join(dir(), 'other.sqlite');
    const db = new Database(other);
    db.exec('CREATE TABLE recipes (name TEXT)');
    db.close();
    const before = sha(other);
    expect(() => openDatabase(other)).toThrow(/not a Longhand one/);
    expect(sha(other)).toBe(before);
  });

  it('lets two connections use the same database (WAL, busy timeout)', () => {
    const file = path.join(dir(), 'shared.sqlite');
    const a = openDatabase(file);
    const b = openDatabase(file);
    a.corpora.create('from-a');
    expect(b.corpora.byName('from-a')).toBeDefined();
    a.close();
    b.close();
  });
});
