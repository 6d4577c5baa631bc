import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { collectPaths, pathProblem } from '../../../src/service/importing.js';

describe('pathProblem', () => {
  it.each([
    ['/home/me/a.txt', null],
    ['relative/a.txt', 'is not an absolute path on this system'],
    ['/home/me/../etc/passwd', 'must not contain ".." segments'],
    ['/home/me/a\0.txt', 'contains a NUL character'],
  ])('%j', (given, want) => {
    expect(pathProblem(given)).toBe(want);
  });

  it.skipIf(process.platform === 'win32')('refuses Windows paths on POSIX rather than resolving them under the working directory', () => {
    expect(pathProblem('C:\\Users\\me\\b.txt')).toBe('is not an absolute path on this system');
  });
});

describe('collectPaths', () => {
  let dir = '';
  const signal = new AbortController().signal;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'longhand-collect-'));
    fs.mkdirSync(path.join(dir, 'book', 'part'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'book', '.git'));
    fs.writeFileSync(path.join(dir, 'book', 'one.txt'), 'one');
    fs.writeFileSync(path.join(dir, 'book', 'part', 'two.md'), 'two');
    fs.writeFileSync(path.join(dir, 'book', 'cover.png'), 'png');
    fs.writeFileSync(path.join(dir, 'book', '.hidden.txt'), 'hidden');
    fs.writeFileSync(path.join(dir, 'book', '.git', 'HEAD.txt'), 'git');
    fs.writeFileSync(path.join(dir, 'outside.txt'), 'outside');
    fs.symlinkSync(path.join(dir, 'outside.txt'), path.join(dir, 'book', 'link.txt'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('walks a folder for supported files, skipping hidden entries, links and other types', async () => {
    const found = await collectPaths([path.join(dir, 'book')], true, signal);
    expect(found.map((c) => path.relative(dir, c.file ?? c.name))).toEqual([path.join('book', 'one.txt'), path.join('book', 'part', 'two.md')]);
  });

  it('refuses a folder when not recursive, and says why for missing and relative paths', async () => {
    const found = await collectPaths([path.join(dir, 'book'), path.join(dir, 'nope.txt'), 'rel.txt'], false, signal);
    expect(found.map((c) => c.refused)).toEqual([
      'is a folder (choose its files, or import folders recursively)',
      'no such file or folder',
      'is not an absolute path on this system',
    ]);
  });

  it('takes a named file once even when given twice, and follows a link the writer chose', async () => {
    const link = path.join(dir, 'book', 'link.txt');
    const found = await collectPaths([link, link, path.join(dir, 'outside.txt')], true, signal);
    expect(found.map((c) => c.file)).toEqual([link, path.join(dir, 'outside.txt')]);
  });
});
