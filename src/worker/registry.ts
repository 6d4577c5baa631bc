/**
 * The job implementations the worker runs unless a test replaces them (see ./jobs.ts for the interface).
 * A checkpoint's kind (longhand.json) decides which loader reads it; plain TF.js Layers models are language
 * models.
 */
import { ApiError } from '../contract/errors.js';
import { inspectCheckpoint, metadataKind } from './inspect.js';
import type { JobRegistry } from './jobs.js';
import { lmJobs, loadLanguageModel } from './lmJobs.js';

const notYet = (what: string) => (): Promise<never> =>
  Promise.reject(new ApiError('Unavailable', `${what} is not available in this version of Longhand yet.`));

export const builtinJobs: JobRegistry = {
  ...lmJobs,
  trainSeq2seq: notYet('Training seq2seq models'),
  loadModel: async (ref) => {
    const kind = await metadataKind(ref.dir);
    if (kind === 'seq2seq') return notYet('Loading seq2seq models')();
    return loadLanguageModel(ref);
  },
  summarize: notYet('Summarizing'),
  reply: notYet('Dialogue'),
  inspectCheckpoint,
};

/** The built-in jobs with some replaced by a module's `jobs` export (tests). */
export async function loadJobs(moduleUrl?: string): Promise<JobRegistry> {
  if (!moduleUrl) return builtinJobs;
  const mod = (await import(moduleUrl)) as { jobs?: Partial<JobRegistry> };
  if (!mod.jobs || typeof mod.jobs !== 'object') throw new Error(`${moduleUrl} does not export "jobs"`);
  return { ...builtinJobs, ...mod.jobs };
}
