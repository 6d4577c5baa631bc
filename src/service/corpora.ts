/** corpora.*: the texts Longhand learns from — list, create, rename, import, browse and remove. */
import type { ApiHandlers, CorpusDocument, CorpusStats } from '../contract/index.js';
import type { DocumentSummary } from '../store/index.js';
import type { ServiceContext } from './context.js';
import { mapErrors, notFound } from './errors.js';
import { importContents, importPaths } from './importing.js';
import { corpusSummary } from './mapping.js';

type CorporaHandlers = Pick<
  ApiHandlers,
  | 'corpora.list'
  | 'corpora.create'
  | 'corpora.rename'
  | 'corpora.importFiles'
  | 'corpora.importPaths'
  | 'corpora.remove'
  | 'corpora.stats'
  | 'corpora.documents'
  | 'corpora.preview'
  | 'corpora.removeDocument'
>;

export const toCorpusDocument = (d: DocumentSummary): CorpusDocument => ({
  id: d.id,
  corpusId: d.corpusId,
  title: d.title,
  characters: d.charCount,
  words: d.wordCount,
  bytes: d.byteCount,
  sourcePath: d.sourcePath,
  addedAt: d.addedAt,
});

/** The first `max` code points of `text` (never half a surrogate pair). */
export function headCodePoints(text: string, max: number): { text: string; truncated: boolean } {
  if (text.length <= max) return { text, truncated: false };
  let i = 0;
  for (let count = 0; i < text.length && count < max; count++) i += (text.codePointAt(i) ?? 0) > 0xffff ? 2 : 1;
  return { text: text.slice(0, i), truncated: i < text.length };
}

export function corporaHandlers(ctx: ServiceContext): CorporaHandlers {
  const { store } = ctx;
  const summary = (id: number) => {
    const found = corpusSummary(store, id);
    if (!found) throw notFound('corpus', id);
    return found;
  };
  const changed = <T>(corpusId: number, value: T): T => {
    ctx.events.emit({ name: 'corpora.changed', payload: { corpusId } });
    return value;
  };

  return {
    'corpora.list': () => ({ corpora: store.corpora.list() }),
    'corpora.create': mapErrors(({ name }) => {
      const created = summary(store.corpora.create(name).id);
      return changed(created.id, created);
    }),
    'corpora.rename': mapErrors(({ corpusId, name }) => changed(corpusId, summary(store.corpora.rename(corpusId, name).id))),
    'corpora.importFiles': mapErrors(async ({ corpus, files }, { signal }) => {
      const result = await importContents(store, corpus, files, signal);
      return changed(result.corpus.id, result);
    }),
    'corpora.importPaths': mapErrors(async ({ corpus, paths, recursive }, { signal }) => {
      const result = await importPaths(store, corpus, paths, recursive, signal);
      return changed(result.corpus.id, result);
    }),
    'corpora.remove': ({ corpusId }) => {
      if (!store.corpora.remove(corpusId)) throw notFound('corpus', corpusId);
      return changed(corpusId, { deleted: true });
    },
    'corpora.stats': ({ corpusId }): CorpusStats => {
      const base = summary(corpusId);
      const docs = store.documents.list(corpusId);
      return {
        ...base,
        charset: store.corpora.charset(corpusId),
        longestDocumentChars: docs.reduce((max, d) => Math.max(max, d.charCount), 0),
        averageDocumentWords: docs.length ? base.words / docs.length : 0,
      };
    },
    'corpora.documents': ({ corpusId, query, offset, limit }) => {
      summary(corpusId);
      const needle = query?.trim().toLocaleLowerCase() ?? '';
      const all = store.documents.list(corpusId);
      const matching = needle
        ? all.filter((d) => d.title.toLocaleLowerCase().includes(needle) || (d.sourcePath ?? '').toLocaleLowerCase().includes(needle))
        : all;
      return { documents: matching.slice(offset, offset + limit).map(toCorpusDocument), total: matching.length };
    },
    'corpora.preview': ({ documentId, maxChars }) => {
      const doc = store.documents.get(documentId);
      if (!doc) throw notFound('document', documentId);
      return { document: toCorpusDocument(doc), ...headCodePoints(doc.text, maxChars) };
    },
    'corpora.removeDocument': ({ documentId }) => {
      const doc = store.documents.get(documentId);
      if (!doc) throw notFound('document', documentId);
      store.documents.remove(documentId);
      return changed(doc.corpusId, summary(doc.corpusId));
    },
  };
}
