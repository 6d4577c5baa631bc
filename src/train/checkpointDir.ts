/**
 * A run's checkpoints on disk, `<run dir>/<step>/`, kept to two: the best (lowest validation loss) and the last.
 * This is the only code that writes, prunes and picks checkpoint directories; it knows nothing of SQLite — each
 * save reports the steps it deleted, and the run's recorder keeps its rows in step. The order makes a crash at
 * any point recoverable:
 *
 *   1. the checkpoint directory is written atomically (temporary directory, fsync, rename — src/model/checkpoint);
 *   2. the caller records it (a row);
 *   3. older directories that are neither best nor last are deleted, and reported as pruned.
 *
 * A crash in 1 leaves a temporary directory; between 1 and 2 a directory nobody knows; in 3 directories whose
 * rows are still there. `resume` clears all of these and picks the newest known checkpoint that verifies
 * against its recorded sha256, falling back from the last to the best (a complete, resumable checkpoint too).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CheckpointError, type CheckpointDigest, cleanStaleTemporaries } from '../model/checkpoint/index.js';
import { UnusableCheckpointError, oneLine } from './errors.js';
import type { Checkpointer } from './loop.js';
import type { LoopState, SavedCheckpoint } from './task.js';

/** A checkpoint the run's record knows: where it is and the sha256 it was written with. */
export interface KnownCheckpoint {
  step: number;
  dir: string;
  sha256: string;
}

/** What resuming needs of a loaded checkpoint, whatever the model: its step, its best step, and freeing it. */
export interface ResumePoint {
  step: number;
  /** The loop's state when it was written (the best validation step among it). */
  loop: LoopState;
  dispose(): void;
}

export interface Resumed<P> {
  /** The checkpoint training continues from; null: from scratch. */
  point: P | null;
  /** The steps whose directories are left (the best and the last); rows of any other step are stale. */
  kept: { best: number; last: number } | null;
  /** Known checkpoints that could not be used, one line each (their directories are deleted). */
  rejected: string[];
}

export type SavedWithPruned = SavedCheckpoint & { prunedSteps: number[] };

export class CheckpointDir<P extends ResumePoint> implements Checkpointer {
  private best: number | null = null;
  private last: number | null = null;
  private pruned: number[] = [];

  constructor(
    readonly dir: string,
    /** Reads and verifies one checkpoint as a resume point (CheckpointError or UnusableCheckpointError if it cannot be). */
    private readonly load: (dir: string, sha256: string) => Promise<P>,
  ) {}

  async save(step: number, metrics: Record<string, number>, best: boolean, write: (dir: string) => Promise<CheckpointDigest>): Promise<SavedWithPruned> {
    const dir = path.join(this.dir, String(step));
    const digest = await write(dir);
    const isBest = best || this.best === null || this.best === step;
    const previous = [this.best, this.last];
    if (isBest) this.best = step;
    this.last = step;
    for (const old of previous) {
      if (old !== null && old !== this.best && old !== this.last && !this.pruned.includes(old)) {
        await remove(path.join(this.dir, String(old)));
        this.pruned.push(old);
      }
    }
    const prunedSteps = this.pruned;
    this.pruned = [];
    return { step, dir, sha256: digest.sha256, bytes: digest.bytes, metrics, isBest, isLast: true, prunedSteps };
  }

  /**
   * Before training: finishes interrupted writes, then tries the `known` checkpoints in order (the caller's
   * preference: last, best, the rest newest first). Without any known checkpoint the run starts afresh, and
   * whatever is in the directory was never recorded: it goes. Directories after the chosen step, of rejected
   * checkpoints, and neither best nor last are deleted.
   */
  async resume(known: readonly KnownCheckpoint[]): Promise<Resumed<P>> {
    await cleanStaleTemporaries(this.dir);
    const rejected: string[] = [];
    let point: P | null = null;
    for (const c of known) {
      try {
        point = await this.load(c.dir, c.sha256);
        break;
      } catch (error) {
        if (!(error instanceof CheckpointError) && !(error instanceof UnusableCheckpointError)) throw error;
        rejected.push(`step ${c.step}: ${oneLine(error)}`);
      }
    }
    const onDisk = await this.steps();
    const knownSteps = new Set(known.map((c) => c.step));
    let kept: Resumed<P>['kept'] = null;
    if (point) {
      const bestStep = point.loop.bestValStep;
      const best = bestStep !== null && bestStep <= point.step && onDisk.includes(bestStep) && knownSteps.has(bestStep) && !rejected.some((r) => r.startsWith(`step ${bestStep}:`)) ? bestStep : point.step;
      kept = { best, last: point.step };
      this.best = best;
      this.last = point.step;
    }
    for (const step of onDisk) {
      if (!kept || (step !== kept.best && step !== kept.last)) await remove(path.join(this.dir, String(step)));
    }
    return { point, kept, rejected };
  }

  /** The steps of the best and the last checkpoint kept (null: none yet). */
  get keptSteps(): { best: number | null; last: number | null } {
    return { best: this.best, last: this.last };
  }

  /**
   * Goes back to the checkpoint at `step` (null: to none, training starts again): it becomes the last (and the
   * best, if the best came after it), and every directory after it is deleted. Returns the deleted steps, for
   * their rows to go.
   */
  async rollBack(step: number | null): Promise<number[]> {
    const removed: number[] = [];
    for (const s of await this.steps()) {
      if (step === null || s > step) {
        await remove(path.join(this.dir, String(s)));
        removed.push(s);
      }
    }
    if (step === null) {
      this.best = this.last = null;
    } else {
      if (this.best === null || this.best > step) this.best = step;
      this.last = step;
    }
    this.pruned = this.pruned.filter((s) => !removed.includes(s));
    return removed.sort((a, b) => a - b);
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

function remove(dir: string): Promise<void> {
  return fs.rm(dir, { recursive: true, force: true });
}
