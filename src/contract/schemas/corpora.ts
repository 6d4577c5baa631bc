/**
 * Corpora: named sets of training texts, their documents, and the per-file result of an import (added,
 * skipped as a duplicate, or refused with a reason the writer can act on).
 */
import { z } from 'zod';
import { formatSize } from './importLimit.js';
import { AbsolutePath, FileName, Id, LIMITS, Name, SearchQuery, Timestamp, base64Length, intIn } from './primitives.js';

/** An existing corpus by id, or a corpus by name (created when no corpus has that name). */
export const CorpusRef = z.union([Id, Name]);

export const CorpusSummary = z.object({
  id: Id,
  name: z.string(),
  createdAt: Timestamp,
  documents: z.int().nonnegative(),
  /** Unicode code points. */
  characters: z.int().nonnegative(),
  words: z.int().nonnegative(),
  bytes: z.int().nonnegative(),
  distinctCharacters: z.int().nonnegative(),
});

export const CorpusStats = CorpusSummary.extend({
  /** Every distinct character of the corpus, in code point order (shown as the model's alphabet). */
  charset: z.string(),
  longestDocumentChars: z.int().nonnegative(),
  averageDocumentWords: z.number().nonnegative(),
});

export const CorpusDocument = z.object({
  id: Id,
  corpusId: Id,
  title: z.string(),
  characters: z.int().nonnegative(),
  words: z.int().nonnegative(),
  bytes: z.int().nonnegative(),
  /** Where it was imported from, when imported by path. */
  sourcePath: z.string().nullable(),
  addedAt: Timestamp,
});

export const ImportFile = z.strictObject({
  name: FileName,
  contentBase64: z
    .base64('must be base64')
    .max(base64Length(LIMITS.fileBytes), `is over the ${formatSize(LIMITS.fileBytes)} import limit`),
});

export const ImportFileResult = z.object({
  /** The file name (importFiles) or path (importPaths) this line is about. */
  name: z.string(),
  status: z.enum(['added', 'duplicate', 'refused']),
  /** Why it was refused or skipped, in one line ("not UTF-8 text", "already in this corpus"). */
  reason: z.string().optional(),
  documentId: Id.optional(),
  characters: z.int().nonnegative().optional(),
  words: z.int().nonnegative().optional(),
});

export const ImportResult = z.object({
  corpus: CorpusSummary,
  files: z.array(ImportFileResult),
});

export const CorporaListOutput = z.object({ corpora: z.array(CorpusSummary) });

export const CorporaCreateInput = z.strictObject({ name: Name });
export const CorporaRenameInput = z.strictObject({ corpusId: Id, name: Name });

export const CorporaImportFilesInput = z
  .strictObject({
    corpus: CorpusRef,
    files: z.array(ImportFile).min(1, 'give at least one file').max(LIMITS.filesPerImport),
  })
  .refine(
    (v) => v.files.reduce((sum, f) => sum + f.contentBase64.length, 0) <= base64Length(LIMITS.importBytes),
    { message: `files together are larger than ${formatSize(LIMITS.importBytes)}: import them in smaller groups`, path: ['files'] },
  );

export const CorporaImportPathsInput = z.strictObject({
  corpus: CorpusRef,
  paths: z.array(AbsolutePath).min(1, 'give at least one path').max(LIMITS.pathsPerImport),
  /** Folders are walked for supported files when true; otherwise a folder is refused. */
  recursive: z.boolean().default(true),
});

export const CorpusIdInput = z.strictObject({ corpusId: Id });

export const CorporaDocumentsInput = z.strictObject({
  corpusId: Id,
  query: SearchQuery.optional(),
  offset: z.int().min(0).default(0),
  limit: intIn(1, LIMITS.pageSize).default(100),
});
export const CorporaDocumentsOutput = z.object({
  documents: z.array(CorpusDocument),
  total: z.int().nonnegative(),
});

export const CorporaPreviewInput = z.strictObject({
  documentId: Id,
  maxChars: intIn(1, 200_000).default(4_000),
});
export const CorporaPreviewOutput = z.object({
  document: CorpusDocument,
  text: z.string(),
  truncated: z.boolean(),
});

export const DocumentIdInput = z.strictObject({ documentId: Id });

export type CorpusSummary = z.infer<typeof CorpusSummary>;
export type CorpusStats = z.infer<typeof CorpusStats>;
export type CorpusDocument = z.infer<typeof CorpusDocument>;
export type ImportFileResult = z.infer<typeof ImportFileResult>;
export type ImportResult = z.infer<typeof ImportResult>;
