/**
 * Time estimates: tokens to train on (from the run's data and budget) over the speed of its model size on this
 * machine (./throughput.ts). One function for the presets' list and for `runs.estimate`, which the Training pane
 * asks for the run it is about to start (preset, Advanced settings and starting model included).
 */
import type { Budget, LmConfig, RunEstimate, Seq2seqModelConfig } from '../contract/index.js';
import type { PairsSize } from './runData.js';
import { TOKENS_PER_WORD } from './runData.js';
import type { Speed } from './throughput.js';

/** How much one pass over the data and one step train on, in the tokens a speed is measured in. */
export interface DataSize {
  tokensPerEpoch: number;
  tokensPerStep: number;
}

/** A corpus's size as a language model reads it: the training part of its characters (or word tokens). */
export function lmDataSize(config: Pick<LmConfig, 'level' | 'batch' | 'seq' | 'validationFraction' | 'testFraction'>, corpus: { characters: number; words: number }): DataSize {
  const tokens = config.level === 'char' ? corpus.characters : corpus.words * TOKENS_PER_WORD;
  const trainFraction = Math.max(0, 1 - (config.validationFraction ?? 0) - (config.testFraction ?? 0));
  return { tokensPerEpoch: Math.round(tokens * trainFraction), tokensPerStep: config.batch * config.seq };
}

/** Pairs as an encoder–decoder trains on them: the training part of their target tokens. */
export function seq2seqDataSize(config: Pick<Seq2seqModelConfig, 'batch' | 'maxTargetLen' | 'validationFraction'>, pairs: PairsSize): DataSize {
  const targets = pairs.targetTokens(config.maxTargetLen);
  const perPair = pairs.pairs > 0 ? targets / pairs.pairs : 0;
  return { tokensPerEpoch: Math.round(targets * (1 - (config.validationFraction ?? 0))), tokensPerStep: config.batch * perPair };
}

/** Seconds a budget takes at `tokensPerSecond`: a minutes budget is its minutes, whatever the speed. */
export function estimateSeconds(budget: Budget, size: DataSize, tokensPerSecond: number): number {
  if ('minutes' in budget) return budget.minutes * 60;
  const tokens = 'steps' in budget ? budget.steps * size.tokensPerStep : budget.epochs * size.tokensPerEpoch;
  return Math.round(tokens / tokensPerSecond);
}

/** A run's estimate; a minutes budget takes its minutes whatever the speed, so it has no basis. */
export function runEstimate(budget: Budget, size: DataSize, backend: string | null, speed: Speed | null): RunEstimate {
  const timed = 'minutes' in budget;
  return {
    seconds: timed ? budget.minutes * 60 : speed ? estimateSeconds(budget, size, speed.tokensPerSecond) : null,
    backend,
    tokensPerSecond: speed ? Math.round(speed.tokensPerSecond) : null,
    basis: timed ? null : (speed?.basis ?? null),
    tokensPerEpoch: size.tokensPerEpoch,
  };
}
