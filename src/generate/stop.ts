/**
 * Where a continuation may end, shared by sampling and beam search so that both stop at the same places.
 *
 * A continuation ends *before* the token that would start the next unit, never in the middle of one:
 * - 'word': after `count` words, before the next token that starts with whitespace (" ", "\n", BPE's " the").
 *   A word is a run of non-whitespace, so punctuation stays with its word ("store.", "don't", "wait,").
 * - 'sentence': after `count` sentences (text ending in . ! ? … with optional closing quotes), before the
 *   whitespace that follows; "3.14" and "e.g.x" do not end one because no whitespace follows the dot.
 * - 'line': before the `count`-th line break.
 * Word and sentence continuations also end at a line break once they have some text (a suggestion never
 * runs into the next paragraph). An end-of-sequence token (`</s>`…) always ends a continuation. Nothing
 * ends before the continuation has some non-whitespace text.
 *
 * When several tokens could end the continuation, they are one event, "end here", whose probability is the
 * sum of theirs (./events.ts): the model's belief that the word is complete, not the chance of one spelling of
 * the space after it.
 */
import { endsSentence } from '../text/tokenizers/index.js';
import type { Tokenizer } from '../text/tokenizers/index.js';

export type StopAt = 'word' | 'sentence' | 'line';
export type StopReason = StopAt | 'eos' | 'stop-string' | 'max-tokens';

export interface StopRule {
  stopAt: StopAt | null;
  /** Units (words, sentences or lines) before stopping; ≥ 1. */
  count: number;
  /** Stop as soon as the text contains one of these (the text is cut before it). */
  stopStrings: readonly string[];
}

/** Which ordinary tokens end the continuation now: none, those starting with whitespace, or line breaks. */
export type EndKind = 'none' | 'space' | 'line';

export interface TokenTable {
  readonly vocabSize: number;
  /** Text of every token ('' for specials). */
  readonly texts: readonly string[];
  /** Specials generation never emits (padding, `<unk>`, start markers): everything but end-of-sequence. */
  readonly banned: Uint8Array;
  /** End-of-sequence ids (`</s>`, `<eos>`, `<|endoftext|>`), which always end a continuation. */
  readonly eos: readonly number[];
  /** 1 for ordinary tokens that start with whitespace. */
  readonly space: Uint8Array;
  /** 1 for ordinary tokens that start a new line (only whitespace, then "\n", at their start). */
  readonly line: Uint8Array;
}

const EOS_TOKENS = ['</s>', '<eos>', '<|endoftext|>', '<end>'];
const tables = new WeakMap<Tokenizer, TokenTable>();

export function tokenTable(tokenizer: Tokenizer): TokenTable {
  const cached = tables.get(tokenizer);
  if (cached) return cached;
  const v = tokenizer.vocabSize;
  const specials = new Set(tokenizer.specials);
  const texts: string[] = [];
  const banned = new Uint8Array(v);
  const eos: number[] = [];
  const space = new Uint8Array(v);
  const line = new Uint8Array(v);
  for (let id = 0; id < v; id++) {
    const token = tokenizer.tokens[id] ?? '';
    if (id < tokenizer.specials.length && specials.has(token)) {
      texts.push('');
      if (EOS_TOKENS.includes(token)) eos.push(id);
      else banned[id] = 1;
      continue;
    }
    const text = tokenizer.decode([id]);
    texts.push(text);
    if (/^\s/u.test(text)) space[id] = 1;
    if (/^[^\S\n]*\n/u.test(text)) line[id] = 1;
  }
  const table = { vocabSize: v, texts, banned, eos, space, line };
  tables.set(tokenizer, table);
  return table;
}

export function stopRule(options: { stopAt?: StopAt | null; count?: number; stopStrings?: readonly string[] }): StopRule {
  const count = options.count ?? 1;
  if (!Number.isInteger(count) || count < 1) throw new RangeError(`the number of units to stop after must be a positive integer (got ${count})`);
  return { stopAt: options.stopAt ?? null, count, stopStrings: (options.stopStrings ?? []).filter((s) => s.length > 0) };
}

/** What ends a continuation whose text so far is `text`, and the reason to report when it does. */
export function endKind(rule: StopRule, text: string): { kind: EndKind; reason: StopReason } {
  if (rule.stopAt === null || !/\S/u.test(text)) return { kind: 'none', reason: 'eos' };
  switch (rule.stopAt) {
    case 'word':
      return countWords(text) >= rule.count ? { kind: 'space', reason: 'word' } : { kind: 'line', reason: 'line' };
    case 'sentence':
      return countSentences(text) >= rule.count ? { kind: 'space', reason: 'sentence' } : { kind: 'line', reason: 'line' };
    case 'line':
      return countLineBreaks(text) >= rule.count - 1 ? { kind: 'line', reason: 'line' } : { kind: 'none', reason: 'eos' };
  }
}

/** True when token `id` ends a continuation of this kind (end-of-sequence ids always do). */
export function isEndToken(table: TokenTable, kind: EndKind, id: number): boolean {
  if (table.eos.includes(id)) return true;
  return kind === 'space' ? table.space[id] === 1 : kind === 'line' ? table.line[id] === 1 : false;
}

/** Index of the first stop string in `text` at or after `from` − (longest stop string), or -1. */
export function findStopString(rule: StopRule, text: string, from: number): number {
  let best = -1;
  for (const stop of rule.stopStrings) {
    const at = text.indexOf(stop, Math.max(0, from - stop.length + 1));
    if (at >= 0 && (best < 0 || at < best)) best = at;
  }
  return best;
}

export function countWords(text: string): number {
  return text.match(/\S+/gu)?.length ?? 0;
}

const SENTENCE_END = /[.!?…。！？][\p{Pe}\p{Pf}"']*(?=\s)/gu;

export function countSentences(text: string): number {
  return (text.match(SENTENCE_END)?.length ?? 0) + (endsSentence(text) && !/\s$/u.test(text) ? 1 : 0);
}

function countLineBreaks(text: string): number {
  const firstContent = text.search(/\S/u);
  return firstContent < 0 ? 0 : (text.slice(firstContent).match(/\n/g)?.length ?? 0);
}
