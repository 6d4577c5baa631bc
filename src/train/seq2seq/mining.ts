/**
 * Pairs mined from a corpus's documents (src/text/pairs/mine.ts) with the rules that fit the task: a section's
 * text → its heading and a paragraph → its first sentence for summaries; the next paragraph's or turn's speech
 * for dialogue. Mining is deterministic, so a resumed run mines the same pairs from an unchanged corpus (and is
 * refused, by the data's sha256, when the corpus changed).
 */
import type { Seq2seqTask } from '../../contract/index.js';
import { type MineRule, type Pair, minePairs } from '../../text/pairs/index.js';
import { SetupError } from '../errors.js';

export const MINE_RULES_FOR: Record<Seq2seqTask, readonly MineRule[]> = {
  summarize: ['section-heading', 'paragraph-first-sentence'],
  dialogue: ['prose-dialogue', 'script-dialogue'],
};

/** The pairs of `documents` for `task`; SetupError when there are none. */
export function minedPairs(documents: readonly string[], task: Seq2seqTask): Pair[] {
  const rules = MINE_RULES_FOR[task];
  const pairs = documents.flatMap((text, i) => minePairs(text, { docId: `d${i + 1}`, rules }).map((p) => ({ id: p.id, source: p.source, target: p.target })));
  if (pairs.length === 0) {
    const what = task === 'summarize' ? 'no paragraphs of two or more sentences and no sections under headings' : 'no quoted speech answered in the next paragraph and no script turns';
    throw new SetupError(
      `no ${task === 'summarize' ? 'summary' : 'dialogue'} pairs could be mined from the corpus (its ${documents.length} document${documents.length === 1 ? ' has' : 's have'} ${what}); use a pairs file instead`,
    );
  }
  return pairs;
}
