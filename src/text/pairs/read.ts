/**
 * Readers for pair files: JSON Lines (`{"source": …, "target": …}` per line, extra keys allowed, an
 * optional string `id`) and TSV (`source<TAB>target`, exactly two columns, `\t` `\n` `\r` `\\` escapes
 * decoded, an optional `source<TAB>target` header). Blank lines are allowed only at the end of a file.
 * Any malformed line fails the whole read with a `PairFileError` naming the lines.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { PairFileError } from './types.js';
import type { Pair, PairFormat, PairProblem } from './types.js';

export interface ReadOptions {
  /** Overrides detection from the file extension. */
  format?: PairFormat;
  /** How many problems the error lists (all are counted). Default 20. */
  maxProblems?: number;
  /** TSV only: decode `\t`, `\n`, `\r` and `\\`. Default true (what `formatTsv` writes). */
  unescape?: boolean;
}

/** `.jsonl`/`.ndjson` → jsonl, `.tsv` → tsv; anything else needs an explicit format. */
export function detectPairFormat(file: string): PairFormat {
  const ext = path.extname(file).toLowerCase();
  if (ext === '.jsonl' || ext === '.ndjson') return 'jsonl';
  if (ext === '.tsv') return 'tsv';
  throw new Error(`Cannot tell the pair format of ${path.basename(file)} from its extension: use .jsonl or .tsv, or say which`);
}

/** Lines without their terminators; a trailing `\r` is dropped so CRLF files read the same. */
function splitLines(text: string): string[] {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  return body.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}

/** Blank: only whitespace. In TSV a tab is a column separator, so a line with a tab is never blank. */
function isBlank(line: string, format: PairFormat): boolean {
  return format === 'tsv' ? /^[^\S\t]*$/.test(line) : line.trim() === '';
}

/** Index of the last non-blank line + 1: blank lines after it are the allowed trailing ones. */
function contentEnd(lines: readonly string[], format: PairFormat): number {
  let end = lines.length;
  while (end > 0 && isBlank(lines[end - 1]!, format)) end--;
  return end;
}

class Problems {
  readonly list: PairProblem[] = [];
  total = 0;
  constructor(private readonly max: number) {}
  add(problem: PairProblem): void {
    this.total++;
    if (this.list.length < this.max) this.list.push(problem);
  }
}

function checkSide(value: unknown, field: 'source' | 'target', line: number, problems: Problems): value is string {
  if (value === undefined) {
    problems.add({ line, kind: 'missing-field', message: `missing "${field}"` });
  } else if (typeof value !== 'string') {
    problems.add({ line, kind: 'not-string', message: `"${field}" is ${value === null ? 'null' : typeof value}, not a string` });
  } else if (value.trim() === '') {
    problems.add({ line, kind: 'empty-side', message: `"${field}" is empty` });
  } else {
    return true;
  }
  return false;
}

function parseJsonl(lines: readonly string[], problems: Problems): Pair[] {
  const out: Pair[] = [];
  const end = contentEnd(lines, 'jsonl');
  for (let i = 0; i < end; i++) {
    const line = i + 1;
    const text = lines[i]!;
    if (isBlank(text, 'jsonl')) {
      problems.add({ line, kind: 'blank-line', message: 'blank line before the end of the file' });
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      problems.add({ line, kind: 'invalid-json', message: `invalid JSON (${(err as Error).message})` });
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      problems.add({ line, kind: 'not-object', message: 'not a JSON object' });
      continue;
    }
    const record = value as Record<string, unknown>;
    const sourceOk = checkSide(record.source, 'source', line, problems);
    const targetOk = checkSide(record.target, 'target', line, problems);
    let id: string | undefined;
    if (record.id !== undefined) {
      if (typeof record.id === 'string' || typeof record.id === 'number') id = String(record.id);
      else problems.add({ line, kind: 'not-string', message: `"id" is ${record.id === null ? 'null' : typeof record.id}, not a string` });
    }
    if (sourceOk && targetOk) out.push(id === undefined ? { source: record.source as string, target: record.target as string } : { source: record.source as string, target: record.target as string, id });
  }
  return out;
}

const ESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r', '\\': '\\' };

/** Decode `\t` `\n` `\r` `\\`; any other backslash is kept as written. */
export function unescapeTsvField(field: string): string {
  return field.replace(/\\([tnr\\])/g, (_, c: string) => ESCAPES[c]!);
}

function parseTsv(lines: readonly string[], problems: Problems, unescape: boolean): Pair[] {
  const out: Pair[] = [];
  const end = contentEnd(lines, 'tsv');
  const start = lines[0] === 'source\ttarget' ? 1 : 0;
  for (let i = start; i < end; i++) {
    const line = i + 1;
    const text = lines[i]!;
    if (isBlank(text, 'tsv')) {
      problems.add({ line, kind: 'blank-line', message: 'blank line before the end of the file' });
      continue;
    }
    const columns = text.split('\t');
    if (columns.length !== 2) {
      problems.add({ line, kind: 'column-count', message: `${columns.length} columns, expected 2 (source<TAB>target)` });
      continue;
    }
    const [source, target] = columns.map((c) => (unescape ? unescapeTsvField(c) : c)) as [string, string];
    const sourceOk = checkSide(source, 'source', line, problems);
    const targetOk = checkSide(target, 'target', line, problems);
    if (sourceOk && targetOk) out.push({ source, target });
  }
  return out;
}

/** Parse pair-file text. `file` only names the source in error messages. */
export function parsePairs(text: string, format: PairFormat, options: ReadOptions & { file?: string } = {}): Pair[] {
  const problems = new Problems(options.maxProblems ?? 20);
  const lines = splitLines(text);
  const pairs = format === 'jsonl' ? parseJsonl(lines, problems) : parseTsv(lines, problems, options.unescape ?? true);
  if (problems.total > 0) throw new PairFileError(options.file ?? `(${format})`, problems.list, problems.total);
  return pairs;
}

export async function readPairsFile(file: string, options: ReadOptions = {}): Promise<Pair[]> {
  const format = options.format ?? detectPairFormat(file);
  const text = await readFile(file, 'utf8');
  return parsePairs(text, format, { ...options, file: path.basename(file) });
}
