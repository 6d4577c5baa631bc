/**
 * Generation with a trained model: inline completion for the editor, summaries with their attention matrix,
 * and dialogue replies. `modelId` is a checkpoint id; without it each method uses the checkpoint set for its
 * pane (complete → editor, summarize → summarizer, reply → dialogue). Scores are mean log-probabilities per
 * token (≤ 0; higher is more likely).
 */
import { z } from 'zod';
import { REPLY_DECODING, SUMMARY_DECODING } from './decoding.js';
import { Id, LIMITS, intIn, text } from './primitives.js';

const Temperature = z.number().min(0).max(2);

/** What a completion needs besides its model (the worker gets this with a checkpoint). */
export const CompleteRequest = z.strictObject({
  /** The text before the cursor (only its tail is used as context). */
  text: text(LIMITS.completionContextChars),
  n: intIn(1, 8).default(3),
  maxTokens: intIn(1, 200).default(24),
  /** 0 is greedy; omitted means the model's default. */
  temperature: Temperature.optional(),
});
export const GenerateCompleteInput = CompleteRequest.extend({ modelId: Id.optional() });

/**
 * The text before the cursor while the writer types: the editor's model reads it ahead of the pause, so that a
 * completion then only waits for its suggestion (nothing is generated here).
 */
export const PrepareRequest = z.strictObject({ text: text(LIMITS.completionContextChars) });
export const GeneratePrepareInput = PrepareRequest.extend({ modelId: Id.optional() });
/** Tokens the model read for this call (0: it had read that text already). */
export const Prepared = z.object({ fed: z.number().int().nonnegative() });
export const GeneratePrepareOutput = Prepared.extend({ modelId: Id });

export const Alternative = z.object({ text: z.string(), score: z.number() });

export const Completion = z.object({
  /** Best first. */
  alternatives: z.array(Alternative),
});
export const GenerateCompleteOutput = Completion.extend({ modelId: Id });

const minNotOverMax = (v: { minLength?: number | undefined; maxLength?: number | undefined }) =>
  v.maxLength === undefined || v.minLength === undefined || v.minLength <= v.maxLength;
const minNotOverMaxError = { message: 'minimum length must not exceed maximum length', path: ['minLength'] };

const summarizeShape = {
  text: text(LIMITS.summarizeChars).refine((s) => s.trim().length > 0, 'give some text to summarize'),
  beam: intIn(1, 16).default(SUMMARY_DECODING.beam),
  lengthPenalty: z.number().min(0).max(3).default(SUMMARY_DECODING.lengthPenalty),
  /** Omitted: about as long, for the text's length, as the model's training summaries were for theirs. */
  minLength: intIn(0, 1000).optional(),
  /** Omitted: as long as the model's training summaries (its target length). */
  maxLength: intIn(1, 1000).optional(),
};
export const SummarizeRequest = z.strictObject(summarizeShape).refine(minNotOverMax, minNotOverMaxError);
export const GenerateSummarizeInput = z.strictObject({ ...summarizeShape, modelId: Id.optional() }).refine(minNotOverMax, minNotOverMaxError);

const summaryShape = {
  summary: z.string(),
  sourceTokens: z.array(z.string()),
  summaryTokens: z.array(z.string()),
  /** attention[i][j]: weight of source token j when summary token i was produced (rows sum to ~1). */
  attention: z.array(z.array(z.number())),
  score: z.number(),
  /** True when the source was longer than the model reads and was cut. */
  truncated: z.boolean(),
};
const attentionFits = (v: { attention: number[][]; summaryTokens: string[]; sourceTokens: string[] }) =>
  v.attention.length === v.summaryTokens.length && v.attention.every((row) => row.length === v.sourceTokens.length);
const attentionFitsError = 'attention must be summary tokens × source tokens';
export const Summary = z.object(summaryShape).refine(attentionFits, attentionFitsError);
export const GenerateSummarizeOutput = z.object({ ...summaryShape, modelId: Id }).refine(attentionFits, attentionFitsError);

export const ChatTurn = z.strictObject({
  role: z.enum(['user', 'model']),
  text: text(LIMITS.message),
});

export const ReplyRequest = z.strictObject({
  /** Earlier turns, oldest first. */
  history: z.array(ChatTurn).max(LIMITS.history).default([]),
  message: text(LIMITS.message).refine((s) => s.trim().length > 0, 'write a message'),
  temperature: Temperature.default(REPLY_DECODING.temperature),
  /** Reply tokens at most; absent: the model's target length (as `longhand reply` and `eval`). */
  maxTokens: intIn(1, 400).optional(),
});
export const GenerateReplyInput = ReplyRequest.extend({ modelId: Id.optional() });

export const Reply = z.object({ reply: z.string(), score: z.number() });
export const GenerateReplyOutput = Reply.extend({ modelId: Id });

export type Alternative = z.infer<typeof Alternative>;
export type ChatTurn = z.infer<typeof ChatTurn>;
export type SummarizeResult = z.infer<typeof GenerateSummarizeOutput>;
