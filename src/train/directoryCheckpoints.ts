/** Checkpoints of a worker's training run in its own directory: what the worker keeps, prunes and resumes from. */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CheckpointError, type CheckpointDigest, cleanStaleTemporaries } from '../model/checkpoint/index.js';
import { UnusableCheckpointError } from './checkpoints.js';
import { oneLine } from './lmSetup.js';
import type { Checkpointer } from './loop.js';
import type { LoopState, SavedCheckpoint } from './task.js';

/** What the pruning policy needs of a resume point: its step and the loop's best validation step. */
export interface DirectoryResumePoint {
  step: number;
  train: { loop: Pick<LoopState, 'bestValStep'> };
}

/**
 * A worker's checkpoints in `<outputDir>/<step>` without a store (the service records the rows): the best (by
 * validation loss) and the last are kept, the others deleted and named by `takePruned()`. `load` reads and
 * verifies one checkpoint as a resume point of the run's kind (language model or seq2seq).
 */
export class DirectoryCheckpoints<P extends DirectoryResumePoint> implements Checkpointer {
  private best: number | null = null;
  private last: number | null = null;
  private pruned: number[] = [];

  constructor(
    private readonly dir: string,
    private readonly load: (dir: string, sha256: string | undefined) => Promise<P>,
  ) {}

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
   * deleted: they were written after the point the run goes back to.
   */
  async resumePoint(from: { dir: string; sha256: string } | null | undefined): Promise<P | null> {
    await cleanStaleTemporaries(this.dir);
    const steps = await this.steps();
    if (!from) {
      // The service knows no checkpoint: anything here was written but never recorded. Start afresh.
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
      try {
        const point = await this.load(c.dir, c.sha256);
        for (const step of steps) {
          if (step > point.step) await fs.rm(path.join(this.dir, String(step)), { recursive: true, force: true });
        }
        this.last = point.step;
        const bestStep = point.train.loop.bestValStep;
        this.best = bestStep !== null && steps.includes(bestStep) && bestStep <= point.step ? bestStep : point.step;
        return point;
      } catch (error) {
        if (!(error instanceof CheckpointError) && !(error instanceof UnusableCheckpointError)) throw error;
        problems.push(oneLine(error));
      }
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
