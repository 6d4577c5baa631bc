import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { nextSentencePairs } from '../../../../src/text/pairs/nextSentence.js';
import { prepareNovelDialogue } from '../../../../src/text/pairs/novelDialogue.js';
import { useTempDir } from '../../store/tempDir.js';

const booksDir = new URL('../../../fixtures/pairs/novels/', import.meta.url).pathname;

describe('nextSentencePairs', () => {
  it('pairs each sentence with the next, across paragraphs, without quotation marks', () => {
    const text = 'It rained all day. We stayed in.\n\n“Shall we go out?” said Ann. ‘Not I,’ said Bo, ‘it’s wet.’\n';
    expect(nextSentencePairs(text, { docId: 'b' }).map((p) => [p.source, p.target, p.line])).toEqual([
      ['It rained all day.', 'We stayed in.', 1],
      ['We stayed in.', 'Shall we go out? said Ann.', 1],
      ['Shall we go out? said Ann.', 'Not I, said Bo, it’s wet.', 3],
    ]);
  });

  it('never pairs across a heading, and leaves out sentences too short or too long', () => {
    const text = 'The end of one chapter came.\n\nCHAPTER II\n\nA new day began here. Yes. Then one two three four five six seven. It was over.\n';
    expect(nextSentencePairs(text, { maxWords: 8 }).map((p) => [p.source, p.target])).toEqual([['Then one two three four five six seven.', 'It was over.']]);
    expect(nextSentencePairs(text, { maxWords: 7 })).toEqual([]);
  });
});

describe('prepareNovelDialogue with next sentences', () => {
  const dir = useTempDir('longhand-next-sentence-');

  it('writes pretrain.jsonl from the training books only', async () => {
    const out = path.join(dir(), 'data');
    const prepared = await prepareNovelDialogue(booksDir, out, { valid: ['alice'], test: ['red-headed-league'], nextSentences: true });
    const rows = fs.readFileSync(path.join(out, 'pretrain.jsonl'), 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { book: string; source: string; target: string });
    expect(prepared.pretrain).toEqual({ pairs: rows.length, file: path.join(out, 'pretrain.jsonl') });
    expect(new Set(rows.map((r) => r.book))).toEqual(new Set(['great-expectations', 'wuthering-heights', 'wuthering-heights-dialect']));
    const expected = nextSentencePairs(fs.readFileSync(path.join(booksDir, 'great-expectations.txt'), 'utf8'), { docId: 'great-expectations' });
    expect(rows.filter((r) => r.book === 'great-expectations').map((r) => r.target)).toEqual(expected.map((p) => p.target));
    expect(rows.some((r) => /["“”]/.test(r.source + r.target))).toBe(false);
    const without = await prepareNovelDialogue(booksDir, path.join(dir(), 'b'), { valid: [], test: [] });
    expect(without.pretrain).toBeUndefined();
    expect(fs.existsSync(path.join(dir(), 'b', 'pretrain.jsonl'))).toBe(false);
  });
});
