/**
 * The language model's generation job: the editor's ghost text through src/generate's `suggest`. A loaded model is a generate ModelHandle, which
 * keeps its typing-session cache, so consecutive completions in one document reuse the recurrent state.
 */
import { ApiError } from '../contract/errors.js';
import { CheckpointError } from '../model/checkpoint/index.js';
import { ModelHandle, loadModel, readContext, suggest } from '../generate/index.js';
import type { JobRegistry, LoadedModel } from './jobs.js';
import type { CheckpointRef } from './table.js';

export type LanguageModelHandle = ModelHandle & LoadedModel;

export async function loadLanguageModel(ref: CheckpointRef): Promise<LanguageModelHandle> {
  try {
    const handle = await loadModel(ref.dir, { expectedSha256: ref.sha256 });
    return Object.assign(handle, { kind: 'lm' as const });
  } catch (error) {
    throw checkpointProblem(error);
  }
}

/** A checkpoint that is gone is NotFound; one that is damaged or changed cannot be used (its message says why). */
export function checkpointProblem(error: unknown): unknown {
  if (!(error instanceof CheckpointError)) return error;
  return new ApiError(error.code === 'missing' ? 'NotFound' : 'Unavailable', error.message);
}

function asLanguageModel(model: LoadedModel): ModelHandle {
  if (model.kind !== 'lm' || !(model instanceof ModelHandle)) {
    throw new ApiError('ValidationError', 'This model is not a language model: choose one trained with "Language model" for the editor.');
  }
  return model;
}

/** After the answer is sent (the writer types for a while before asking again). */
const RENEW_DELAY_MS = 20;

/**
 * Once a completion is answered: re-prime the typing session if it is about to outgrow its window, in the idle
 * time before the next request, instead of in the request that crosses the limit (a 512-token prime is the
 * slowest thing a suggestion can wait for).
 */
function renewSoon(handle: ModelHandle): void {
  const timer = setTimeout(() => {
    if (handle.disposed) return;
    handle.use(() => handle.contexts.renew()).catch(() => undefined);
  }, RENEW_DELAY_MS);
  timer.unref();
}

export const lmJobs: Pick<JobRegistry, 'prepare' | 'complete'> = {
  prepare: async (model, request) => {
    const handle = asLanguageModel(model);
    return { fed: await handle.use(() => readContext(handle, request.text).fed) };
  },
  complete: async (model, request, context) => {
    const handle = asLanguageModel(model);
    // The one suggestion function (also `longhand suggest`): greedy and beam decoding, so no temperature.
    const result = await suggest(handle, { before: request.text, n: request.n, maxTokens: request.maxTokens, signal: context.signal });
    renewSoon(handle);
    return { alternatives: result.alternatives.map(({ text, score }) => ({ text, score })) };
  },
};
