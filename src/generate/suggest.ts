/**
 * The editor's ghost text: the text before the cursor → up to n suggestions, best first, or none. One function for
 * the editor (worker `complete` job) and `longhand suggest`, so what the CLI and the benchmark measure is what the
 * writer gets. What is shown is the policy's decision (./suggestPolicy.ts); this module only asks the model:
 *
 * 1. The writer's text is put in plain typography (what the models learnt) and brought into the handle's context
 *    cache, so as the writer types each call feeds only the new characters.
 * 2. After letters, the model's probability that the word goes on decides between completing it and starting the
 *    next word (the first token restricted to one kind or the other).
 * 3. A beam (width 4) finds the most likely first words — whole words, each ending where the model believes the
 *    word is complete; each is continued greedily word by word, every word with its own probability.
 * 4. `choose` applies the thresholds, cuts loops, makes it one line and restyles it in the writer's typography.
 */
import { plainTypography } from '../text/typography.js';
import { beamSearch } from './beam.js';
import type { UnknownInput } from './encode.js';
import { logSumExp } from './events.js';
import type { ModelHandle } from './handle.js';
import { generate } from './sample.js';
import type { Session, SyncMode, SyncReport } from './session.js';
import { tokenTable } from './stop.js';
import type { Tokenizer } from '../text/tokenizers/index.js';
import {
  type Branch,
  type Candidate,
  type RawSuggestions,
  SUGGEST_POLICY,
  type SuggestPolicy,
  type Suggestion,
  type SuggestedWord,
  branchFor,
  choose,
  continuesWord,
  wordState,
} from './suggestPolicy.js';

export interface SuggestRequest {
  /** The writer's text up to the cursor. */
  before: string;
  /** Suggestions wanted. Default 1. */
  n?: number;
  /** Tokens at most per suggestion. */
  maxTokens?: number;
  /** Checked between tokens; an aborted call rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface SuggestOptions {
  policy?: SuggestPolicy;
  /** Decode both branches after letters whatever the odds (for tuning the policy on what was decoded). */
  explore?: boolean;
}

export interface SuggestResult {
  /** Best first; empty when the policy shows nothing. */
  alternatives: Suggestion[];
  /** What decoding found, before the policy's thresholds. */
  raw: RawSuggestions;
  tookMs: number;
  /** Characters (or words) of the context the model does not know, and what was done with them. */
  unknown: UnknownInput | null;
  /** How the context was brought up to date, and how many tokens that fed. */
  context: { mode: SyncMode; fed: number; tokens: number };
}

export async function suggest(handle: ModelHandle, request: SuggestRequest, options: SuggestOptions = {}): Promise<SuggestResult> {
  const started = performance.now();
  const policy = options.policy ?? SUGGEST_POLICY;
  const n = request.n ?? 1;
  const { before, signal } = request;
  signal?.throwIfAborted();
  return handle.use(async () => {
    // Sync the context and fork it in the same tick: the cached session is shared with other requests.
    const { session: shared, report } = syncContext(handle, before);
    const context = { mode: report.mode, fed: report.fed, tokens: shared.fedTokens };
    const session = shared.fork();
    try {
      const state = wordState(before);
      const masks = branchMasks(handle.tokenizer);
      const continueProb = state === 'mid-word' ? probabilityOf(session.logits, masks['complete-word']) : null;
      const chosen = branchFor(state, continueProb, policy);
      const branches: Branch[] = options.explore && state === 'mid-word' ? ['complete-word', 'next-word'] : chosen ? [chosen] : [];
      const raw: RawSuggestions = { state, continueProb, branches: {} };
      for (const branch of branches) {
        const mask = state === 'mid-word' ? masks[branch] : undefined;
        // Continuing a first word the policy will not show is wasted time (unless exploring, for tuning).
        const bar = options.explore ? 0 : branch === 'complete-word' ? policy.completionMin : policy.firstWordMin;
        raw.branches[branch] = await candidates(session, policy, Math.max(n, 1), bar, mask, signal);
      }
      const alternatives = choose(raw, before, policy, n, request.maxTokens);
      return { alternatives, raw, tookMs: performance.now() - started, unknown: report.unknown, context };
    } finally {
      session.dispose();
    }
  });
}

/** The handle's typing session for `before`, brought up to date (what suggest reads; plain typography). */
function syncContext(handle: ModelHandle, before: string): { session: Session; report: SyncReport } {
  return handle.contexts.sync(plainTypography(before));
}

/**
 * Lets the model read the writer's text before they pause (the editor sends it while they type), so that the
 * suggestion then feeds only what was typed since: returns how the context was brought up to date.
 */
export function readContext(handle: ModelHandle, before: string): SyncReport {
  return syncContext(handle, before).report;
}

/**
 * First words by beam search (those allowed by `mask`), the best `n` each continued greedily word by word — those
 * at least as likely as `bar`.
 */
async function candidates(session: Session, policy: SuggestPolicy, n: number, bar: number, mask: Uint8Array | undefined, signal?: AbortSignal): Promise<Candidate[]> {
  const firsts = await beamSearch(session, {
    n: policy.beamWidth,
    beamWidth: policy.beamWidth,
    maxTokens: policy.wordTokens,
    stopAt: 'word',
    count: 1,
    ...(mask ? { firstTokens: mask } : {}),
    ...(signal ? { signal } : {}),
  });
  // Whole words only, most likely first (the word's probability, not its per-token mean).
  const words = firsts.filter((c) => c.stopReason !== 'max-tokens').sort((a, b) => b.logProb - a.logProb);
  const out: Candidate[] = [];
  for (const [i, first] of words.entries()) {
    const candidate: Candidate = { words: [{ text: first.text, logProb: first.logProb, tokens: first.tokens.length }] };
    if (i < n && Math.exp(first.logProb) >= bar) candidate.words.push(...(await continueWords(session, first.tokens, policy, signal)));
    out.push(candidate);
  }
  return out;
}

/** Up to maxWords − 1 words after `tokens`, greedily, each with its probability; stops at a line break or the end. */
async function continueWords(session: Session, tokens: readonly number[], policy: SuggestPolicy, signal?: AbortSignal): Promise<SuggestedWord[]> {
  const fork = session.fork();
  const out: SuggestedWord[] = [];
  try {
    fork.feed(tokens);
    let chars = 0;
    while (out.length < policy.maxWords - 1 && chars < policy.maxChars) {
      const word = await generate(fork, { temperature: 0, maxTokens: policy.wordTokens, stopAt: 'word', count: 1, ...(signal ? { signal } : {}) });
      if (word.stopReason === 'max-tokens' || word.stopReason === 'eos' || !/\S/u.test(word.text)) break;
      out.push({ text: word.text, logProb: word.logProb, tokens: word.tokens.length });
      if (/\n/u.test(word.text)) break;
      chars += word.text.length;
      fork.feed(word.tokens);
    }
    return out;
  } finally {
    fork.dispose();
  }
}

const maskCache = new WeakMap<Tokenizer, Record<Branch, Uint8Array>>();

/** Per tokenizer: the tokens that continue a half-typed word, and those that do not (whitespace, punctuation). */
function branchMasks(tokenizer: Tokenizer): Record<Branch, Uint8Array> {
  const cached = maskCache.get(tokenizer);
  if (cached) return cached;
  const table = tokenTable(tokenizer);
  const complete = new Uint8Array(table.vocabSize);
  const next = new Uint8Array(table.vocabSize);
  table.texts.forEach((text, id) => {
    if (table.banned[id] === 1 || text === '') return;
    if (continuesWord(text)) complete[id] = 1;
    else next[id] = 1;
  });
  const masks = { 'complete-word': complete, 'next-word': next };
  maskCache.set(tokenizer, masks);
  return masks;
}

/** The softmax mass of the masked tokens in a logits row. */
function probabilityOf(logits: Float32Array, mask: Uint8Array): number {
  const chosen: number[] = [];
  logits.forEach((value, id) => {
    if (mask[id] === 1) chosen.push(value);
  });
  return chosen.length ? Math.exp(logSumExp(chosen) - logSumExp(logits)) : 0;
}
