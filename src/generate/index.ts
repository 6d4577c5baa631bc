/** Generation with a language model: the public surface (loading, sessions, sampling, beam search, completion, scoring). */
export { ModelHandle, type ModelSource } from './handle.js';
export { type LoadModelOptions, loadModel } from './loadModel.js';
export { ContextCache, type ContextCacheOptions } from './contexts.js';
export { DEFAULT_CONTEXT_TOKENS, DEFAULT_REWIND_TOKENS, Session, type SessionOptions, type SyncMode, type SyncReport } from './session.js';
export { type LenientEncoding, type UnknownInput, encodeLenient } from './encode.js';
export { type StopAt, type StopReason, countSentences, countWords, tokenTable } from './stop.js';
export {
  type GenerateOptions,
  type Generation,
  type SamplingOptions,
  applyRepetitionPenalty,
  filteredProbabilities,
  generate,
  nextTokenProbabilities,
  sampleIndex,
} from './sample.js';
export { type BeamOptions, type Continuation, beamSearch } from './beam.js';
export { type SuggestOptions, type SuggestRequest, type SuggestResult, readContext, suggest } from './suggest.js';
export { type RawSuggestions, SUGGEST_POLICY, type SuggestPolicy, type Suggestion, choose, whyNothing } from './suggestPolicy.js';
export { type ScoreOptions, type ScoreResult, encodeForScoring, score } from './score.js';
