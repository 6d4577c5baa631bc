/**
 * Turning a model's negative log-likelihood (natural log, "nats", as TensorFlow.js cross-entropy gives
 * it) into the numbers people compare: perplexity and bits per token or per character. Bits per
 * character is the fair way to compare a character model with a word/BPE model on the same text:
 * divide the total NLL of the text by its character count, whatever the model's unit.
 */

/** exp(mean NLL in nats). */
export function perplexity(meanNllNats: number): number {
  return Math.exp(meanNllNats);
}

/** Mean NLL in nats → bits per unit (token or character, whichever the NLL was averaged over). */
export function bitsPerUnit(meanNllNats: number): number {
  return meanNllNats / Math.LN2;
}

/** Inverse of `perplexity`: mean NLL in nats. */
export function nllFromPerplexity(ppl: number): number {
  return Math.log(ppl);
}

export interface NllTotals {
  /** Sum of per-token NLL in nats over the text. */
  totalNllNats: number;
  /** Tokens the NLL was summed over (the model's unit: characters for a char model). */
  tokens: number;
  /** Characters of the text those tokens cover, if known; enables the per-character figures. */
  characters?: number;
}

export interface NllSummary {
  meanNllNats: number;
  perplexity: number;
  bitsPerToken: number;
  /** Present when `characters` was given. */
  bitsPerChar?: number;
  /** Per-character perplexity, exp(total NLL / characters); present when `characters` was given. */
  charPerplexity?: number;
}

export function summariseNll({ totalNllNats, tokens, characters }: NllTotals): NllSummary {
  if (!(tokens > 0)) throw new Error(`Cannot average NLL over ${tokens} tokens`);
  const meanNllNats = totalNllNats / tokens;
  const out: NllSummary = { meanNllNats, perplexity: perplexity(meanNllNats), bitsPerToken: bitsPerUnit(meanNllNats) };
  if (characters !== undefined) {
    if (!(characters > 0)) throw new Error(`Cannot average NLL over ${characters} characters`);
    out.bitsPerChar = bitsPerUnit(totalNllNats / characters);
    out.charPerplexity = perplexity(totalNllNats / characters);
  }
  return out;
}

/** Running sum for streaming evaluation: add batch NLL sums as they arrive, then `summary()`. */
export class NllAccumulator {
  private total = 0;
  private tokenCount = 0;
  private charCount = 0;

  add(totalNllNats: number, tokens: number, characters = 0): void {
    if (!Number.isFinite(totalNllNats)) throw new Error(`NLL must be finite, got ${totalNllNats}`);
    this.total += totalNllNats;
    this.tokenCount += tokens;
    this.charCount += characters;
  }

  summary(): NllSummary {
    return summariseNll({
      totalNllNats: this.total,
      tokens: this.tokenCount,
      ...(this.charCount > 0 ? { characters: this.charCount } : {}),
    });
  }
}
