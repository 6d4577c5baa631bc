/**
 * A kind's task on as many replicas as the job's threads and batch allow (./coordinator.ts `replicaPlan`): the
 * one-thread task itself when that is one — today's in-process path, untouched — or the task wrapped to train on
 * replicas. Used by both kinds' `prepare` (../lm/job.ts, ../seq2seq/job.ts).
 */
import { resolveThreads, settingsOrSetupError } from '../config.js';
import type { TrainingTask } from '../task.js';
import { replicaPlan } from './coordinator.js';

export async function onReplicas<T extends TrainingTask>(
  inner: T,
  threads: number | undefined,
  batch: number,
  wrap: (inner: T, replicas: number) => Promise<TrainingTask>,
): Promise<{ task: TrainingTask; replicas: number }> {
  try {
    const { replicas } = replicaPlan(settingsOrSetupError(() => resolveThreads(threads)), batch);
    return { task: replicas > 1 ? await wrap(inner, replicas) : inner, replicas };
  } catch (error) {
    inner.dispose();
    throw error;
  }
}
