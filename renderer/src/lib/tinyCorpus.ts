/**
 * Corpora too small to train a useful model on, and models trained on one. A 56-word corpus "finished" in a
 * second at chance-level loss and was offered for the editor like any other model: the Training pane warns
 * before such a run, and the Models pane marks what it produced.
 */
import { formatCount, plural } from './format.js';

/**
 * Below 10,000 words (about 40 pages) a model learns little beyond which letters are common. Measured with the
 * Small preset on the first N words of Pride and Prejudice, scored on 30,000 characters from later in the book
 * (docs/performance.md, "How much text a model needs"): held-out loss 3.92 nats/char at 500 words (worse than
 * letter frequencies alone, 3.08), 3.01 at 2,000 (no better), 2.07 at 10,000 and 1.46 at 50,000. From 10,000
 * words on, what the model learns is clearly the writing's own; below, the suggestions are close to noise.
 */
export const TINY_CORPUS_WORDS = 10_000;

export const isTinyCorpus = (corpus: { words: number }): boolean => corpus.words < TINY_CORPUS_WORDS;

/** The warning shown before training on `corpus`, or null when it is big enough. */
export function tinyCorpusWarning(corpus: { name: string; words: number }): string | null {
  if (!isTinyCorpus(corpus)) return null;
  return (
    `“${corpus.name}” has only ${plural(corpus.words, 'word')}. A model learns little from fewer than ` +
    `${formatCount(TINY_CORPUS_WORDS)} words (about 40 pages): its suggestions would be close to random. ` +
    `Import more of your writing first.`
  );
}

/** The mark on a model trained on a tiny corpus: "tiny corpus (56 words)". */
export const tinyCorpusMark = (words: number): string => `tiny corpus (${plural(words, 'word')})`;
