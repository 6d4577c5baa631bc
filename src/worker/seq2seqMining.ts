/**
 * Where a seq2seq run's pairs come from, as src/train/seq2seq reads them: a pairs file as it is, or pairs mined
 * from the corpus's documents (src/text/pairs/mine.ts) with the rules that fit the task — a section's text →
 * its heading and a paragraph → its first sentence for summaries; the next paragraph's or turn's speech for
 * dialogue. Mining is deterministic, so a resumed run mines the same pairs from an unchanged corpus (and is
 * refused, by the data's sha256, when the corpus changed).
 */
import type { Seq2seqPairsSource } from '../train/seq2seq/data.js';
import type { Seq2seqTaskKind } from '../train/seq2seq/config.js';
import { type MineRule, type Pair, minePairs } from '../text/pairs/index.js';
import type { Seq2seqData, TrainingDocument } from './jobs.js';

export const MINE_RULES_FOR: Record<Seq2seqTaskKind, readonly MineRule[]> = {
  summarize: ['section-heading', 'paragraph-first-sentence'],
  dialogue: ['prose-dialogue', 'script-dialogue'],
};

export function pairsSourceOf(data: Seq2seqData, task: Seq2seqTaskKind): Seq2seqPairsSource {
  if (data.kind === 'file') return { kind: 'file', path: data.path };
  const pairs = minedPairs(data.documents, task);
  if (pairs.length === 0) {
    const what = task === 'summarize' ? 'no paragraphs of two or more sentences and no sections under headings' : 'no quoted speech answered in the next paragraph and no script turns';
    throw new Error(`no ${task === 'summarize' ? 'summary' : 'dialogue'} pairs could be mined from the corpus (its ${data.documents.length} document${data.documents.length === 1 ? ' has' : 's have'} ${what}); use a pairs file instead`);
  }
  return { kind: 'pairs', label: `corpus ${data.corpusId}`, pairs };
}

export function minedPairs(documents: readonly TrainingDocument[], task: Seq2seqTaskKind): Pair[] {
  const rules = MINE_RULES_FOR[task];
  return documents.flatMap((doc, i) => minePairs(doc.text, { docId: `d${i + 1}`, rules }).map((p) => ({ id: p.id, source: p.source, target: p.target })));
}
