/**
 * Next-sentence pairs of a book: each sentence → the sentence that follows it, across paragraphs.
 *
 * Why: a word-level reply decoder trained only on the ~16 k speech → reply pairs of the public-domain novels
 * sees ~300 k target words and answers in broken grammar ("You was been."). The same novels hold ~2 M words
 * of sentences, each the natural continuation of the one before; a dialogue model first trained on them (and
 * then on the dialogue pairs) learns English from text it is allowed to ship. Skip-thought (Kiros et al. 2015)
 * trains an encoder–decoder on the same signal.
 *
 * Quotation marks are dropped — double ones always, single ones where they open a word or close one after
 * punctuation, so `don't` and `the boys' room` keep theirs: a dialogue pair's reply is bare speech, and the
 * decoder should not learn to open a quote. Paragraphs come from the miner's block parser (./blocks.ts); a
 * heading, break, or a paragraph without a lower-case letter (`CHAPTER IV`, `THE END`) breaks the chain, so a
 * chapter's first sentence is never the "reply" to the previous chapter's last.
 */
import { splitSentences } from '../sentences.js';
import { countWords } from '../stats.js';
import { detectParagraphStyle, paragraphText, parseBlocks } from './blocks.js';

export interface NextSentencePair {
  id: string;
  source: string;
  target: string;
  /** 1-based line of the source sentence's paragraph. */
  line: number;
}

export interface NextSentenceOptions {
  docId?: string;
  /** Pairs whose source or target has more words than this are left out (default 40). */
  maxWords?: number;
  /** …and fewer than this (default 2: `"Yes."` → `"No."` is dialogue's job, not this one's). */
  minWords?: number;
}

const HAS_LOWER = /\p{Ll}/u;

/** Double quotes anywhere; a single quote that opens a word, or closes one after punctuation (`…,' said he`). */
function withoutQuotationMarks(sentence: string): string {
  return sentence
    .replace(/["\u201C\u201D]/g, '')
    .replace(/(^|[\s(\u2014])['\u2018\u2019](?=\S)/gu, '$1')
    .replace(/([.,!?;:\u2014])['\u2019](?=\s|$)/gu, '$1')
    .replace(/\s+/g, ' ')
    .trim();
}

export function nextSentencePairs(text: string, options: NextSentenceOptions = {}): NextSentencePair[] {
  const maxWords = options.maxWords ?? 40;
  const minWords = options.minWords ?? 2;
  const docId = options.docId ?? 'doc';
  const fits = (sentence: string): boolean => {
    const n = countWords(sentence);
    return n >= minWords && n <= maxWords;
  };
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const out: NextSentencePair[] = [];
  let previous: { text: string; line: number } | null = null;
  for (const block of parseBlocks(lines, { markdown: false, paragraphs: detectParagraphStyle(lines) })) {
    const joined = block.kind === 'paragraph' ? paragraphText(block) : '';
    if (!HAS_LOWER.test(joined)) {
      previous = null;
      continue;
    }
    for (const sentence of splitSentences(joined)) {
      const text = withoutQuotationMarks(sentence.text);
      if (previous && fits(previous.text) && fits(text)) {
        out.push({ id: `${docId}:next-sentence:${previous.line}:${out.length}`, source: previous.text, target: text, line: previous.line });
      }
      previous = { text, line: block.line };
    }
  }
  return out;
}
