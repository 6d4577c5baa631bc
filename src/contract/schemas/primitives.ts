/**
 * The small building blocks every request schema is made of: ids, names, paths, texts, with the bounds the
 * service relies on. The service validates every argument with these at runtime, so a bound here is a promise
 * that nothing bigger ever reaches the core.
 */
import { z } from 'zod';
import { MAX_IMPORT_BYTES } from './importLimit.js';

export const LIMITS = {
  /** Corpus and run names. */
  name: 120,
  /** Draft and document titles. */
  title: 300,
  fileName: 255,
  path: 4096,
  /** A draft the writer edits (about 2 million characters ≈ a very long novel). */
  draftChars: 2_000_000,
  /** One imported file, before base64: the import limit itself, so the core's limit is the one a writer meets. */
  fileBytes: MAX_IMPORT_BYTES,
  /**
   * All files of one importFiles call together, before base64 (64 MiB: at least one file at the import limit;
   * the app sends one file per call). MAX_MESSAGE_BYTES is sized from this.
   */
  importBytes: 64 * 1024 * 1024,
  filesPerImport: 200,
  pathsPerImport: 1000,
  /** Context sent for a completion: only the text just before the cursor matters. */
  completionContextChars: 20_000,
  summarizeChars: 200_000,
  message: 4_000,
  history: 100,
  searchQuery: 200,
  pageSize: 500,
} as const;

/** Base64 length of `bytes` bytes. */
export const base64Length = (bytes: number): number => 4 * Math.ceil(bytes / 3);

/** A database id (SQLite INTEGER PRIMARY KEY). */
export const Id = z.int().min(1);

const CONTROL = /\p{Cc}/u;

/** A short human name: trimmed, non-empty, one line. */
export const Name = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(LIMITS.name)
  .refine((s) => !CONTROL.test(s), 'must be one line without control characters');

export const Title = z
  .string()
  .max(LIMITS.title)
  .refine((s) => !CONTROL.test(s), 'must be one line without control characters');

/** A file's name as the browser knows it: no directories, no `..`, nothing a path could hide in. */
export const FileName = z
  .string()
  .min(1, 'must not be empty')
  .max(LIMITS.fileName)
  .refine((s) => !/[/\\]/.test(s), 'must be a file name, not a path')
  .refine((s) => s !== '.' && s !== '..', 'must be a file name, not a path')
  .refine((s) => !CONTROL.test(s), 'must not contain control characters');

/**
 * An absolute local path (POSIX `/…`, Windows `C:\…` or `\\server\…`), normalised: no `..` segments, no
 * NUL or control characters, no URL. Callers (CLI, file dialogs) resolve relative paths before sending.
 */
export const AbsolutePath = z
  .string()
  .min(1, 'must not be empty')
  .max(LIMITS.path)
  .refine((s) => !CONTROL.test(s), 'must not contain control characters')
  .refine((s) => /^(\/|[A-Za-z]:[\\/]|\\\\[^\\])/.test(s), 'must be an absolute path')
  .refine((s) => !/(^|[\\/])\.\.([\\/]|$)/.test(s), 'must not contain ".." segments');

/** Free text: may hold anything but NUL (SQLite and the tokenizers treat it as a terminator). */
export const text = (max: number) =>
  z
    .string()
    .max(max)
    .refine((s) => !s.includes('\u0000'), 'must not contain NUL characters');

export const SearchQuery = z.string().max(LIMITS.searchQuery);

/** ISO-8601 UTC timestamp as stored (`*_at` columns). */
export const Timestamp = z.string();

export const Empty = z.strictObject({});

export const Deleted = z.object({ deleted: z.literal(true) });

/** Ints with a range, the common case for sizes. */
export const intIn = (min: number, max: number) => z.int().min(min).max(max);
