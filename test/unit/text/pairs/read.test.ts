import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { detectPairFormat, parsePairs, readPairsFile } from '../../../../src/text/pairs/read.js';
import { PairFileError } from '../../../../src/text/pairs/types.js';
import type { Pair } from '../../../../src/text/pairs/types.js';
import { formatJsonl, formatTsv, writePairsFile } from '../../../../src/text/pairs/write.js';

const fixture = (name: string): string => path.join(path.dirname(new URL(import.meta.url).pathname), '../../../fixtures/pairs', name);

async function problemsOf(promise: Promise<unknown>): Promise<PairFileError> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof PairFileError) return err;
    throw err;
  }
  throw new Error('expected a PairFileError');
}

describe('reading pairs', () => {
  it('reads JSONL with extra keys, numeric ids and trailing blank lines', async () => {
    expect(await readPairsFile(fixture('valid.jsonl'))).toEqual([
      { source: 'How are you?', target: 'Fine, thanks.', id: 'a1' },
      { source: 'Tab\tand\nnewline', target: 'back\\slash "quoted"' },
      { source: 'Keys in any order.', target: 'Numbers for ids are read as strings.', id: '7' },
    ]);
  });

  it('reads TSV with a header, decoding \\t \\n \\\\ and keeping other backslashes', async () => {
    expect(await readPairsFile(fixture('valid.tsv'))).toEqual([
      { source: 'How are you?', target: 'Fine, thanks.' },
      { source: 'Tab\tand\nnewline', target: 'back\\slash "quoted"' },
      { source: 'C:\\path stays', target: 'as written' },
    ]);
    const raw = await readPairsFile(fixture('valid.tsv'), { unescape: false });
    expect(raw[1]).toEqual({ source: 'Tab\\tand\\nnewline', target: 'back\\\\slash "quoted"' });
  });

  it('refuses malformed JSONL, listing every bad line by number', async () => {
    const err = await problemsOf(readPairsFile(fixture('malformed.jsonl')));
    expect(err.total).toBe(6);
    expect(err.problems.map((p) => [p.line, p.kind])).toEqual([
      [2, 'missing-field'],
      [3, 'not-string'],
      [4, 'invalid-json'],
      [5, 'blank-line'],
      [6, 'empty-side'],
      [7, 'not-object'],
    ]);
    expect(err.message).toMatch(/^malformed\.jsonl: 6 malformed lines \(line 2: missing "target"; line 3: "target" is number/);
  });

  it('refuses malformed TSV: column counts, empty sides, blank lines', async () => {
    const err = await problemsOf(readPairsFile(fixture('malformed.tsv')));
    expect(err.problems.map((p) => [p.line, p.kind])).toEqual([
      [2, 'column-count'],
      [3, 'column-count'],
      [4, 'empty-side'],
      [4, 'empty-side'],
      [6, 'blank-line'],
    ]);
    expect(err.problems[1]!.message).toBe('3 columns, expected 2 (source<TAB>target)');
  });

  it('caps the listed problems but counts them all', () => {
    const text = Array.from({ length: 30 }, () => 'nope').join('\n');
    const run = () => parsePairs(text, 'jsonl', { maxProblems: 3, file: 'x.jsonl' });
    expect(run).toThrow(/x\.jsonl: 30 malformed lines .*; and 27 more\)$/);
  });

  it('handles CRLF and a byte-order mark', () => {
    expect(parsePairs('\uFEFF{"source":"a","target":"b"}\r\n{"source":"c","target":"d"}\r\n', 'jsonl')).toEqual([
      { source: 'a', target: 'b' },
      { source: 'c', target: 'd' },
    ]);
  });

  it('detects the format by extension, with an override', async () => {
    expect(detectPairFormat('a/b.JSONL')).toBe('jsonl');
    expect(detectPairFormat('b.ndjson')).toBe('jsonl');
    expect(detectPairFormat('b.tsv')).toBe('tsv');
    expect(() => detectPairFormat('b.txt')).toThrow(/use \.jsonl or \.tsv/);
    await expect(readPairsFile(fixture('valid.tsv'), { format: 'jsonl' })).rejects.toBeInstanceOf(PairFileError);
  });
});

describe('writing pairs', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), 'longhand-pairs-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const tricky: Pair[] = [
    { source: 'tab\there', target: 'line\nbreak\r\nand \\n literal', id: 'p1' },
    { source: 'unicode “quotes” — ok', target: 'emoji 🙂 and \\ backslash' },
  ];

  it('round-trips JSONL and TSV (TSV keeps source and target only)', async () => {
    await writePairsFile(path.join(dir, 'out.jsonl'), tricky);
    await writePairsFile(path.join(dir, 'nested/out.tsv'), tricky);
    expect(await readPairsFile(path.join(dir, 'out.jsonl'))).toEqual(tricky);
    expect(await readPairsFile(path.join(dir, 'nested/out.tsv'))).toEqual(tricky.map(({ source, target }) => ({ source, target })));
    expect((await readFile(path.join(dir, 'nested/out.tsv'), 'utf8')).split('\n')[0]).toBe('tab\\there\tline\\nbreak\\r\\nand \\\\n literal');
  });

  it('keeps extra fields in JSONL and writes nothing for no pairs', () => {
    expect(formatJsonl([{ source: 'a', target: 'b', rule: 'x' } as Pair])).toBe('{"source":"a","target":"b","rule":"x"}\n');
    expect(formatJsonl([])).toBe('');
    expect(formatTsv([])).toBe('');
  });
});
