import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareNovelDialogue } from '../../../../src/text/pairs/novelDialogue.js';
import { minePairs } from '../../../../src/text/pairs/mine.js';
import { useTempDir } from '../../store/tempDir.js';

const booksDir = new URL('../../../fixtures/pairs/novels/', import.meta.url).pathname;
const mined = (book: string) => minePairs(fs.readFileSync(path.join(booksDir, `${book}.txt`), 'utf8'), { docId: book, rules: ['prose-dialogue'] });
const readJsonl = (file: string) => fs.readFileSync(file, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);

describe('prepareNovelDialogue', () => {
  const dir = useTempDir('longhand-novel-dialogue-');

  it('holds whole books out for validation and test and writes train/valid/test JSONL', async () => {
    const out = path.join(dir(), 'data');
    const prepared = await prepareNovelDialogue(booksDir, out, { valid: ['alice'], test: ['red-headed-league'] });
    expect(prepared.books).toEqual([
      { book: 'alice', split: 'valid', pairs: 17, inner: 0 },
      { book: 'great-expectations', split: 'train', pairs: 15, inner: 0 },
      { book: 'red-headed-league', split: 'test', pairs: 12, inner: 10 },
      { book: 'wuthering-heights-dialect', split: 'train', pairs: 3, inner: 0 },
      { book: 'wuthering-heights', split: 'train', pairs: 12, inner: 0 },
    ]);
    const train = readJsonl(path.join(out, 'train.jsonl'));
    expect(train).toHaveLength(15 + 12 + 3);
    expect(new Set(train.map((p) => p.book))).toEqual(new Set(['great-expectations', 'wuthering-heights', 'wuthering-heights-dialect']));
    expect(train[0]).toEqual({ id: 'great-expectations:prose-dialogue:6', source: mined('great-expectations')[0]!.source, target: mined('great-expectations')[0]!.target, book: 'great-expectations', line: 6 });
    expect(readJsonl(path.join(out, 'valid.jsonl')).map((p) => p.target)).toEqual(mined('alice').map((p) => p.target));
    expect(readJsonl(path.join(out, 'test.jsonl')).map((p) => p.id)).toEqual(mined('red-headed-league').map((p) => p.id));
    expect(prepared.files).toEqual({ train: path.join(out, 'train.jsonl'), valid: path.join(out, 'valid.jsonl'), test: path.join(out, 'test.jsonl') });
  });

  it('drops duplicate pairs within a split and, when asked, pairs that are too long', async () => {
    const books = path.join(dir(), 'books');
    fs.mkdirSync(books);
    const exchange = '“Yes,” said Ann.\n\n“No,” said Bo.\n\nIt rained.\n\n“Yes.”\n\n“No.”\n';
    fs.writeFileSync(path.join(books, 'a.txt'), `${exchange}\nIt rained.\n\n“One two three four five six,” said Ann.\n\n“Seven.”\n`);
    fs.writeFileSync(path.join(books, 'b.txt'), exchange);
    const prepared = await prepareNovelDialogue(books, path.join(dir(), 'out'), { valid: ['b'], test: [], maxWords: 5 });
    expect(prepared.pairs.train.map((p) => [p.source, p.target])).toEqual([['Yes.', 'No.']]);
    expect(prepared.duplicates).toEqual({ train: 1, valid: 1, test: 0 });
    expect(prepared.tooLong).toEqual({ train: 1, valid: 0, test: 0 });
    expect(fs.readFileSync(path.join(dir(), 'out', 'test.jsonl'), 'utf8')).toBe('');
  });

  it('refuses a held-out book that is not there, or one held out twice', async () => {
    await expect(prepareNovelDialogue(booksDir, dir(), { valid: ['oliver-twist'], test: [] })).rejects.toThrow(/No book oliver-twist.txt in .* to hold out/);
    await expect(prepareNovelDialogue(booksDir, dir(), { valid: ['alice'], test: ['alice'] })).rejects.toThrow(/alice cannot be held out for both/);
  });
});
