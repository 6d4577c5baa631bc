/**
 * The suggestion policy: what the editor shows as ghost text, decided from what the model believes. Decoding
 * (./suggest.ts) gathers candidates — a few first words from a small beam, each continued greedily word by word,
 * every word with the model's probability — and the pure functions here decide:
 *
 * - **word boundaries**: with the cursor right after letters, the word may be finished ("wind") or not ("wi").
 *   The half-typed word is completed only when the model's odds that it continues are high (Smart Compose's rule:
 *   a suggestion the writer has to undo costs more than none); when it is probably finished, the suggestion starts
 *   after it (" and the", ", and") and never glues letters onto it; in between, nothing is shown.
 * - **when to show nothing**: when the first word is less likely than `firstWordMin` (`completionMin` for the rest
 *   of a half-typed word, which a model guesses far more often right), or the suggestion has no letter or digit.
 * - **length**: words after the first are kept while each is likely enough (`nextWordMin`), up to `maxWords`.
 * - **repetition**: a word that would repeat the phrase just before it ("of the streets of the streets") ends the
 *   suggestion (`loopCut`), so accepting ghosts in a row cannot loop.
 * - **line breaks**: a suggestion is one line. A model trained on hard-wrapped books often wants a line break
 *   first; that break is soft — shown as a space — rather than a reason to show nothing.
 * - **quotes and dashes**: models write plain typography (../text/typography.ts); the ghost is restyled like the
 *   writer's text (curly quotes for a writer who types them, `--` for one who types that).
 *
 * The thresholds were tuned with `npm run bench:suggest` (docs/performance.md, "Suggestions a writer would accept").
 */
import { styleLike } from '../text/typography.js';

export interface SuggestPolicy {
  /** Hypotheses of the first-word beam. */
  beamWidth: number;
  /** Words at most (a word keeps its punctuation: "said," is one). */
  maxWords: number;
  /** Tokens one word may take before it is given up as unfinished. */
  wordTokens: number;
  /** Characters at most. */
  maxChars: number;
  /** P(the half-typed word continues) at or above which it is completed. */
  completeWordMin: number;
  /** P(the half-typed word continues) at or below which it counts as finished and the next words are suggested. */
  finishedWordMax: number;
  /** P(first word) below which nothing is shown, when it starts a new word. */
  firstWordMin: number;
  /** P(the rest of the half-typed word) below which nothing is shown, when completing one. */
  completionMin: number;
  /** P(next word | the suggestion so far) below which the suggestion ends. */
  nextWordMin: number;
  /** Cut a suggestion before a word that repeats the phrase just before it. */
  cutLoops: boolean;
}

export const SUGGEST_POLICY: Readonly<SuggestPolicy> = {
  beamWidth: 4,
  maxWords: 3,
  wordTokens: 16,
  maxChars: 48,
  completeWordMin: 0.9,
  finishedWordMax: 0.2,
  firstWordMin: 0.15,
  completionMin: 0.1,
  nextWordMin: 0.1,
  cutLoops: true,
};

/** Where the cursor is: after whitespace (or at the start), right after letters or digits, or after punctuation. */
export type WordState = 'after-space' | 'mid-word' | 'after-punctuation';

export function wordState(before: string): WordState {
  if (before === '' || /\s$/u.test(before)) return 'after-space';
  return /[\p{L}\p{N}\p{M}]['\u2019]?$/u.test(before) ? 'mid-word' : 'after-punctuation';
}

/** True when a token's text would continue a word it follows: it starts with a letter, digit, apostrophe or hyphen. */
export function continuesWord(tokenText: string): boolean {
  return /^[\p{L}\p{N}\p{M}'\u2019-]/u.test(tokenText);
}

export type Branch = 'complete-word' | 'next-word';

/**
 * Which kind of first word to suggest: after letters, completing the word when it probably continues, the next
 * word when it is probably finished, none in between; elsewhere always the next word.
 */
export function branchFor(state: WordState, continueProb: number | null, policy: SuggestPolicy): Branch | null {
  if (state !== 'mid-word' || continueProb === null) return 'next-word';
  if (continueProb >= policy.completeWordMin) return 'complete-word';
  if (continueProb <= policy.finishedWordMax) return 'next-word';
  return null;
}

export interface SuggestedWord {
  /** As the model wrote it, with the whitespace before it. */
  text: string;
  /** The model's log-probability of the word given the text before it, ending included. */
  logProb: number;
  tokens: number;
}

/** A first word from the beam and the words the model continues it with, each with its probability. */
export interface Candidate {
  words: SuggestedWord[];
}

/** Everything decoding found, before the policy's thresholds: what `choose` decides from. */
export interface RawSuggestions {
  state: WordState;
  /** The model's probability that the half-typed word continues (mid-word only, else null). */
  continueProb: number | null;
  /** Candidates by branch, best first word first; a branch is absent when it was not decoded. */
  branches: Partial<Record<Branch, Candidate[]>>;
}

export interface Suggestion {
  /** Text to insert at the cursor, in the writer's typography. */
  text: string;
  /** Mean log-probability per token of the words shown (≤ 0). */
  score: number;
  /** Probability of the first word. */
  confidence: number;
}

/**
 * The ghost texts to show for `before` (the writer's own text), best first, at most `n`, distinct: the policy's
 * thresholds, loop cut, one line, soft line breaks and the writer's typography applied to the candidates.
 */
export function choose(raw: RawSuggestions, before: string, policy: SuggestPolicy, n: number, maxTokens = Infinity): Suggestion[] {
  const branch = branchFor(raw.state, raw.continueProb, policy);
  const candidates = branch ? (raw.branches[branch] ?? []) : [];
  const firstMin = branch === 'complete-word' ? policy.completionMin : policy.firstWordMin;
  const out: Suggestion[] = [];
  for (const candidate of candidates) {
    if (out.length >= n) break;
    const first = candidate.words[0];
    if (!first || Math.exp(first.logProb) < firstMin) continue;
    let text = '';
    let logProb = 0;
    let tokens = 0;
    for (const [i, word] of candidate.words.entries()) {
      if (i >= policy.maxWords || tokens + word.tokens > maxTokens) break;
      if (i > 0 && (Math.exp(word.logProb) < policy.nextWordMin || /\n/u.test(word.text))) break;
      // One line; and one space between words (books set two after a full stop).
      const next = (i === 0 ? softStart(word.text, before) : word.text).split('\n')[0]!.replace(/ {2,}/gu, ' ');
      if (i > 0 && text.length + next.length > policy.maxChars) break;
      if (policy.cutLoops && loopCut(before, text + next) < text.length + next.length) break;
      text += next;
      logProb += word.logProb;
      tokens += word.tokens;
    }
    text = text.trimEnd();
    // A lone comma or full stop is not worth a ghost: a suggestion has a word in it.
    if (!/[\p{L}\p{N}]/u.test(text)) continue;
    const shown = styleLike(text, before);
    if (out.some((s) => s.text === shown)) continue;
    out.push({ text: shown, score: tokens > 0 ? logProb / tokens : 0, confidence: Math.exp(first.logProb) });
  }
  return out;
}

/** Why `choose` showed nothing, in words (null when it showed something). */
export function whyNothing(raw: RawSuggestions, shown: number, policy: SuggestPolicy): string | null {
  if (shown > 0) return null;
  const branch = branchFor(raw.state, raw.continueProb, policy);
  if (!branch) return `unsure whether the word is finished (it goes on with probability ${raw.continueProb!.toFixed(2)})`;
  const best = raw.branches[branch]?.[0]?.words[0];
  if (!best) return 'no whole word within the token budget';
  const min = branch === 'complete-word' ? policy.completionMin : policy.firstWordMin;
  if (Math.exp(best.logProb) < min) return `the likeliest first word is unlikely (${Math.exp(best.logProb).toFixed(3)} < ${min})`;
  return 'every candidate repeats the text just before it, or is punctuation alone';
}

/**
 * A suggestion's start where the cursor is: after whitespace no more whitespace; elsewhere a run of whitespace
 * (a line break the model wanted, being used to hard-wrapped lines) becomes one space — a soft line break.
 */
export function softStart(text: string, before: string): string {
  const rest = text.replace(/^\s+/u, '');
  if (rest.length === text.length) return text;
  return wordState(before) === 'after-space' ? rest : ` ${rest}`;
}

/** Words for repetition checks: lower case, letters and digits only; pure punctuation is no word. */
function words(text: string): { norm: string; end: number }[] {
  const out: { norm: string; end: number }[] = [];
  for (const m of text.matchAll(/\S+/gu)) {
    const norm = m[0].toLowerCase().replace(/[^\p{L}\p{N}]/gu, '');
    if (norm) out.push({ norm, end: m.index + m[0].length });
  }
  return out;
}

/** Longest phrase (in words) whose immediate repetition counts as a loop. */
const LOOP_PHRASE_WORDS = 6;
/** A two-word phrase with a word this long, said again with at most 3 words between, starts a loop. */
const LOOP_PAIR_LETTERS = 4;
const LOOP_PAIR_GAP = 3;

/**
 * How much of `suggestion` to keep so that `before + suggestion` has no word that makes a loop: a phrase of 1–6
 * words repeated back to back ("she said that that", "of the streets of the streets"), or a two-word phrase with
 * a word of 4+ letters said again within 3 words ("the streets of the streets") — the second copy ending in the
 * suggestion. Returns where to cut `suggestion` (before the first such word and the space before it), or its length.
 */
export function loopCut(before: string, suggestion: string): number {
  const tail = before.slice(-400);
  const all = words(tail + suggestion);
  const same = (a: number, b: number) => all[a]!.norm === all[b]!.norm;
  for (let i = 0; i < all.length; i++) {
    if (all[i]!.end <= tail.length) continue;
    let loop = false;
    for (let k = 1; k <= LOOP_PHRASE_WORDS && 2 * k <= i + 1 && !loop; k++) {
      loop = true;
      for (let j = 0; j < k && loop; j++) loop = same(i - j, i - k - j);
    }
    const long = i >= 1 && Math.max(all[i]!.norm.length, all[i - 1]!.norm.length) >= LOOP_PAIR_LETTERS;
    for (let m = i - 2; long && m >= Math.max(1, i - 2 - LOOP_PAIR_GAP) && !loop; m--) loop = same(i, m) && same(i - 1, m - 1);
    if (loop) {
      const wordStart = (tail + suggestion).slice(0, all[i]!.end).search(/\S+$/u);
      return suggestion.slice(0, Math.max(0, wordStart - tail.length)).trimEnd().length;
    }
  }
  return suggestion.length;
}
