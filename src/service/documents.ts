/**
 * documents.*: the writer's drafts. Saves are autosaves: with `expectedUpdatedAt` a save is refused (Conflict)
 * when the stored draft is newer — written by another window or tab — so neither version is silently lost.
 */
import type { ApiHandlers, DraftSummary } from '../contract/index.js';
import type { DraftRow } from '../store/index.js';
import { isBlank, normaliseText } from '../text/import/normalise.js';
import { countWords } from '../text/stats.js';
import type { ServiceContext } from './context.js';
import { conflict, invalid, mapErrors, notFound } from './errors.js';
import { corpusSummary } from './mapping.js';

type DocumentHandlers = Pick<
  ApiHandlers,
  'documents.list' | 'documents.create' | 'documents.open' | 'documents.save' | 'documents.delete' | 'documents.addToCorpus'
>;

const EXCERPT_CHARS = 160;

export function draftSummary(row: DraftRow): DraftSummary {
  const flat = row.text.slice(0, EXCERPT_CHARS * 4).replace(/\s+/g, ' ').trim();
  return {
    id: row.id,
    title: row.title,
    excerpt: flat.length > EXCERPT_CHARS ? `${flat.slice(0, EXCERPT_CHARS - 1)}…` : flat,
    words: countWords(row.text),
    updatedAt: row.updatedAt,
  };
}

export function documentHandlers(ctx: ServiceContext): DocumentHandlers {
  const { store } = ctx;
  const mustGet = (id: number) => {
    const row = store.drafts.get(id);
    if (!row) throw notFound('draft', id);
    return row;
  };

  return {
    'documents.list': ({ query, limit }) => {
      const needle = query?.trim().toLocaleLowerCase() ?? '';
      const rows = store.drafts.list();
      const matching = needle
        ? rows.filter((d) => d.title.toLocaleLowerCase().includes(needle) || d.text.toLocaleLowerCase().includes(needle))
        : rows;
      return { documents: matching.slice(0, limit).map(draftSummary) };
    },
    'documents.create': ({ title, text }) => store.drafts.create({ title, text }),
    'documents.open': ({ id }) => mustGet(id),
    'documents.save': ({ id, title, text, expectedUpdatedAt }) =>
      store.transaction(() => {
        const current = mustGet(id);
        if (expectedUpdatedAt !== undefined && current.updatedAt > expectedUpdatedAt) {
          throw conflict('This draft was changed elsewhere since you opened it; reload it to see the newer version.');
        }
        const row = store.drafts.update(id, { title, text });
        return { id: row.id, title: row.title, updatedAt: row.updatedAt };
      }),
    'documents.delete': ({ id }) => {
      if (!store.drafts.remove(id)) throw notFound('draft', id);
      return { deleted: true };
    },
    'documents.addToCorpus': mapErrors(({ id, corpus }) => {
      const draft = mustGet(id);
      const text = normaliseText(draft.text);
      if (isBlank(text)) throw invalid('The draft is empty: write something before adding it to a corpus.');
      if (typeof corpus === 'number' && !store.corpora.get(corpus)) throw notFound('corpus', corpus);
      const title = draft.title.trim() || 'Untitled draft';
      const { corpusId, result } = store.transaction(() => {
        const target = typeof corpus === 'number' ? store.corpora.get(corpus)! : store.corpora.getOrCreate(corpus);
        return { corpusId: target.id, result: store.documents.add(target.id, { title, text, sourcePath: null }) };
      });
      ctx.events.emit({ name: 'corpora.changed', payload: { corpusId } });
      return {
        corpus: corpusSummary(store, corpusId)!,
        files: [
          {
            name: title,
            status: result.status,
            ...(result.status === 'duplicate' ? { reason: `already in this corpus as "${result.document.title}"` } : {}),
            documentId: result.document.id,
            characters: result.document.charCount,
            words: result.document.wordCount,
          },
        ],
      };
    }),
  };
}
