/**
 * Extractive summaries put back into the order of their article.
 *
 * BBC News Summary's summaries are sentences of the article, but listed by their salience, not where they
 * stand (in 70 of 1,799 training articles with two or more summary sentences is the order the article's).
 * Taught to write them in that order, a summarizer must open with the one sentence (of twenty) the summary
 * ranks first — a choice 1,800 examples barely teach — and it learns to copy the lead. In the article's order
 * the same summary is a walk through the article that keeps or skips each sentence: one decision per sentence,
 * tens of thousands of them to learn from (docs/performance.md, "Summaries in the article's order").
 *
 * Only training data is reordered: a model is always scored against the references as published.
 */
import { splitSentences } from '../sentences.js';
import type { Pair } from './types.js';

/**
 * The target's sentences in the order the source has them, joined by single spaces; `null` when the target is
 * not made of source sentences only (it is not purely extractive, so its order is kept).
 *
 * The source is split into sentences and each is looked for in the target, not the other way round: BBC's
 * summaries glue sentences together (`…months."I think…`, `…in the US.Texas…`), where a splitter cannot tell
 * which sentence a quote closes, while the articles are written out properly.
 */
export function targetInSourceOrder(source: string, target: string): string | null {
  const covered = new Uint8Array(target.length);
  const kept: { start: number; text: string }[] = [];
  // Longest first, so that a short sentence ("Yes.") cannot claim a piece of a longer one.
  for (const s of candidates(source)) {
    for (let at = target.indexOf(s.text); at !== -1; at = target.indexOf(s.text, at + 1)) {
      if (covered.subarray(at, at + s.text.length).some((c) => c === 1)) continue;
      covered.fill(1, at, at + s.text.length);
      kept.push(s);
      break;
    }
  }
  for (let i = 0; i < target.length; i++) if (covered[i] === 0 && !/\s/u.test(target[i]!)) return null;
  if (kept.length === 0) return null;
  return kept.sort((a, b) => a.start - b.start).map((s) => s.text).join(' ');
}

/**
 * The source's sentences, and the pieces between any terminator followed by a space: where the splitter keeps
 * `…in the U.S. Texas judge…` or `Mr. Smith` whole, a summary may hold only one side. Longest first.
 */
function candidates(source: string): { start: number; text: string }[] {
  const seen = new Set<string>();
  const out: { start: number; text: string }[] = [];
  const add = (start: number, text: string): void => {
    const key = `${start}:${text.length}`;
    if (text.length === 0 || seen.has(key)) return;
    seen.add(key);
    out.push({ start, text });
  };
  for (const s of splitSentences(source)) {
    add(s.start, s.text);
    let from = 0;
    for (const m of s.text.matchAll(/[.!?…]+["'”’)\]]*\s+/gu)) {
      const end = m.index + m[0].trimEnd().length;
      add(s.start + from, s.text.slice(from, end));
      from = m.index + m[0].length;
    }
    if (from > 0) add(s.start + from, s.text.slice(from));
  }
  return out.sort((a, b) => b.text.length - a.text.length || a.start - b.start);
}

/** Pairs with their extractive targets in source order, and how many were reordered. */
export function pairsInSourceOrder(pairs: readonly Pair[]): { pairs: Pair[]; reordered: number } {
  let reordered = 0;
  const out = pairs.map((p) => {
    const target = targetInSourceOrder(p.source, p.target);
    if (target === null) return p;
    reordered++;
    return { ...p, target };
  });
  return { pairs: out, reordered };
}
