/**
 * Generation with a trained model: inline completion for the editor, summaries with their attention matrix,
 * and dialogue replies. `modelId` is a checkpoint id; without it each method uses the checkpoint set for its
 * pane (complete → editor, summarize → summarizer, reply → dialogue). Scores are mean log-probabilities per
 * token (≤ 0; higher is more likely).
 */
import { z } from 'zod';
import { Id, LIMITS, intIn, text } from './primitives.js';

const Temperature = z.number().min(0).max(2);

export const GenerateCompleteInput = z.strictObject({
  modelId: Id.optional(),
  /** The text before the cursor (only its tail is used as context). */
  text: text(LIMITS.completionContextChars),
  n: intIn(1, 8).default(3),
  maxTokens: intIn(1, 200).default(24),
  /** 0 is greedy; omitted means the model's default. */
  temperature: Temperature.optional(),
});

export const Alternative = z.object({ text: z.string(), score: z.number() });

export const GenerateCompleteOutput = z.object({
  modelId: Id,
  /** Best first. */
  alternatives: z.array(Alternative),
});

export const GenerateSummarizeInput = z
  .strictObject({
    modelId: Id.optional(),
    text: text(LIMITS.summarizeChars).refine((s) => s.trim().length > 0, 'give some text to summarize'),
    beam: intIn(1, 16).default(4),
    lengthPenalty: z.number().min(0).max(3).default(1),
    minLength: intIn(0, 1000).default(0),
    maxLength: intIn(1, 1000).default(80),
  })
  .refine((v) => v.minLength <= v.maxLength, {
    message: 'minimum length must not exceed maximum length',
    path: ['minLength'],
  });

export const GenerateSummarizeOutput = z
  .object({
    modelId: Id,
    summary: z.string(),
    sourceTokens: z.array(z.string()),
    summaryTokens: z.array(z.string()),
    /** attention[i][j]: weight of source token j when summary token i was produced (rows sum to ~1). */
    attention: z.array(z.array(z.number())),
    score: z.number(),
    /** True when the source was longer than the model reads and was cut. */
    truncated: z.boolean(),
  })
  .refine(
    (v) =>
      v.attention.length === v.summaryTokens.length &&
      v.attention.every((row) => row.length === v.sourceTokens.length),
    'attention must be summary tokens × source tokens',
  );

export const ChatTurn = z.strictObject({
  role: z.enum(['user', 'model']),
  text: text(LIMITS.message),
});

export const GenerateReplyInput = z.strictObject({
  modelId: Id.optional(),
  /** Earlier turns, oldest first. */
  history: z.array(ChatTurn).max(LIMITS.history).default([]),
  message: text(LIMITS.message).refine((s) => s.trim().length > 0, 'write a message'),
  temperature: Temperature.default(0.8),
  maxTokens: intIn(1, 400).default(60),
});

export const GenerateReplyOutput = z.object({ modelId: Id, reply: z.string(), score: z.number() });

export type Alternative = z.infer<typeof Alternative>;
export type ChatTurn = z.infer<typeof ChatTurn>;
export type SummarizeResult = z.infer<typeof GenerateSummarizeOutput>;
