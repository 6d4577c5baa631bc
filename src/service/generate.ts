/**
 * generate.*: completion, summaries and dialogue replies, computed in the worker with the checkpoint the call
 * names or, without one, the checkpoint set for its pane. Tokens stream back as `generation.token` events;
 * cancelling the call cancels the work in the worker.
 */
import path from 'node:path';
import { ApiError, type ApiHandlers, type ModelPane } from '../contract/index.js';
import type { CheckpointRef } from '../worker/table.js';
import type { ServiceContext } from './context.js';
import { invalid, notFound } from './errors.js';
import type { SettingsService } from './settings.js';

type GenerateHandlers = Pick<ApiHandlers, 'generate.prepare' | 'generate.complete' | 'generate.summarize' | 'generate.reply'>;

const PANE_NAMES: Record<ModelPane, string> = { editor: 'the editor', summarizer: 'the summarizer', dialogue: 'dialogue' };

export function generateHandlers(ctx: ServiceContext, settings: SettingsService): GenerateHandlers {
  const { store } = ctx;

  function resolve(pane: ModelPane, modelId: number | undefined, needs: 'lm' | 'seq2seq' | null): { id: number; checkpoint: CheckpointRef } {
    const id = modelId ?? settings.modelFor(pane);
    if (id === null) throw new ApiError('NotFound', `No model is chosen for ${PANE_NAMES[pane]}: choose one in Models.`);
    const row = store.checkpoints.get(id);
    const run = row && store.runs.get(row.runId);
    if (!row || !run) throw notFound('checkpoint', id);
    if (needs && run.kind !== needs) {
      const what = needs === 'lm' ? 'a language model' : 'an encoder–decoder (seq2seq) model';
      throw invalid(`Checkpoint ${id} ("${run.name}") is not ${what}; choose another model for ${PANE_NAMES[pane]}.`);
    }
    return { id, checkpoint: { dir: path.resolve(ctx.dataDir, row.path), sha256: row.sha256, step: row.step } };
  }

  return {
    'generate.prepare': async ({ modelId, text }, { signal }) => {
      const { id, checkpoint } = resolve('editor', modelId, 'lm');
      const output = await ctx.worker.call('prepare', { checkpoint, request: { text } }, { signal });
      return { modelId: id, ...output };
    },
    'generate.complete': async ({ modelId, text, n, maxTokens, temperature }, { signal, emitToken }) => {
      const { id, checkpoint } = resolve('editor', modelId, 'lm');
      const output = await ctx.worker.call(
        'complete',
        { checkpoint, request: { text, n, maxTokens, ...(temperature !== undefined ? { temperature } : {}) } },
        { signal, onEvent: (e) => emitToken(e.text) },
      );
      return { modelId: id, ...output };
    },
    'generate.summarize': async ({ modelId, text, beam, lengthPenalty, minLength, maxLength }, { signal, emitToken }) => {
      const { id, checkpoint } = resolve('summarizer', modelId, 'seq2seq');
      const output = await ctx.worker.call(
        'summarize',
        { checkpoint, request: { text, beam, lengthPenalty, minLength, ...(maxLength !== undefined ? { maxLength } : {}) } },
        { signal, onEvent: (e) => emitToken(e.text) },
      );
      return { modelId: id, ...output };
    },
    'generate.reply': async ({ modelId, history, message, temperature, maxTokens }, { signal, emitToken }) => {
      const { id, checkpoint } = resolve('dialogue', modelId, null);
      const output = await ctx.worker.call('reply', { checkpoint, request: { history, message, temperature, maxTokens } }, { signal, onEvent: (e) => emitToken(e.text) });
      return { modelId: id, ...output };
    },
  };
}
