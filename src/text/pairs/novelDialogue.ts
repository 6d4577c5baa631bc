/**
 * Data for a starter dialogue model: the prose-dialogue pairs of a folder of novels (one UTF-8 `.txt` per
 * book, like /work/shared/data/gutenberg-prose), split by book — whole books are held out for validation
 * and test, so those measure replies in voices the model has never read, not memorised neighbours of
 * training lines. Exact duplicate pairs (`"Yes." → "No."`) are kept once per split.
 *
 * Written as `<outDir>/{train,valid,test}.jsonl`, one `{id, source, target, book, line}` per line
 * (`longhand train seq2seq --pairs train.jsonl --valid valid.jsonl` reads them). No CLI of its own:
 * scripts/prepare-dialogue-data.ts calls it and prints the report.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { minePairs } from './mine.js';
import { nextSentencePairs } from './nextSentence.js';
import { writeTextAtomic } from './write.js';

export type DialogueSplit = 'train' | 'valid' | 'test';
export const DIALOGUE_SPLITS: readonly DialogueSplit[] = ['train', 'valid', 'test'];

export interface NovelPair {
  id: string;
  source: string;
  target: string;
  /** The book's file name without `.txt`. */
  book: string;
  line: number;
}

export interface NovelDialogueOptions {
  /** Books (file names without `.txt`) held out for validation, and for test; every other book trains. */
  valid: readonly string[];
  test: readonly string[];
  /** Drop pairs whose source or target has more words than this (default: keep all). */
  maxWords?: number;
  /**
   * Also write `pretrain.jsonl`: the next-sentence pairs of the training books only (src/text/pairs/nextSentence.ts),
   * to teach a dialogue model English before it learns replies. Held-out books contribute nothing.
   */
  nextSentences?: boolean;
}

export interface BookReport {
  book: string;
  split: DialogueSplit;
  /** Pairs mined, and of them inside told stories (`:inner` ids). */
  pairs: number;
  inner: number;
}

export interface PreparedNovelDialogue {
  books: BookReport[];
  /** Pairs written per split, and what was dropped as a duplicate or as too long. */
  pairs: Record<DialogueSplit, NovelPair[]>;
  duplicates: Record<DialogueSplit, number>;
  tooLong: Record<DialogueSplit, number>;
  files: Record<DialogueSplit, string>;
  /** With `nextSentences`: the pairs written to `pretrain.jsonl`, and its path. */
  pretrain?: { pairs: number; file: string };
}

export const wordsIn = (text: string): number => text.split(/\s+/u).filter(Boolean).length;

export async function prepareNovelDialogue(booksDir: string, outDir: string, options: NovelDialogueOptions): Promise<PreparedNovelDialogue> {
  const names = (await readdir(booksDir)).filter((f) => f.endsWith('.txt')).sort();
  const stems = names.map((f) => f.slice(0, -'.txt'.length));
  for (const book of [...options.valid, ...options.test]) {
    if (!stems.includes(book)) throw new Error(`No book ${book}.txt in ${booksDir} to hold out`);
  }
  const overlap = options.valid.filter((b) => options.test.includes(b));
  if (overlap.length > 0) throw new Error(`${overlap.join(', ')} cannot be held out for both validation and test`);

  const books: BookReport[] = [];
  const pairs: Record<DialogueSplit, NovelPair[]> = { train: [], valid: [], test: [] };
  const duplicates: Record<DialogueSplit, number> = { train: 0, valid: 0, test: 0 };
  const tooLong: Record<DialogueSplit, number> = { train: 0, valid: 0, test: 0 };
  const seen: Record<DialogueSplit, Set<string>> = { train: new Set(), valid: new Set(), test: new Set() };
  const pretrain: NovelPair[] = [];
  for (const [i, book] of stems.entries()) {
    const split: DialogueSplit = options.valid.includes(book) ? 'valid' : options.test.includes(book) ? 'test' : 'train';
    const text = await readFile(path.join(booksDir, names[i]!), 'utf8');
    const mined = minePairs(text, { docId: book, rules: ['prose-dialogue'] });
    if (options.nextSentences && split === 'train') {
      const next = nextSentencePairs(text, { docId: book, ...(options.maxWords !== undefined ? { maxWords: options.maxWords } : {}) });
      pretrain.push(...next.map((p) => ({ ...p, book })));
    }
    books.push({ book, split, pairs: mined.length, inner: mined.filter((p) => p.id.endsWith(':inner')).length });
    for (const p of mined) {
      if (options.maxWords !== undefined && Math.max(wordsIn(p.source), wordsIn(p.target)) > options.maxWords) {
        tooLong[split]++;
        continue;
      }
      const key = `${p.source}\t${p.target}`;
      if (seen[split].has(key)) {
        duplicates[split]++;
        continue;
      }
      seen[split].add(key);
      pairs[split].push({ id: p.id, source: p.source, target: p.target, book, line: p.line });
    }
  }

  const files = {} as Record<DialogueSplit, string>;
  for (const split of DIALOGUE_SPLITS) {
    files[split] = path.join(outDir, `${split}.jsonl`);
    await writeTextAtomic(files[split], pairs[split].map((p) => `${JSON.stringify(p)}\n`).join(''));
  }
  if (!options.nextSentences) return { books, pairs, duplicates, tooLong, files };
  const file = path.join(outDir, 'pretrain.jsonl');
  await writeTextAtomic(file, pretrain.map((p) => `${JSON.stringify(p)}\n`).join(''));
  return { books, pairs, duplicates, tooLong, files, pretrain: { pairs: pretrain.length, file } };
}
