/**
 * The worker's seq2seq training job (`JobRegistry.trainSeq2seq`): the same task and loop as
 * `longhand train seq2seq` (src/train/seq2seq), without SQLite — the service records runs, metrics and
 * checkpoint rows from the hooks. So here:
 *
 * - settings come in the contract's shape (embed, hidden, budget, validationFraction, attention, copy…) and
 *   map onto Seq2seqTrainingConfig over the task's defaults (what `resolveSeq2seqConfig` refuses — a GRU cell,
 *   an odd hidden size for the bidirectional encoder — fails the run with its one-line reason);
 * - pairs come from a pairs file, or are mined from the corpus's documents (./seq2seqMining.ts);
 * - checkpoints go to `<outputDir>/<step>`, only the best and the last kept (./seq2seqCheckpoints.ts); a resume
 *   continues from `resumeFrom` (or the newest other checkpoint that verifies) with the same weights, Adam
 *   state, batcher position and loop state, and refuses pairs that changed since the run started;
 * - bad input or a divergence rejects with a one-line message (the run fails); the budget and early stopping
 *   resolve (finished); an aborted signal resolves too (cancelled: the worker decides from the signal).
 */
import type { Seq2seqTrainingConfig } from '../train/seq2seq/config.js';
import { type LoadedPairs, loadPairs } from '../train/seq2seq/data.js';
import { createSeq2seqTask } from '../train/seq2seq/setup.js';
import { oneLine } from '../train/lmSetup.js';
import type { Seq2seqTrainingTask } from '../train/seq2seq/task.js';
import { type LoopOptions, budgetSteps, loopOptionsFor, runTrainingLoop } from '../train/loop.js';
import { toWorkerProgress } from '../train/workerJob.js';
import type { Seq2seqTrainingSpec, TrainingHooks, TrainingResult } from './jobs.js';
import { seq2seqConfigFromContract } from './seq2seqConfig.js';
import { DirectoryCheckpoints } from '../train/directoryCheckpoints.js';
import { type Seq2seqResumePoint, loadSeq2seqResumePoint } from './seq2seqCheckpoints.js';
import { pairsSourceOf } from './seq2seqMining.js';

export async function runSeq2seqTraining(
  spec: Seq2seqTrainingSpec,
  hooks: TrainingHooks,
  options: { loop?: Partial<LoopOptions> } = {},
): Promise<TrainingResult> {
  let config: Seq2seqTrainingConfig;
  try {
    config = seq2seqConfigFromContract(spec.config);
  } catch (error) {
    throw new Error(`invalid seq2seq settings: ${oneLine(error)}`);
  }
  let data: LoadedPairs;
  try {
    data = await loadPairs(pairsSourceOf(spec.data, config.task), config.validationFraction);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (spec.data.kind === 'file' && (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR')) {
      throw new Error(`cannot read the pairs file ${spec.data.path} (${code === 'ENOENT' ? 'it no longer exists' : code === 'EACCES' ? 'permission denied' : 'it is a folder'})`);
    }
    throw new Error(oneLine(error));
  }
  const checkpoints = new DirectoryCheckpoints(spec.outputDir, loadSeq2seqResumePoint);
  const point = await checkpoints.resumePoint(spec.resumeFrom);
  if (point && point.train.data.sha256 !== data.sha256) {
    point.dispose();
    throw new Error('the training pairs have changed since this run started: start a new run to train on them');
  }
  const task = createTask(config, data, point);
  try {
    const loopOptions = loopOptionsFor(config, { progressIntervalMs: 100, testAtEnd: false }, options.loop);
    const totalSteps = budgetSteps(config.budget, task.stepsPerEpoch);
    const result = await runTrainingLoop(
      task,
      loopOptions,
      {
        signal: hooks.signal,
        get pauseRequested() {
          return hooks.pauseRequested;
        },
        waitIfPaused: () => hooks.waitIfPaused(),
        onProgress: (p) => hooks.onProgress(toWorkerProgress(p, totalSteps)),
        onMetrics: (points) => hooks.onMetrics(points),
        onSample: (s) => hooks.onSample(s),
        onCheckpoint: (c) => hooks.onCheckpoint({ ...c, prunedSteps: checkpoints.takePruned() }),
      },
      checkpoints,
      point?.train.loop,
    );
    if (result.outcome === 'diverged') throw new Error(result.reason ?? 'training diverged');
    return { step: result.state.step };
  } finally {
    task.dispose();
  }
}

/** A new model and tokenizers for the pairs, or the checkpoint's (it takes the resume point's tensors). */
function createTask(config: Seq2seqTrainingConfig, data: LoadedPairs, point: Seq2seqResumePoint | null): Seq2seqTrainingTask {
  try {
    return createSeq2seqTask(config, data, point).task;
  } finally {
    // The model and trainer hold copies: the checkpoint's own tensors are no longer needed.
    point?.dispose();
  }
}
