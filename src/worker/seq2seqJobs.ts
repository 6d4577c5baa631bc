/**
 * The seq2seq jobs: the summarizer's and dialogue pane's generation through src/generate/seq2seq. A loaded model is a Seq2seqHandle
 * with the worker's LoadedModel shape.
 *
 * Decoding is synchronous (one source, a beam of a few hypotheses), so a call is cancelled before it starts,
 * not half-way; the finished output's tokens are then streamed as `generation.token` pieces whose
 * concatenation is the text returned. Replies sample with a fresh seed each call, so asking again (regenerate)
 * gives another reply; dialogue models read one utterance, so earlier turns are not part of the input.
 */
import { randomInt } from 'node:crypto';
import { ApiError } from '../contract/errors.js';
import { CheckpointError } from '../model/checkpoint/index.js';
import { type Seq2seqHandle, Seq2seqInputError, loadSeq2seq, reply as replyTo, summarize as summarizeText } from '../generate/seq2seq/index.js';
import type { GenerationContext, JobRegistry, LoadedModel } from './jobs.js';
import type { CheckpointRef } from './table.js';
import { checkpointProblem } from './lmJobs.js';

export type Seq2seqModelHandle = Seq2seqHandle & LoadedModel & { readonly seq2seq: true };

export async function loadSeq2seqModel(ref: CheckpointRef): Promise<Seq2seqModelHandle> {
  try {
    const handle = await loadSeq2seq(ref.dir, { expectedSha256: ref.sha256 });
    return Object.assign(handle, { kind: 'seq2seq' as const, seq2seq: true as const });
  } catch (error) {
    throw checkpointProblem(error);
  }
}

function asSeq2seq(model: LoadedModel, use: string): Seq2seqModelHandle {
  if (model.kind !== 'seq2seq' || (model as Partial<Seq2seqModelHandle>).seq2seq !== true) {
    throw new ApiError('ValidationError', `This model is not an encoder–decoder model: choose one trained for ${use}.`);
  }
  return model as Seq2seqModelHandle;
}

/** Bad settings or input for generation are the caller's to fix; anything else is a fault. */
function generationProblem(error: unknown): unknown {
  if (error instanceof Seq2seqInputError) return new ApiError('ValidationError', `The model cannot read this text: ${error.message}.`);
  if (error instanceof RangeError) return new ApiError('ValidationError', error.message);
  if (error instanceof CheckpointError) return checkpointProblem(error);
  return error;
}

function checkCancelled(context: GenerationContext): void {
  if (context.signal.aborted) throw new ApiError('Cancelled', 'Cancelled.');
}

/** Streams `tokens` as text pieces that add up to `text` (the detokenized output). */
function streamPieces(handle: Seq2seqHandle, tokens: readonly string[], text: string, context: GenerationContext): void {
  let sent = '';
  for (let i = 1; i <= tokens.length; i++) {
    const prefix = handle.codec.detokenize(tokens.slice(0, i));
    // Detokenizing can change earlier text (spacing before punctuation): hold back until it is stable.
    const stable = text.startsWith(prefix) ? prefix : null;
    if (stable === null || stable.length <= sent.length || !stable.startsWith(sent)) continue;
    context.onToken(stable.slice(sent.length));
    sent = stable;
  }
  if (text.startsWith(sent) && text.length > sent.length) context.onToken(text.slice(sent.length));
}

export const seq2seqJobs: Pick<JobRegistry, 'summarize' | 'reply'> = {
  summarize: async (model, request, context) => {
    const handle = asSeq2seq(model, 'summaries');
    checkCancelled(context);
    if (request.maxLength !== undefined && request.minLength !== undefined && request.minLength > request.maxLength) throw new ApiError('ValidationError', 'The minimum length must not exceed the maximum length.');
    let result: ReturnType<typeof summarizeText>;
    try {
      result = summarizeText(handle, request.text, {
        beam: request.beam,
        lengthPenalty: request.lengthPenalty,
        ...(request.minLength !== undefined ? { minLength: request.minLength } : {}),
        ...(request.maxLength !== undefined ? { maxLength: request.maxLength } : {}),
      });
    } catch (error) {
      throw generationProblem(error);
    }
    checkCancelled(context);
    streamPieces(handle, result.summaryTokens, result.summary, context);
    return result;
  },
  reply: async (model, request, context) => {
    const handle = asSeq2seq(model, 'dialogue');
    checkCancelled(context);
    let result: ReturnType<typeof replyTo>;
    try {
      result = replyTo(handle, request.message, {
        temperature: request.temperature,
        seed: randomInt(0, 2 ** 31 - 1),
        maxTokens: request.maxTokens,
      });
    } catch (error) {
      throw generationProblem(error);
    }
    checkCancelled(context);
    streamPieces(handle, result.tokens, result.reply, context);
    return { reply: result.reply, score: result.score };
  },
};
