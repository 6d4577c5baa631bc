/** Sequence pairs: types, JSONL/TSV readers and writers, splits, dataset preparation and pair mining. */
export * from './types.js';
export * from './read.js';
export * from './write.js';
export * from './split.js';
export * from './bbc.js';
export * from './dailydialog.js';
export * from './prepare.js';
export * from './mine.js';
export { splitSentences, sentences } from '../sentences.js';
export type { Sentence, SplitOptions } from '../sentences.js';
export * from './reverse.js';
export * from './sourceOrder.js';
