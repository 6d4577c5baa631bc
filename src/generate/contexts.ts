/**
 * The editor's context cache: a few sessions, each standing for the text before the cursor of one recent
 * request, keyed by that text. A new request reuses the session whose text it extends (or nearly extends:
 * an edit within its rewind reach), so typing at the end of a document feeds one token per keystroke;
 * otherwise it primes a new session, evicting the least recently used. Several slots let two documents
 * (or the cursor jumping back and forth) keep their state.
 */
import type { LanguageModel } from '../model/languageModel.js';
import type { Tokenizer } from '../text/tokenizers/index.js';
import { Session, type SessionOptions, type SyncReport, commonPrefixLength } from './session.js';

/** Tokens before a session's forced re-prime at which `renew` re-primes it early. */
export const DEFAULT_RENEW_MARGIN = 128;

export interface ContextCacheOptions extends SessionOptions {
  /** Sessions kept. Default 4. */
  contexts?: number;
}

export class ContextCache {
  /** Least recently used first. */
  private sessions: Session[] = [];
  private readonly size: number;

  constructor(
    readonly model: LanguageModel,
    readonly tokenizer: Tokenizer,
    private readonly options: ContextCacheOptions = {},
  ) {
    this.size = options.contexts ?? 4;
    if (!Number.isInteger(this.size) || this.size < 1) throw new RangeError(`contexts must be a positive integer (got ${this.size})`);
  }

  /**
   * A session standing for exactly `text`. Borrowed: valid until the next call; do not dispose it, and fork
   * it (synchronously) before generating.
   */
  sync(text: string): { session: Session; report: SyncReport } {
    let best: Session | undefined;
    let bestCommon = -1;
    for (const session of this.sessions) {
      const common = commonPrefixLength(session.text, text);
      // Characters are a cheap stand-in for tokens here (a token spans at least one); extend() checks exactly.
      const reachable = common >= session.contextStart && common >= session.text.length - session.rewindTokens;
      if (reachable && common > bestCommon) {
        best = session;
        bestCommon = common;
      }
    }
    if (best) {
      this.sessions = [...this.sessions.filter((s) => s !== best), best];
      return { session: best, report: best.extend(text) };
    }
    const session = new Session(this.model, this.tokenizer, this.options);
    if (this.sessions.length >= this.size) this.sessions.shift()!.dispose();
    this.sessions.push(session);
    return { session, report: session.prime(text) };
  }

  /**
   * Re-primes the most recent session ahead of time when a few more tokens would make `extend` re-prime it
   * anyway (it has fed more than 2 × contextTokens − `margin` tokens since it was primed), so that the request
   * crossing the limit does not wait for a whole window to be read. Meant for idle time, e.g. just after a
   * completion was answered while the writer types on. Returns whether it re-primed.
   */
  renew(margin = DEFAULT_RENEW_MARGIN): boolean {
    const session = this.sessions.at(-1);
    if (!session || session.fedTokens <= 2 * session.contextTokens - margin) return false;
    session.prime(session.text);
    return true;
  }

  get count(): number {
    return this.sessions.length;
  }

  dispose(): void {
    for (const session of this.sessions) session.dispose();
    this.sessions = [];
  }
}
