/**
 * Inline completion for the editor (ghost text): the text before the cursor → up to n distinct
 * continuations, best first, by default up to three whole words. n = 1 decodes greedily (or samples, with a
 * temperature); n > 1 runs beam search. The model's context comes from the handle's context cache, so as the
 * writer types, each call feeds only the new characters. Characters the model does not know never fail a
 * request: they are mapped or dropped, and `unknown` says which.
 */
import { beamSearch } from './beam.js';
import type { UnknownInput } from './encode.js';
import type { ModelHandle } from './handle.js';
import { type SamplingOptions, generate } from './sample.js';
import type { SyncMode } from './session.js';
import type { StopAt } from './stop.js';

export interface CompleteRequest extends SamplingOptions {
  /** The document up to the cursor. */
  text: string;
  /** Alternatives wanted. Default 1. */
  n?: number;
  /** Token budget per alternative. Default 24. */
  maxTokens?: number;
  /** 0 (the default) is greedy; > 0 samples (n = 1 only; beam search ignores it). */
  temperature?: number;
  /** Where alternatives end. Default 'word'. */
  stopAt?: StopAt | null;
  /** Words (or sentences, lines) at most. Default 3 words, or 1 sentence or line. */
  count?: number;
  /** Beam width when n > 1. Default n. */
  beamWidth?: number;
  /** Sampling seed (temperature > 0). */
  seed?: number;
  /** Checked between tokens; an aborted completion rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface CompleteAlternative {
  /** Text to insert at the cursor. */
  text: string;
  /** Mean log-probability per token (≤ 0; higher is more likely). */
  score: number;
}

export interface CompleteResult {
  /** Best first, distinct, never empty strings; may be fewer than n (or none). */
  alternatives: CompleteAlternative[];
  tookMs: number;
  /** Characters (or words) of the context the model does not know, and what was done with them. */
  unknown: UnknownInput | null;
  /** How the context was brought up to date, and how many tokens that fed. */
  context: { mode: SyncMode; fed: number; tokens: number };
}

export const COMPLETE_DEFAULTS = { n: 1, maxTokens: 24, temperature: 0, stopAt: 'word', words: 3 } as const;

export async function complete(handle: ModelHandle, request: CompleteRequest): Promise<CompleteResult> {
  const started = performance.now();
  const { text, signal, topK, topP, repetitionPenalty, repetitionWindow, seed } = request;
  const sampling = { topK, topP, repetitionPenalty, repetitionWindow, seed };
  const n = request.n ?? COMPLETE_DEFAULTS.n;
  const maxTokens = request.maxTokens ?? COMPLETE_DEFAULTS.maxTokens;
  const stopAt = request.stopAt === undefined ? COMPLETE_DEFAULTS.stopAt : request.stopAt;
  const count = request.count ?? (stopAt === 'word' ? COMPLETE_DEFAULTS.words : 1);
  signal?.throwIfAborted();
  return handle.use(async () => {
    // Sync the context and start decoding in the same tick: the session is shared with other requests.
    const { session, report } = handle.contexts.sync(text);
    const context = { mode: report.mode, fed: report.fed, tokens: session.fedTokens };
    let alternatives: CompleteAlternative[];
    if (n === 1) {
      const result = await generate(session, {
        ...definedOnly(sampling),
        temperature: request.temperature ?? COMPLETE_DEFAULTS.temperature,
        maxTokens,
        stopAt,
        count,
        ...(signal ? { signal } : {}),
      });
      alternatives = /\S/u.test(result.text) ? [{ text: result.text, score: result.events > 0 ? result.logProb / result.events : 0 }] : [];
    } else {
      const results = await beamSearch(session, {
        n,
        maxTokens,
        stopAt,
        count,
        ...(request.beamWidth !== undefined ? { beamWidth: request.beamWidth } : {}),
        ...(signal ? { signal } : {}),
      });
      const seen = new Set<string>();
      alternatives = [];
      for (const r of results) {
        // An unfinished hypothesis (the budget ran out mid-word) shows its whole words only.
        const shown = r.stopReason === 'max-tokens' && stopAt !== null ? wholeWords(r.text) : r.text;
        if (!/\S/u.test(shown) || seen.has(shown)) continue;
        seen.add(shown);
        alternatives.push({ text: shown, score: r.score });
      }
    }
    return { alternatives, tookMs: performance.now() - started, unknown: report.unknown, context };
  });
}

function definedOnly<T extends object>(values: T): Partial<T> {
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== undefined)) as Partial<T>;
}

/** The text up to the start of its last whitespace run, when words come before it. */
function wholeWords(text: string): string {
  const cut = text.search(/\s+\S*$/u);
  return cut > 0 && /\S/u.test(text.slice(0, cut)) ? text.slice(0, cut) : text;
}
