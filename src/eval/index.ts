/** Evaluation: ROUGE (rouge_score-compatible), BLEU (sacrebleu-compatible), perplexity, baselines. */
export * from './rouge.js';
export * from './bleu.js';
export * from './perplexity.js';
export * from './baselines.js';
export { tokenize13a } from './tokenize13a.js';
export { porterStem } from './porter.js';
export { lcsIndices, lcsLength, unionLcs, summaryLevelLcsHits } from './lcs.js';
export { distinctN } from './distinct.js';
