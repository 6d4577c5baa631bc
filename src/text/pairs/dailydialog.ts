/**
 * DailyDialog (Li et al., 2017; /work/shared/data/dailydialog): utterance → reply pairs from the
 * official train/validation/test files, with leakage removed.
 *
 * A file has one dialogue per line, utterances separated by `__eou__`; each piece is stripped and the
 * final empty piece dropped. Speakers alternate, so utterance i+1 replies to utterance i.
 * Deduplication (dialogues compared verbatim, utterance by utterance): repeats inside a split are
 * dropped (optional, on by default), then validation dialogues found in train, then test dialogues
 * found in train or in validation. `DedupeReport` gives every count removed.
 */
import type { Pair } from './types.js';

export type DialogSplit = 'train' | 'validation' | 'test';
export const DIALOG_SPLITS: readonly DialogSplit[] = ['train', 'validation', 'test'];

export interface Dialogue {
  split: DialogSplit;
  /** 1-based line number in the original file. */
  line: number;
  utterances: string[];
}

/** Parse one `dialogues_<split>.txt`. Lines with fewer than two utterances give no pairs but are kept. */
export function parseDialogues(text: string, split: DialogSplit): Dialogue[] {
  const out: Dialogue[] = [];
  text.split('\n').forEach((raw, i) => {
    if (raw.trim() === '') return;
    const pieces = raw.split('__eou__').map((p) => p.trim());
    if (pieces[pieces.length - 1] === '') pieces.pop();
    const empty = pieces.indexOf('');
    if (empty !== -1) throw new Error(`dialogues_${split}.txt line ${i + 1}: utterance ${empty + 1} is empty`);
    out.push({ split, line: i + 1, utterances: pieces });
  });
  return out;
}

function key(d: Dialogue): string {
  return d.utterances.join('\n');
}

export interface SplitDedupe {
  /** Dialogues read from the file. */
  input: number;
  /** Dropped as a repeat of an earlier dialogue in the same split. */
  repeatedWithin: number;
  /** Dropped because the dialogue is also in train (validation and test only). */
  inTrain: number;
  /** Dropped because the dialogue is also in validation (test only; those already counted in train excluded). */
  inValidation: number;
  kept: number;
}

export type DedupeReport = Record<DialogSplit, SplitDedupe>;

export interface DedupeOptions {
  /** Also drop repeats inside each split. Default true. */
  withinSplit?: boolean;
}

export function dedupeDialogues(
  splits: Record<DialogSplit, readonly Dialogue[]>,
  options: DedupeOptions = {},
): { splits: Record<DialogSplit, Dialogue[]>; report: DedupeReport } {
  const withinSplit = options.withinSplit ?? true;
  const trainKeys = new Set(splits.train.map(key));
  const validationKeys = new Set(splits.validation.map(key));
  const out = { train: [], validation: [], test: [] } as Record<DialogSplit, Dialogue[]>;
  const report = {} as DedupeReport;
  for (const split of DIALOG_SPLITS) {
    const seen = new Set<string>();
    const r: SplitDedupe = { input: splits[split].length, repeatedWithin: 0, inTrain: 0, inValidation: 0, kept: 0 };
    for (const d of splits[split]) {
      const k = key(d);
      if (split !== 'train' && trainKeys.has(k)) r.inTrain++;
      else if (split === 'test' && validationKeys.has(k)) r.inValidation++;
      else if (withinSplit && seen.has(k)) r.repeatedWithin++;
      else {
        seen.add(k);
        out[split].push(d);
      }
    }
    r.kept = out[split].length;
    report[split] = r;
  }
  return { splits: out, report };
}

export interface DialoguePairOptions {
  /** Undo the corpus's spaced tokenisation with `detokenizeDailyDialog`. Default false. */
  detokenize?: boolean;
}

/** Adjacent (utterance → reply) pairs; id `<split>/<line>/<turn>` with turn counted from 1. */
export function dialoguePairs(dialogues: readonly Dialogue[], options: DialoguePairOptions = {}): Pair[] {
  const clean = options.detokenize ? detokenizeDailyDialog : (s: string) => s;
  const out: Pair[] = [];
  for (const d of dialogues) {
    for (let i = 0; i + 1 < d.utterances.length; i++) {
      out.push({ id: `${d.split}/${d.line}/${i + 1}`, source: clean(d.utterances[i]!), target: clean(d.utterances[i + 1]!) });
    }
  }
  return out;
}

/**
 * Undo DailyDialog's spaced tokenisation: `Say , Jim , how about it ?` → `Say, Jim, how about it?`.
 * Rules, in order: rejoin split contractions (`I ’ m` → `I’m`, `Let ' s` → `Let's`, `don ’ t`, `o ’ clock`); no space
 * before `. , ! ? ; : % ) ] } ” ’` or `...`; none after `( [ { “ ‘ $ £ ¥ €`; straight double quotes
 * alternate opening/closing within an utterance; runs of spaces collapse. Hyphens and dashes are left
 * spaced (` - ` is both in the corpus), and sentences the corpus itself ran together (`right.But`) are
 * left as they are.
 */
export function detokenizeDailyDialog(text: string): string {
  let s = text.replace(/(\p{L}) (['’]) (s|m|d|t|re|ve|ll|clock)\b/giu, '$1$2$3');
  s = s.replace(/ +(\.\.\.|[.,!?;:%)\]}”’])/g, '$1');
  s = s.replace(/([([{“‘$£¥€]) +/g, '$1');
  let open = true;
  s = s.replace(/ ?" ?/g, (m) => {
    const out = open ? (m.startsWith(' ') ? ' "' : '"') : m.endsWith(' ') ? '" ' : '"';
    open = !open;
    return out;
  });
  return s.replace(/ {2,}/g, ' ').trim();
}
