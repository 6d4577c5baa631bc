/**
 * Drafts: the editor's own documents (what the writer is writing, not training text). Saved automatically;
 * `expectedUpdatedAt` lets a save refuse to overwrite a newer version written elsewhere (Conflict).
 */
import { z } from 'zod';
import { CorpusRef, ImportResult } from './corpora.js';
import { Id, LIMITS, SearchQuery, Timestamp, Title, intIn, text } from './primitives.js';

export const Draft = z.object({
  id: Id,
  title: z.string(),
  text: z.string(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

export const DraftSummary = z.object({
  id: Id,
  title: z.string(),
  /** The first words of the text, for the list. */
  excerpt: z.string(),
  words: z.int().nonnegative(),
  updatedAt: Timestamp,
});

export const DocumentsListInput = z.strictObject({
  query: SearchQuery.optional(),
  limit: intIn(1, LIMITS.pageSize).default(200),
});
export const DocumentsListOutput = z.object({ documents: z.array(DraftSummary) });

export const DocumentsCreateInput = z.strictObject({
  title: Title.default(''),
  text: text(LIMITS.draftChars).default(''),
});

export const DraftIdInput = z.strictObject({ id: Id });

export const DocumentsSaveInput = z.strictObject({
  id: Id,
  title: Title.optional(),
  text: text(LIMITS.draftChars).optional(),
  /** When given and the stored draft is newer, the save is refused with Conflict. */
  expectedUpdatedAt: Timestamp.max(40).optional(),
});
export const DocumentsSaveOutput = z.object({ id: Id, title: z.string(), updatedAt: Timestamp });

export const DocumentsAddToCorpusInput = z.strictObject({ id: Id, corpus: CorpusRef });
export { ImportResult as DocumentsAddToCorpusOutput };

export type Draft = z.infer<typeof Draft>;
export type DraftSummary = z.infer<typeof DraftSummary>;
