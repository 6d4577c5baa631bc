/**
 * How a book marks its dialogue, for the prose-dialogue rule: double quotes (most American and many
 * British editions), single quotes (Dickens, Emily Brontë, Carroll; double ones are then nested quotes) or
 * a dash opening the paragraph (Joyce). Decided per document by what most paragraphs open with, since a
 * speech paragraph nearly always opens with its quote; a paragraph that itself opens with an unambiguous
 * quote of the other family (a frame story's preface in “double” quotes in a ‘single’-quoted book) is read
 * with that family.
 */
import { opensWithDash } from './dashSpeech.js';
import type { QuoteFamily } from './quotedSpeech.js';

export type DialogueStyle = QuoteFamily | 'dash';

const OPENS_DOUBLE = /^[\s_]*["“]/u;
/** A straight single quote opens speech only before a non-space (`' ` is a closing quote or an apostrophe). */
const OPENS_SINGLE = /^[\s_]*(?:‘|'(?=\S))/u;
const OPENS_CURLY_SINGLE = /^[\s_]*‘/u;

export function detectDialogueStyle(paragraphs: readonly string[]): DialogueStyle {
  let double = 0;
  let single = 0;
  let dash = 0;
  for (const p of paragraphs) {
    if (OPENS_DOUBLE.test(p)) double++;
    else if (OPENS_SINGLE.test(p)) single++;
    else if (opensWithDash(p)) dash++;
  }
  if (double === 0 && single === 0 && dash === 0) {
    // No paragraph opens with speech: count opening quotes anywhere.
    const text = paragraphs.join('\n');
    single = (text.match(/‘/gu) ?? []).length;
    double = (text.match(/["“]/gu) ?? []).length;
  }
  if (dash > double && dash > single) return 'dash';
  return single > double ? 'single' : 'double';
}

/** The quote family to read one paragraph with, in a book of the given style. */
export function familyOf(paragraph: string, style: QuoteFamily): QuoteFamily {
  if (style === 'single' && OPENS_DOUBLE.test(paragraph)) return 'double';
  if (style === 'double' && OPENS_CURLY_SINGLE.test(paragraph)) return 'single';
  return style;
}
