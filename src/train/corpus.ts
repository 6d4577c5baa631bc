/**
 * Where a language model's training text comes from, and how a run remembers it so that a resume reads the
 * same text: a corpus of the store (by id), a file imported on the fly through src/text/import (same
 * refusals as `corpus add`, but nothing is added to the library), or text handed over directly (a resume
 * must then be handed the same text again). The corpus's identity is the sha256 of the documents joined
 * with DOCUMENT_SEPARATOR; a resume refuses different text.
 */
import { createHash } from 'node:crypto';
import type { Store } from '../store/index.js';
import { importFile } from '../text/import/index.js';
import { DOCUMENT_SEPARATOR } from './data.js';

export type CorpusSource =
  | { kind: 'corpus'; corpusId: number }
  | { kind: 'file'; path: string }
  | { kind: 'text'; text: string }
  | { kind: 'documents'; documents: string[] };

/** What the run's config records about its source (never the text itself). */
export type StoredSource = { kind: 'corpus'; corpusId: number } | { kind: 'file'; path: string } | { kind: 'text' };

export interface LoadedCorpus {
  documents: string[];
  sha256: string;
  /** Absolute path, for a file source. */
  sourcePath?: string;
  corpusId: number | null;
  stored: StoredSource;
}

/** A one-line problem with the training text (unknown corpus, empty corpus, refused file). */
export class CorpusError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CorpusError';
  }
}

export async function loadCorpus(store: Store, source: CorpusSource): Promise<LoadedCorpus> {
  switch (source.kind) {
    case 'corpus': {
      const row = store.corpora.get(source.corpusId);
      if (!row) throw new CorpusError(`there is no corpus with id ${source.corpusId} (it may have been removed)`);
      const documents = store.documents.listWithText(row.id).map((d) => d.text);
      if (documents.length === 0) throw new CorpusError(`corpus "${row.name}" has no documents`);
      return { documents, sha256: corpusSha256(documents), corpusId: row.id, stored: { kind: 'corpus', corpusId: row.id } };
    }
    case 'file': {
      // ImportError's message is already one line ("<file>: <reason>").
      const doc = await importFile(source.path);
      return {
        documents: [doc.text],
        sha256: corpusSha256([doc.text]),
        sourcePath: doc.sourcePath,
        corpusId: null,
        stored: { kind: 'file', path: doc.sourcePath },
      };
    }
    case 'text':
    case 'documents': {
      const documents = source.kind === 'text' ? [source.text] : [...source.documents];
      if (documents.every((d) => d.trim() === '')) throw new CorpusError('the training text is empty');
      return { documents, sha256: corpusSha256(documents), corpusId: null, stored: { kind: 'text' } };
    }
  }
}

/** The source a run recorded, to read again on resume; null when the text was handed over directly. */
export function storedSourceToCorpus(stored: unknown): CorpusSource | null {
  const s = stored as Partial<StoredSource> | undefined;
  if (s?.kind === 'corpus' && typeof (s as { corpusId?: unknown }).corpusId === 'number') return { kind: 'corpus', corpusId: (s as { corpusId: number }).corpusId };
  if (s?.kind === 'file' && typeof (s as { path?: unknown }).path === 'string') return { kind: 'file', path: (s as { path: string }).path };
  return null;
}

export function corpusSha256(documents: readonly string[]): string {
  const hash = createHash('sha256');
  documents.forEach((doc, i) => {
    if (i > 0) hash.update(DOCUMENT_SEPARATOR, 'utf8');
    hash.update(doc, 'utf8');
  });
  return hash.digest('hex');
}
