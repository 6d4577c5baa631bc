/**
 * Documents of a corpus. The same content (by sha256 of the normalised text) is stored once per corpus:
 * adding it again returns the existing document with status 'duplicate' instead of failing.
 */
import { textSha256, textStats } from '../text/stats.js';
import { isoNow, type RepoContext } from './context.js';
import type { AddDocumentResult, DocumentRow, DocumentSummary, NewDocument } from './types.js';

interface DocumentDbRow {
  id: number;
  corpus_id: number;
  title: string;
  text: string;
  sha256: string;
  source_path: string | null;
  byte_count: number;
  char_count: number;
  word_count: number;
  distinct_chars: string;
  added_at: string;
}

const SUMMARY_COLUMNS = 'id, corpus_id, title, sha256, source_path, byte_count, char_count, word_count, added_at';

const toSummary = (r: Omit<DocumentDbRow, 'text' | 'distinct_chars'>): DocumentSummary => ({
  id: r.id,
  corpusId: r.corpus_id,
  title: r.title,
  sha256: r.sha256,
  sourcePath: r.source_path,
  byteCount: r.byte_count,
  charCount: r.char_count,
  wordCount: r.word_count,
  addedAt: r.added_at,
});

const toDocument = (r: DocumentDbRow): DocumentRow => ({
  ...toSummary(r),
  text: r.text,
  distinctChars: r.distinct_chars,
});

export interface DocumentsRepo {
  add(corpusId: number, doc: NewDocument): AddDocumentResult;
  get(id: number): DocumentRow | undefined;
  /** Documents of a corpus without their text, in the order they were added. */
  list(corpusId: number): DocumentSummary[];
  /** Full documents of a corpus in the order they were added (for training). */
  listWithText(corpusId: number): DocumentRow[];
  bySha256(corpusId: number, sha256: string): DocumentSummary | undefined;
  remove(id: number): boolean;
}

export function documentsRepo(ctx: RepoContext): DocumentsRepo {
  const { db } = ctx;
  const insert = db.prepare<unknown[], Omit<DocumentDbRow, 'text' | 'distinct_chars'>>(
    `INSERT INTO documents
       (corpus_id, title, text, sha256, source_path, byte_count, char_count, word_count, distinct_chars, added_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (corpus_id, sha256) DO NOTHING
     RETURNING ${SUMMARY_COLUMNS}`,
  );
  const selectBySha = db.prepare<[number, string], Omit<DocumentDbRow, 'text' | 'distinct_chars'>>(
    `SELECT ${SUMMARY_COLUMNS} FROM documents WHERE corpus_id = ? AND sha256 = ?`,
  );
  const selectById = db.prepare<[number], DocumentDbRow>('SELECT * FROM documents WHERE id = ?');
  const selectSummaries = db.prepare<[number], Omit<DocumentDbRow, 'text' | 'distinct_chars'>>(
    `SELECT ${SUMMARY_COLUMNS} FROM documents WHERE corpus_id = ? ORDER BY id`,
  );
  const selectFull = db.prepare<[number], DocumentDbRow>('SELECT * FROM documents WHERE corpus_id = ? ORDER BY id');
  const del = db.prepare<[number]>('DELETE FROM documents WHERE id = ?');

  return {
    add: (corpusId, doc) => {
      const sha256 = textSha256(doc.text);
      const s = textStats(doc.text);
      return db.transaction((): AddDocumentResult => {
        const row = insert.get(
          corpusId, doc.title, doc.text, sha256, doc.sourcePath ?? null,
          s.byteCount, s.charCount, s.wordCount, s.distinctChars, isoNow(ctx),
        );
        if (row) return { status: 'added', document: toSummary(row) };
        const existing = selectBySha.get(corpusId, sha256);
        if (!existing) throw new Error('document conflict without an existing row');
        return { status: 'duplicate', document: toSummary(existing) };
      }).immediate();
    },
    get: (id) => {
      const r = selectById.get(id);
      return r && toDocument(r);
    },
    list: (corpusId) => selectSummaries.all(corpusId).map(toSummary),
    listWithText: (corpusId) => selectFull.all(corpusId).map(toDocument),
    bySha256: (corpusId, sha256) => {
      const r = selectBySha.get(corpusId, sha256);
      return r && toSummary(r);
    },
    remove: (id) => del.run(id).changes > 0,
  };
}
