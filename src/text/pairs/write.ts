/**
 * Writers for pair files, the inverse of `read.ts`: JSON Lines keeps every field of each record (so a
 * mined pair keeps its `rule`), TSV keeps source and target only, escaping tab, newline, CR and
 * backslash. Files are written to a temporary name and renamed, so a crash never leaves half a file.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { detectPairFormat } from './read.js';
import type { Pair, PairFormat } from './types.js';

export function formatJsonl(pairs: readonly Pair[]): string {
  return pairs.map((p) => JSON.stringify(p)).join('\n') + (pairs.length > 0 ? '\n' : '');
}

export function escapeTsvField(field: string): string {
  return field.replace(/[\\\t\n\r]/g, (c) => (c === '\\' ? '\\\\' : c === '\t' ? '\\t' : c === '\n' ? '\\n' : '\\r'));
}

export function formatTsv(pairs: readonly Pair[]): string {
  return pairs.map((p) => `${escapeTsvField(p.source)}\t${escapeTsvField(p.target)}`).join('\n') + (pairs.length > 0 ? '\n' : '');
}

export function formatPairs(pairs: readonly Pair[], format: PairFormat): string {
  return format === 'jsonl' ? formatJsonl(pairs) : formatTsv(pairs);
}

/** Write pairs atomically (temp file + rename), creating the directory if needed. */
export async function writePairsFile(file: string, pairs: readonly Pair[], format?: PairFormat): Promise<void> {
  await writeTextAtomic(file, formatPairs(pairs, format ?? detectPairFormat(file)));
}

export async function writeTextAtomic(file: string, text: string): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, text, 'utf8');
  await rename(tmp, file);
}
