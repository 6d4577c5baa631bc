import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import {
  API_METHODS,
  apiTable,
  base64Length,
  encodeMessage,
  LIMITS,
  MAX_IMPORT_BYTES,
  MAX_MESSAGE_BYTES,
  zodMessage,
  type ApiMethod,
} from '../../../src/contract/index.js';
import { fullLmConfig, validInputs } from './samples.js';

const schema = (m: ApiMethod) => apiTable[m].input as z.ZodType;
const accepts = (m: ApiMethod, input: unknown) => schema(m).safeParse(input).success;
const message = (m: ApiMethod, input: unknown) => {
  const r = schema(m).safeParse(input);
  return r.success ? null : zodMessage(r.error, m);
};
const big = (n: number) => 'x'.repeat(n);

describe('request schemas', () => {
  it('have a valid sample for every method, and accept it', () => {
    expect(Object.keys(validInputs).sort()).toEqual([...API_METHODS].sort());
    for (const m of API_METHODS) expect(message(m, validInputs[m]), m).toBeNull();
  });

  it.each(API_METHODS)('%s rejects wrong types and unknown fields', (m) => {
    expect(accepts(m, 'text')).toBe(false);
    expect(accepts(m, 42)).toBe(false);
    expect(accepts(m, [])).toBe(false);
    expect(accepts(m, null)).toBe(false);
    expect(accepts(m, { ...(validInputs[m] as object), surprise: true })).toBe(false);
  });

  it.each(API_METHODS)('%s has a one-line summary', (m) => {
    expect(apiTable[m].summary).toMatch(/^[A-Z].{5,}[.)]$/);
  });

  it('refuses ids that are not positive integers', () => {
    for (const id of [0, -1, 1.5, '1', Number.NaN, 2 ** 60]) {
      expect(accepts('corpora.stats', { corpusId: id }), String(id)).toBe(false);
    }
  });

  it('bounds names and titles', () => {
    expect(accepts('corpora.create', { name: big(LIMITS.name) })).toBe(true);
    expect(accepts('corpora.create', { name: big(LIMITS.name + 1) })).toBe(false);
    expect(accepts('corpora.create', { name: '   ' })).toBe(false);
    expect(accepts('corpora.create', { name: 'two\nlines' })).toBe(false);
    expect(accepts('documents.create', { title: big(LIMITS.title + 1) })).toBe(false);
  });

  it('trims names', () => {
    expect(schema('corpora.create').parse({ name: '  Letters ' })).toEqual({ name: 'Letters' });
  });

  it('refuses file names that are paths or junk', () => {
    const file = (name: string) => ({ corpus: 1, files: [{ name, contentBase64: 'aGVsbG8=' }] });
    for (const name of ['../etc/passwd', 'a/b.txt', 'a\\b.txt', '..', '.', '', 'bad\u0000.txt', big(256)]) {
      expect(accepts('corpora.importFiles', file(name)), JSON.stringify(name)).toBe(false);
    }
    expect(accepts('corpora.importFiles', file('notes (2).md'))).toBe(true);
  });

  it('refuses contents that are not base64, oversize, or too many files', () => {
    const one = (contentBase64: string) => ({ corpus: 1, files: [{ name: 'a.txt', contentBase64 }] });
    expect(accepts('corpora.importFiles', one('not base64!'))).toBe(false);
    expect(message('corpora.importFiles', one('A'.repeat(4 * Math.ceil((LIMITS.fileBytes + 3) / 3))))).toBe(
      'corpora.importFiles files[0].contentBase64: is over the 50 MiB import limit',
    );
    const files = Array.from({ length: LIMITS.filesPerImport + 1 }, (_, i) => ({ name: `${i}.txt`, contentBase64: '' }));
    expect(accepts('corpora.importFiles', { corpus: 1, files })).toBe(false);
    expect(accepts('corpora.importFiles', { corpus: 1, files: [] })).toBe(false);
  });

  it('carries a file at the import limit in one message the server accepts', () => {
    expect(LIMITS.fileBytes).toBe(MAX_IMPORT_BYTES);
    expect(LIMITS.importBytes).toBeGreaterThanOrEqual(MAX_IMPORT_BYTES);
    const input = { corpus: 'A corpus name', files: [{ name: 'a'.repeat(LIMITS.fileName), contentBase64: 'A'.repeat(base64Length(MAX_IMPORT_BYTES)) }] };
    expect(accepts('corpora.importFiles', input)).toBe(true);
    const message = encodeMessage({ type: 'request', id: 'x'.repeat(64), method: 'corpora.importFiles', input });
    expect(Buffer.byteLength(message)).toBeLessThanOrEqual(MAX_MESSAGE_BYTES);
  });

  it('refuses relative, traversing, URL and control-character paths', () => {
    const paths = (p: string) => ({ corpus: 1, paths: [p] });
    for (const p of ['texts/a.txt', './a.txt', '../a.txt', '/home/me/../../etc/passwd', 'file:///etc/passwd', '/a\u0000b', '/a\nb', '', '/' + big(LIMITS.path)]) {
      expect(accepts('corpora.importPaths', paths(p)), JSON.stringify(p.slice(0, 40))).toBe(false);
    }
    for (const p of ['/home/me/a.txt', 'D:\\texts\\a.txt', '\\\\server\\share\\a.txt', '/home/me/..hidden/a.txt']) {
      expect(accepts('corpora.importPaths', paths(p)), p).toBe(true);
    }
    expect(accepts('checkpoints.export', { checkpointId: 1, folder: 'relative/folder' })).toBe(false);
    expect(accepts('runs.start', { kind: 'seq2seq', pairs: { kind: 'file', path: '../pairs.tsv' }, task: 'summarize', preset: 'small' })).toBe(false);
  });

  it('bounds generation inputs', () => {
    expect(accepts('generate.complete', { text: big(LIMITS.completionContextChars + 1) })).toBe(false);
    expect(accepts('generate.complete', { text: 'a', n: 0 })).toBe(false);
    expect(accepts('generate.complete', { text: 'a', n: 9 })).toBe(false);
    expect(accepts('generate.complete', { text: 'a', temperature: 3 })).toBe(false);
    expect(accepts('generate.complete', { text: 'a', maxTokens: 2.5 })).toBe(false);
    expect(accepts('generate.summarize', { text: '   ' })).toBe(false);
    expect(accepts('generate.summarize', { text: 'a', minLength: 50, maxLength: 10 })).toBe(false);
    expect(accepts('generate.summarize', { text: 'a', beam: 17 })).toBe(false);
    expect(accepts('generate.reply', { message: '' })).toBe(false);
    expect(accepts('generate.reply', { message: big(LIMITS.message + 1) })).toBe(false);
    const history = Array.from({ length: LIMITS.history + 1 }, () => ({ role: 'user', text: 'x' }));
    expect(accepts('generate.reply', { message: 'hi', history })).toBe(false);
    expect(accepts('generate.reply', { message: 'hi', history: [{ role: 'system', text: 'x' }] })).toBe(false);
  });

  it('applies defaults', () => {
    expect(schema('generate.complete').parse({ text: 'a' })).toEqual({ text: 'a', n: 3, maxTokens: 24 });
    expect(schema('runs.list').parse({})).toEqual({ limit: 100 });
  });

  it('starts runs from a preset, a full config, or a preset with overrides', () => {
    expect(accepts('runs.start', { kind: 'lm', corpusId: 1, config: fullLmConfig })).toBe(true);
    expect(accepts('runs.start', { kind: 'lm', corpusId: 1, preset: 'medium', config: { hidden: 512 } })).toBe(true);
    expect(accepts('runs.start', { kind: 'lm', corpusId: 1 })).toBe(false);
    expect(accepts('runs.start', { kind: 'lm', corpusId: 1, preset: '../large' })).toBe(false);
    expect(accepts('runs.start', { kind: 'lm', corpusId: 1, config: { ...fullLmConfig, hiden: 3 } })).toBe(false);
    expect(accepts('runs.start', { kind: 'lm', corpusId: 1, config: { ...fullLmConfig, cell: 'transformer' } })).toBe(false);
    expect(accepts('runs.start', { kind: 'lm', corpusId: 1, config: { ...fullLmConfig, layers: 99 } })).toBe(false);
    expect(accepts('runs.start', { kind: 'lm', corpusId: 1, config: { ...fullLmConfig, dropout: 1 } })).toBe(false);
    expect(accepts('runs.start', { kind: 'lm', corpusId: 1, config: { ...fullLmConfig, budget: { steps: 10, minutes: 5 } } })).toBe(false);
    expect(accepts('runs.start', { kind: 'lm', corpusId: 1, config: { ...fullLmConfig, budget: { minutes: 0.5 } } })).toBe(true);
    expect(accepts('runs.start', { kind: 'gpt', corpusId: 1, preset: 'small' })).toBe(false);
    expect(
      accepts('runs.start', { kind: 'seq2seq', pairs: { kind: 'mined', corpusId: 2 }, task: 'dialogue', preset: 'small', config: { attention: 'luong', copy: true } }),
    ).toBe(true);
    expect(accepts('runs.start', { kind: 'seq2seq', pairs: { kind: 'mined', corpusId: 2 }, task: 'translate', preset: 'small' })).toBe(false);
  });

  it('says what is wrong in one line', () => {
    const m = message('corpora.importFiles', { corpus: 1, files: [{ name: 'a/b', contentBase64: '' }] });
    expect(m).toBe('corpora.importFiles files[0].name: must be a file name, not a path');
    expect(message('runs.start', { kind: 'lm', corpusId: 1, config: { ...fullLmConfig, budget: { steps: 'x' } } })).toMatch(
      /^runs\.start config\.budget\.steps: /,
    );
    expect(message('corpora.stats', { corpusId: 1, extra: 1 })).toBe('corpora.stats: unknown field "extra"');
    expect(message('generate.complete', { text: 1, n: 'x' })).toMatch(/\(and 1 more problem\)$/);
  });
});
