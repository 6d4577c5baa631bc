/**
 * A seq2seq run's checkpoints in `<outputDir>/<step>` without a store (the service records the rows): the
 * best (by validation loss) and the last are kept, the others deleted and named in the next report's
 * `prunedSteps`. The same policy as the language-model job's DirectoryCheckpoints (src/train/workerJob.ts),
 * with the seq2seq checkpoint loader for resuming.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { tf } from '../compute/tf.js';
import { CheckpointError, type CheckpointDigest, cleanStaleTemporaries } from '../model/checkpoint/index.js';
import { type LoadedSeq2seqCheckpoint, loadSeq2seqCheckpoint } from '../model/seq2seq/checkpoint.js';
import type { Checkpointer } from '../train/loop.js';
import type { OptimizerState } from '../train/optimizer.js';
import { type Seq2seqTrainState, seq2seqResumeState } from '../train/seq2seq/task.js';
import type { SavedCheckpoint } from '../train/task.js';
import type { CheckpointRef } from './jobs.js';

/** A verified checkpoint to resume from; its tensors are owned until `dispose()`. */
export interface Seq2seqResumePoint {
  step: number;
  loaded: LoadedSeq2seqCheckpoint;
  optimizer: OptimizerState;
  train: Seq2seqTrainState;
  dispose(): void;
}

export class Seq2seqDirectoryCheckpoints implements Checkpointer {
  private best: number | null = null;
  private last: number | null = null;
  private pruned: number[] = [];

  constructor(private readonly dir: string) {}

  /** Steps deleted since the last call. */
  takePruned(): number[] {
    const out = this.pruned;
    this.pruned = [];
    return out;
  }

  async save(step: number, metrics: Record<string, number>, best: boolean, write: (dir: string) => Promise<CheckpointDigest>): Promise<SavedCheckpoint> {
    const dir = path.join(this.dir, String(step));
    const digest = await write(dir);
    const isBest = best || this.best === null || this.best === step;
    const previous = [this.best, this.last];
    if (isBest) this.best = step;
    this.last = step;
    for (const old of previous) {
      if (old !== null && old !== this.best && old !== this.last && !this.pruned.includes(old)) {
        await fs.rm(path.join(this.dir, String(old)), { recursive: true, force: true });
        this.pruned.push(old);
      }
    }
    return { step, dir, sha256: digest.sha256, bytes: digest.bytes, metrics, isBest, isLast: true };
  }

  /**
   * Finishes interrupted writes, then loads `from` (verified against its sha256) or, failing that, the newest
   * other checkpoint in the directory (verified against its own manifest). Directories of later steps are
   * deleted: they were written after the point the run goes back to. Without `from` the run starts afresh and
   * step directories left behind (written but never recorded) are deleted.
   */
  async resumePoint(from: CheckpointRef | null): Promise<Seq2seqResumePoint | null> {
    await cleanStaleTemporaries(this.dir);
    const steps = await this.steps();
    if (!from) {
      for (const step of steps) await fs.rm(path.join(this.dir, String(step)), { recursive: true, force: true });
      return null;
    }
    const candidates: { dir: string; sha256?: string }[] = [{ dir: from.dir, sha256: from.sha256 }];
    for (const step of steps.sort((a, b) => b - a)) {
      const dir = path.join(this.dir, String(step));
      if (path.resolve(dir) !== path.resolve(from.dir)) candidates.push({ dir });
    }
    const problems: string[] = [];
    for (const c of candidates) {
      let point: Seq2seqResumePoint;
      try {
        point = await loadPoint(c.dir, c.sha256);
      } catch (error) {
        if (!(error instanceof CheckpointError) && !(error instanceof UnusableError)) throw error;
        problems.push((error.message.split('\n')[0] ?? '').trim());
        continue;
      }
      for (const step of steps) {
        if (step > point.step) await fs.rm(path.join(this.dir, String(step)), { recursive: true, force: true });
      }
      this.last = point.step;
      const bestStep = point.train.loop.bestValStep;
      this.best = bestStep !== null && steps.includes(bestStep) && bestStep <= point.step ? bestStep : point.step;
      return point;
    }
    throw new Error(`cannot resume: no usable checkpoint (${problems.join('; ')})`);
  }

  private async steps(): Promise<number[]> {
    try {
      return (await fs.readdir(this.dir)).filter((n) => /^\d+$/.test(n)).map(Number);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
  }
}

class UnusableError extends Error {}

async function loadPoint(dir: string, sha256: string | undefined): Promise<Seq2seqResumePoint> {
  const loaded = await loadSeq2seqCheckpoint(dir, sha256 !== undefined ? { expectedSha256: sha256 } : {});
  const dispose = () => {
    tf.dispose(Object.values(loaded.weights));
    if (loaded.optimizer) tf.dispose(loaded.optimizer.state.map((s) => s.tensor));
  };
  const state = seq2seqResumeState(loaded);
  if (typeof state === 'string') {
    dispose();
    throw new UnusableError(`${dir}: ${state}`);
  }
  let disposed = false;
  return {
    step: loaded.meta.step,
    loaded,
    ...state,
    dispose: () => {
      if (disposed) return;
      disposed = true;
      dispose();
    },
  };
}
