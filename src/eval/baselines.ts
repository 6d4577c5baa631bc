/**
 * Summarisation baselines a trained summarizer has to beat: lead-k, the first k sentences of the
 * article. Sentences come from Longhand's splitter (see `src/text/pairs/sentences.ts` for what it
 * handles) and are joined with newlines, so ROUGE-Lsum sees one sentence per line.
 */
import { splitSentences } from '../text/sentences.js';
import type { SplitOptions } from '../text/sentences.js';

export interface LeadOptions extends SplitOptions {
  /** Drop the first line before splitting (a headline, as in BBC News articles). Default false. */
  skipHeadline?: boolean;
}

/** The first `k` sentences of `article`, in order (fewer if it has fewer). */
export function leadSentences(article: string, k: number, options: LeadOptions = {}): string[] {
  if (!Number.isInteger(k) || k < 0) throw new Error(`lead-k needs a whole number k ≥ 0, got ${k}`);
  let text = article;
  if (options.skipHeadline) {
    const newline = text.indexOf('\n');
    text = newline === -1 ? '' : text.slice(newline + 1);
  }
  const split: SplitOptions = options.lineBreaks ? { lineBreaks: options.lineBreaks } : {};
  return splitSentences(text, split)
    .slice(0, k)
    .map((s) => s.text);
}

/** lead-k as one string, one sentence per line. */
export function leadK(article: string, k: number, options: LeadOptions = {}): string {
  return leadSentences(article, k, options).join('\n');
}

export const lead1 = (article: string, options: LeadOptions = {}): string => leadK(article, 1, options);
export const lead3 = (article: string, options: LeadOptions = {}): string => leadK(article, 3, options);
