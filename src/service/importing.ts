/**
 * Importing writers' files into a corpus, from contents sent as base64 (browser drag and drop) or from absolute
 * paths (file dialogs, the CLI). Every file goes through src/text/import (format, encoding and size checks) and
 * is stored in its own transaction, so a refused or failing file never loses the others; each gets a result
 * line: added, duplicate, or refused with a reason.
 *
 * Paths must be absolute on this system and free of `..` (the contract checks the form, this checks the
 * meaning); a named path may be a symbolic link the writer chose, but a folder walk follows no links, skips
 * hidden entries and unsupported types, and stops after MAX_FOLDER_FILES files.
 */
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ApiError, LIMITS, importLimitReason, type ImportFileResult, type ImportResult } from '../contract/index.js';
import type { CorpusRow, Store } from '../store/index.js';
import { ImportError, SUPPORTED_EXTENSIONS, importFile } from '../text/import/index.js';
import { invalid, notFound } from './errors.js';
import { corpusSummary } from './mapping.js';

export const MAX_FOLDER_FILES = 5000;
const MAX_FOLDER_DEPTH = 32;

export type CorpusRef = number | string;

interface Candidate {
  /** What the result line is about (the file name or path the caller gave or the walk found). */
  name: string;
  file?: string;
  refused?: string;
  /** Imported from content, not a path: no source path is stored. */
  fromContent?: boolean;
  title?: string;
}

/** The corpus a batch goes into: an existing one by id, or one by name created with the first accepted file. */
function corpusTarget(store: Store, ref: CorpusRef): () => CorpusRow | undefined {
  if (typeof ref === 'number') {
    const row = store.corpora.get(ref);
    if (!row) throw notFound('corpus', ref);
    return () => store.corpora.get(ref);
  }
  return () => store.corpora.byName(ref);
}

async function importCandidates(store: Store, ref: CorpusRef, candidates: Candidate[], signal: AbortSignal): Promise<ImportResult> {
  const existing = corpusTarget(store, ref);
  const files: ImportFileResult[] = [];
  for (const candidate of candidates) {
    if (signal.aborted) throw new ApiError('Cancelled', 'The import was cancelled; files imported so far were kept.');
    if (candidate.refused || !candidate.file) {
      files.push({ name: candidate.name, status: 'refused', reason: candidate.refused ?? 'cannot be read' });
      continue;
    }
    let doc;
    try {
      doc = await importFile(candidate.file);
    } catch (error) {
      const reason = error instanceof ImportError ? error.reason : error instanceof Error ? error.message : String(error);
      files.push({ name: candidate.name, status: 'refused', reason });
      continue;
    }
    const result = store.transaction(() => {
      const corpus = existing() ?? store.corpora.getOrCreate(ref as string);
      return store.documents.add(corpus.id, {
        title: candidate.title ?? doc.title,
        text: doc.text,
        sourcePath: candidate.fromContent ? null : doc.sourcePath,
      });
    });
    files.push({
      name: candidate.name,
      status: result.status,
      ...(result.status === 'duplicate' ? { reason: `already in this corpus as "${result.document.title}"` } : {}),
      documentId: result.document.id,
      characters: result.document.charCount,
      words: result.document.wordCount,
    });
  }
  const corpus = existing();
  if (!corpus) {
    const reasons = files.slice(0, 3).map((f) => `${f.name}: ${f.reason ?? f.status}`).join('; ');
    throw invalid(`Nothing was imported (${reasons}${files.length > 3 ? '; …' : ''}).`);
  }
  return { corpus: corpusSummary(store, corpus.id)!, files };
}

/** Files sent as base64 content: each is written to a private temporary folder under its own name and imported. */
export async function importContents(
  store: Store,
  ref: CorpusRef,
  contents: { name: string; contentBase64: string }[],
  signal: AbortSignal,
): Promise<ImportResult> {
  corpusTarget(store, ref); // NotFound before any work
  const tmp = await fs.mkdtemp(path.join(os.tmpdir(), 'longhand-import-'));
  try {
    const candidates: Candidate[] = [];
    for (const [i, item] of contents.entries()) {
      const bytes = Buffer.from(item.contentBase64, 'base64');
      if (bytes.byteLength > LIMITS.fileBytes) {
        candidates.push({ name: item.name, refused: importLimitReason('is', bytes.byteLength, LIMITS.fileBytes) });
        continue;
      }
      const dir = path.join(tmp, String(i));
      const file = path.join(dir, item.name);
      // The contract allows no separators or dot names; this keeps a platform's own quirks from escaping too.
      if (path.dirname(file) !== dir) {
        candidates.push({ name: item.name, refused: 'is not a plain file name' });
        continue;
      }
      try {
        await fs.mkdir(dir);
        await fs.writeFile(file, bytes, { flag: 'wx' });
        candidates.push({ name: item.name, file, fromContent: true });
      } catch (error) {
        candidates.push({ name: item.name, refused: `cannot be stored for import (${(error as NodeJS.ErrnoException).code ?? 'error'})` });
      }
    }
    return await importCandidates(store, ref, candidates, signal);
  } finally {
    await fs.rm(tmp, { recursive: true, force: true });
  }
}

/** Absolute paths of files or folders on this machine. */
export async function importPaths(
  store: Store,
  ref: CorpusRef,
  paths: string[],
  recursive: boolean,
  signal: AbortSignal,
): Promise<ImportResult> {
  corpusTarget(store, ref);
  const candidates = await collectPaths(paths, recursive, signal);
  return importCandidates(store, ref, candidates, signal);
}

const SUPPORTED = new Set<string>(SUPPORTED_EXTENSIONS);

export async function collectPaths(paths: string[], recursive: boolean, signal: AbortSignal): Promise<Candidate[]> {
  const out: Candidate[] = [];
  const seen = new Set<string>();
  const add = (candidate: Candidate) => {
    if (candidate.file) {
      if (seen.has(candidate.file)) return;
      seen.add(candidate.file);
    }
    out.push(candidate);
  };
  for (const given of paths) {
    if (signal.aborted) throw new ApiError('Cancelled', 'The import was cancelled.');
    const problem = pathProblem(given);
    if (problem) {
      add({ name: given, refused: problem });
      continue;
    }
    const resolved = path.resolve(given);
    let stat;
    try {
      stat = await fs.stat(resolved);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      add({ name: given, refused: code === 'ENOENT' ? 'no such file or folder' : code === 'EACCES' || code === 'EPERM' ? 'permission denied' : `cannot be read (${code})` });
      continue;
    }
    if (stat.isFile()) add({ name: given, file: resolved });
    else if (stat.isDirectory()) {
      if (!recursive) add({ name: given, refused: 'is a folder (choose its files, or import folders recursively)' });
      else await walk(resolved, 0, add, { files: 0, full: false }, signal);
    } else add({ name: given, refused: 'is not a regular file' });
  }
  return out;
}

/** Why a path may not be used, or null. The contract has checked its form; this checks it for this platform. */
export function pathProblem(given: string): string | null {
  if (given.includes('\0')) return 'contains a NUL character';
  if (!path.isAbsolute(given)) return 'is not an absolute path on this system';
  if (given.split(/[\\/]/).includes('..')) return 'must not contain ".." segments';
  return null;
}

async function walk(
  dir: string,
  depth: number,
  add: (candidate: Candidate) => void,
  budget: { files: number; full: boolean },
  signal: AbortSignal,
): Promise<void> {
  if (budget.full) return;
  if (depth > MAX_FOLDER_DEPTH) {
    add({ name: dir, refused: `is nested more than ${MAX_FOLDER_DEPTH} folders deep; not searched` });
    return;
  }
  let entries;
  try {
    entries = await fs.readdir(dir, { withFileTypes: true });
  } catch (error) {
    add({ name: dir, refused: `cannot be listed (${(error as NodeJS.ErrnoException).code ?? 'error'})` });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    if (signal.aborted) throw new ApiError('Cancelled', 'The import was cancelled.');
    if (entry.name.startsWith('.')) continue;
    const full = path.join(dir, entry.name);
    if (budget.full) return;
    if (entry.isDirectory()) await walk(full, depth + 1, add, budget, signal);
    else if (entry.isFile() && SUPPORTED.has(path.extname(entry.name).toLowerCase())) {
      if (budget.files >= MAX_FOLDER_FILES) {
        budget.full = true;
        add({ name: dir, refused: `holds more than ${MAX_FOLDER_FILES} files; the rest were not imported` });
        return;
      }
      budget.files++;
      add({ name: full, file: full });
    }
    // Symbolic links, devices and unsupported types are skipped: a folder is walked for writing only.
  }
}
