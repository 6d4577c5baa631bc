/** Corpora: named collections of documents to train on, and their statistics. */
import { mergeDistinct } from '../text/stats.js';
import { isoNow, type RepoContext } from './context.js';
import { NotFoundError, NameTakenError, StoreError } from './errors.js';
import type { CorpusRow, CorpusStats, CorpusSummary } from './types.js';

interface CorpusDbRow {
  id: number;
  name: string;
  created_at: string;
}

const toCorpus = (r: CorpusDbRow): CorpusRow => ({ id: r.id, name: r.name, createdAt: r.created_at });

export interface CorporaRepo {
  /** Throws StoreError if the name is taken. */
  create(name: string): CorpusRow;
  getOrCreate(name: string): CorpusRow;
  get(id: number): CorpusRow | undefined;
  byName(name: string): CorpusRow | undefined;
  /** Every corpus with its statistics, by name. */
  list(): CorpusSummary[];
  stats(id: number): CorpusStats;
  /** Every distinct code point of the corpus's documents, in code point order. */
  charset(id: number): string;
  /** Throws StoreError if another corpus has the name, or there is no corpus `id`. */
  rename(id: number, name: string): CorpusRow;
  /** Deletes the corpus and its documents; runs trained on it keep their rows with corpusId null. */
  remove(id: number): boolean;
}

export function corporaRepo(ctx: RepoContext): CorporaRepo {
  const { db } = ctx;
  const insert = db.prepare<[string, string], CorpusDbRow>(
    'INSERT INTO corpora (name, created_at) VALUES (?, ?) RETURNING id, name, created_at',
  );
  const selectById = db.prepare<[number], CorpusDbRow>('SELECT id, name, created_at FROM corpora WHERE id = ?');
  const selectByName = db.prepare<[string], CorpusDbRow>('SELECT id, name, created_at FROM corpora WHERE name = ?');
  const selectAll = db.prepare<[], CorpusDbRow>('SELECT id, name, created_at FROM corpora ORDER BY name');
  const sums = db.prepare<[number], { documents: number; characters: number; words: number; bytes: number }>(
    `SELECT count(*) AS documents, coalesce(sum(char_count), 0) AS characters,
            coalesce(sum(word_count), 0) AS words, coalesce(sum(byte_count), 0) AS bytes
       FROM documents WHERE corpus_id = ?`,
  );
  const charSets = db.prepare<[number], string>('SELECT distinct_chars FROM documents WHERE corpus_id = ?').pluck();
  const del = db.prepare<[number]>('DELETE FROM corpora WHERE id = ?');
  const setName = db.prepare<[string, number], CorpusDbRow>('UPDATE corpora SET name = ? WHERE id = ? RETURNING id, name, created_at');

  const stats = (id: number): CorpusStats => {
    const s = sums.get(id) ?? { documents: 0, characters: 0, words: 0, bytes: 0 };
    return { ...s, distinctCharacters: [...mergeDistinct(charSets.all(id))].length };
  };

  const create = (name: string): CorpusRow =>
    db.transaction(() => {
      if (selectByName.get(name)) throw new NameTakenError(`a corpus named "${name}" already exists`);
      const row = insert.get(name, isoNow(ctx));
      if (!row) throw new StoreError(`could not create corpus "${name}"`);
      return toCorpus(row);
    }).immediate();

  return {
    create,
    getOrCreate: (name) => db.transaction(() => {
      const found = selectByName.get(name);
      return found ? toCorpus(found) : create(name);
    }).immediate(),
    get: (id) => {
      const r = selectById.get(id);
      return r && toCorpus(r);
    },
    byName: (name) => {
      const r = selectByName.get(name);
      return r && toCorpus(r);
    },
    list: () => selectAll.all().map((r) => ({ ...toCorpus(r), ...stats(r.id) })),
    stats,
    charset: (id) => mergeDistinct(charSets.all(id)),
    rename: (id, name) =>
      db.transaction(() => {
        const taken = selectByName.get(name);
        if (taken && taken.id !== id) throw new NameTakenError(`a corpus named "${name}" already exists`);
        const row = setName.get(name, id);
        if (!row) throw new NotFoundError(`no corpus with id ${id}`);
        return toCorpus(row);
      }).immediate(),
    remove: (id) => del.run(id).changes > 0,
  };
}
