/**
 * The job implementations the worker runs unless a test replaces them (see ./jobs.ts for the interface).
 *
 * TODO(integration): plug the real jobs in here, in `builtinJobs` below, when they are ready. They must keep these
 * signatures (JobRegistry in ./jobs.ts):
 *   trainLanguageModel(spec: LmTrainingSpec, hooks: TrainingHooks): Promise<TrainingResult>
 *     ← src/train/workerJob.ts `runLanguageModelTraining` (already written against this interface and typechecked
 *       against it in test/unit/train/workerJob.test.ts): `trainLanguageModel: (spec, hooks) => runLanguageModelTraining(spec, hooks)`
 *   trainSeq2seq(spec: Seq2seqTrainingSpec, hooks: TrainingHooks): Promise<TrainingResult>   ← src/train/seq2seq (not yet)
 *   loadModel(checkpoint: CheckpointRef, signal): Promise<LoadedModel>
 *     ← src/generate `loadModel(dir, { expectedSha256 })` returns a ModelHandle (it has dispose()); add the kind:
 *       `async (ref) => Object.assign(await loadModel(ref.dir, { expectedSha256: ref.sha256 }), { kind: 'lm' as const })`
 *   complete(model, request: CompleteRequest, context: GenerationContext): Promise<CompleteResult>
 *     ← src/generate `complete(handle, { ...request, signal: context.signal })`, keeping `alternatives` of its result
 *       (it does not stream tokens; calling context.onToken is optional)
 *   summarize(model, request: SummarizeRequest, context): Promise<SummarizeResult>   ← src/generate/seq2seq (not yet)
 *   reply(model, request: ReplyRequest, context): Promise<ReplyResult>                ← src/generate/seq2seq (not yet)
 * Until then these fail with Unavailable, and a run that starts fails with that reason. inspectCheckpoint is real.
 */
import { ApiError } from '../contract/errors.js';
import { inspectCheckpoint } from './inspect.js';
import type { JobRegistry } from './jobs.js';

const notYet = (what: string) => (): Promise<never> =>
  Promise.reject(new ApiError('Unavailable', `${what} is not available in this version of Longhand yet.`));

export const builtinJobs: JobRegistry = {
  trainLanguageModel: notYet('Training language models'),
  trainSeq2seq: notYet('Training seq2seq models'),
  loadModel: notYet('Generating text'),
  complete: notYet('Completion'),
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
