/**
 * A kind's task on as many replicas as the job's threads and batch allow (./coordinator.ts `replicaPlan`): the
 * one-thread task itself when that is one — today's in-process path, untouched — or the task wrapped to train on
 * replicas. Used by both kinds' `prepare` (../lm/job.ts, ../seq2seq/job.ts).
 */
import { resolveThreads, settingsOrSetupError } from '../config.js';
import type { TrainingTask } from '../task.js';
import { type ReplicaOptions, replicaPlan } from './coordinator.js';

export async function onReplicas<T extends TrainingTask>(
  inner: T,
  spec: { threads?: number | undefined; keepThreadFree?: boolean | undefined },
  batch: number,
  wrap: (inner: T, replicas: number, options: ReplicaOptions) => Promise<TrainingTask>,
): Promise<{ task: TrainingTask; replicas: number }> {
  try {
    const { replicas } = replicaPlan(settingsOrSetupError(() => resolveThreads(spec.threads)), batch);
    return { task: replicas > 1 ? await wrap(inner, replicas, { keepThreadFree: Boolean(spec.keepThreadFree) }) : inner, replicas };
  } catch (error) {
    inner.dispose();
    throw error;
  }
}
