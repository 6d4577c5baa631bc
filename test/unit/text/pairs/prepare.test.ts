import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { bbcPairs, parseBbcRecords, splitBbcArticle } from '../../../../src/text/pairs/bbc.js';
import { dedupeDialogues, detokenizeDailyDialog, dialoguePairs, parseDialogues } from '../../../../src/text/pairs/dailydialog.js';
import { prepareBbc, prepareDailyDialog, preparePairs, readBbcRecords, readDailyDialog } from '../../../../src/text/pairs/prepare.js';
import { readPairsFile } from '../../../../src/text/pairs/read.js';
import { PairFileError } from '../../../../src/text/pairs/types.js';

const DATA = path.join(path.dirname(new URL(import.meta.url).pathname), '../../../fixtures/pairs/data');

let out: string;
beforeEach(async () => {
  out = await mkdtemp(path.join(os.tmpdir(), 'longhand-prepare-'));
});
afterEach(async () => {
  await rm(out, { recursive: true, force: true });
});

describe('BBC News Summary', () => {
  it('splits by id into the documented, disjoint splits and writes article → summary JSONL', async () => {
    const result = await prepareBbc(DATA, out);
    // Buckets (see split.test.ts): business/001 84 → validation; entertainment/001 92, sport/002 90 → test.
    expect(result).toMatchObject({ records: 8, pairs: { train: 5, validation: 1, test: 2 } });
    const test = await readPairsFile(result.files.test);
    expect(test.map((p) => p.id)).toEqual(['entertainment/001', 'sport/002']);
    const validation = await readPairsFile(result.files.validation);
    expect(validation[0]!.source.startsWith('Harbour Mills profit jumps\n\n')).toBe(true);
    expect(validation[0]!.target).toContain('March.The firm'); // data left as it is
    const again = bbcPairs(await readBbcRecords(DATA));
    expect(again.test.map((p) => p.id)).toEqual(['entertainment/001', 'sport/002']);
    const ids = [...again.train, ...again.validation, ...again.test].map((p) => p.id);
    expect(new Set(ids).size).toBe(8);
  });

  it('also writes the training and validation summaries in the article order, for training', async () => {
    const result = await prepareBbc(DATA, out);
    expect(result.sourceOrder.reordered).toEqual({ train: 5, validation: 1 });
    const original = await readPairsFile(result.files.validation);
    const inOrder = await readPairsFile(result.sourceOrder.files.validation);
    expect(inOrder.map((p) => [p.id, p.source])).toEqual(original.map((p) => [p.id, p.source]));
    expect(inOrder[0]!.target).toContain('March. The firm'); // the same sentences, spaced
    const train = await readPairsFile(result.sourceOrder.files.train);
    expect(train.map((p) => p.id)).toEqual((await readPairsFile(result.files.train)).map((p) => p.id));
    expect(result.sourceOrder.files.train).toBe(path.join(out, 'bbc_news_summary', 'source-order', 'train.jsonl'));
  });

  it('refuses malformed records with line numbers', () => {
    const text = '{"id":"a","category":"c","article":"x","summary":"y"}\n{"id":"b","category":"c","article":"x"}\nnot json\n';
    expect(() => parseBbcRecords(text, 'bbc.jsonl')).toThrow(PairFileError);
    expect(() => parseBbcRecords(text, 'bbc.jsonl')).toThrow(/bbc\.jsonl: 2 malformed lines \(line 2: summary: .*; line 3: invalid JSON/);
  });

  it('separates the headline from the body', () => {
    expect(splitBbcArticle('Title here\n\nBody one.\n\nBody two.')).toEqual({ headline: 'Title here', body: 'Body one.\n\nBody two.' });
  });
});

describe('DailyDialog', () => {
  it('parses dialogues: split on __eou__, strip, drop the final empty piece', () => {
    expect(parseDialogues('A . __eou__ B ? __eou__\n\nC __eou__ D', 'train')).toEqual([
      { split: 'train', line: 1, utterances: ['A .', 'B ?'] },
      { split: 'train', line: 3, utterances: ['C', 'D'] },
    ]);
    expect(() => parseDialogues('A __eou__  __eou__ B __eou__', 'test')).toThrow(/line 1: utterance 2 is empty/);
  });

  it('removes leakage and repeats, and reports the counts', async () => {
    const { splits, report } = dedupeDialogues(await readDailyDialog(DATA));
    // Fixture: train line 4 repeats line 2; validation line 1 is train line 3, line 4 repeats line 2;
    // test line 1 is train line 5, line 2 is validation line 3, line 5 repeats line 4.
    expect(report).toEqual({
      train: { input: 5, repeatedWithin: 1, inTrain: 0, inValidation: 0, kept: 4 },
      validation: { input: 4, repeatedWithin: 1, inTrain: 1, inValidation: 0, kept: 2 },
      test: { input: 5, repeatedWithin: 1, inTrain: 1, inValidation: 1, kept: 2 },
    });
    expect(splits.test.map((d) => d.line)).toEqual([3, 4]);
    const keepRepeats = dedupeDialogues(await readDailyDialog(DATA), { withinSplit: false }).report;
    expect(keepRepeats.train.kept).toBe(5);
    expect(keepRepeats.test).toMatchObject({ inTrain: 1, inValidation: 1, kept: 3 });
  });

  it('makes adjacent utterance → reply pairs with stable ids', () => {
    const [d] = parseDialogues('Hi . __eou__ Hello ! __eou__ How are you ? __eou__', 'validation');
    expect(dialoguePairs([d!])).toEqual([
      { id: 'validation/1/1', source: 'Hi .', target: 'Hello !' },
      { id: 'validation/1/2', source: 'Hello !', target: 'How are you ?' },
    ]);
    expect(dialoguePairs([d!], { detokenize: true })[1]).toMatchObject({ source: 'Hello!', target: 'How are you?' });
  });

  it.each([
    ['Say , Jim , how about going for a few beers after dinner ?', 'Say, Jim, how about going for a few beers after dinner?'],
    ["Good.Let ' s go now .", "Good.Let's go now."],
    ['I ’ m late , it ’ s 5 o ’ clock !', 'I’m late, it’s 5 o’clock!'],
    ["You don ' t say ! I ' d love to . We ' ll see .", "You don't say! I'd love to. We'll see."],
    ['It costs $ 10 ( about £ 8 ) , 20 % off .', 'It costs $10 (about £8), 20% off.'],
    ['He said " hello " to me .', 'He said "hello" to me.'],
    ['Let ’ s see . . .', 'Let’s see...'],
    ['Well ... I am not sure ; maybe : yes .', 'Well... I am not sure; maybe: yes.'],
    ['A well - known “ fact ” .', 'A well - known “fact”.'],
  ])('detokenizes %j', (input, expected) => {
    expect(detokenizeDailyDialog(input)).toBe(expected);
  });

  it('prepares JSONL per split, detokenized on request', async () => {
    const result = await prepareDailyDialog(DATA, out, { detokenize: true });
    expect(result.pairs).toEqual({ train: 8, validation: 3, test: 5 });
    const test = await readPairsFile(result.files.test);
    expect(test[0]).toEqual({ id: 'test/3/1', source: 'He said "hello" to me.', target: 'Really?' });
    expect(await readFile(result.files.train, 'utf8')).toContain('"source":"Say, Jim, how about going for a walk?"');
  });

  it('preparePairs does both data sets', async () => {
    const both = await preparePairs(DATA, out);
    expect(both.bbc.records).toBe(8);
    expect(both.dailyDialog.dedupe.validation.kept).toBe(2);
    expect((await readPairsFile(both.dailyDialog.files.train))[0]!.source).toBe('Say , Jim , how about going for a walk ?');
  });
});
