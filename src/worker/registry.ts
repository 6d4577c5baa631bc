/**
 * The job implementations the worker runs unless a test replaces them (see ./jobs.ts for the interface).
 * A checkpoint's kind (longhand.json) decides which loader reads it; plain TF.js Layers models are language
 * models.
 */
import { runTrainingJob } from '../train/job.js';
import { inspectCheckpoint, metadataKind } from './inspect.js';
import type { JobRegistry } from './jobs.js';
import { lmJobs, loadLanguageModel } from './lmJobs.js';
import { loadSeq2seqModel, seq2seqJobs } from './seq2seqJobs.js';

export const builtinJobs: JobRegistry = {
  // This thread also generates suggestions: replicas train in threads of their own (src/train/parallel).
  train: (spec, hooks) => runTrainingJob({ ...spec, keepThreadFree: true }, hooks),
  ...lmJobs,
  ...seq2seqJobs,
  loadModel: async (ref) => ((await metadataKind(ref.dir)) === 'seq2seq' ? loadSeq2seqModel(ref) : loadLanguageModel(ref)),
  inspectCheckpoint,
};

/** The built-in jobs with some replaced by a module's `jobs` export (tests). */
export async function loadJobs(moduleUrl?: string): Promise<JobRegistry> {
  if (!moduleUrl) return builtinJobs;
  const mod = (await import(moduleUrl)) as { jobs?: Partial<JobRegistry> };
  if (!mod.jobs || typeof mod.jobs !== 'object') throw new Error(`${moduleUrl} does not export "jobs"`);
  return { ...builtinJobs, ...mod.jobs };
}
