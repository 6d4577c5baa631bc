/**
 * A run's checkpoints on disk (`models/<run-id>/<step>/`) and in SQLite, kept to two: the best (lowest
 * validation loss) and the last. Written in this order, so that a crash at any point leaves a usable run:
 *
 *   1. the checkpoint directory (atomic: temporary directory, fsync, rename — src/model/checkpoint)
 *   2. its row (sha256, bytes, metrics), flagged last, and best when it is
 *   3. pruning: rows that are neither best nor last, then their directories
 *
 * A crash in 1 leaves a temporary directory (cleanStaleTemporaries removes it); between 1 and 2 an orphan
 * directory without a row; between the two halves of 3 directories without rows. `prepareResume` clears all
 * of these and picks the newest checkpoint whose files match the row's sha256, falling back from the last to
 * the best (which is a complete, resumable checkpoint too).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  CheckpointError,
  type CheckpointDigest,
  METADATA_FILE,
  cleanStaleTemporaries,
  verifyCheckpointDir,
  writeCheckpointDir,
} from '../model/checkpoint/index.js';
import type { CheckpointRow, Store } from '../store/index.js';
import type { Checkpointer } from './loop.js';
import type { SavedCheckpoint } from './task.js';

/** `models/<run-id>` in the store's data directory. */
export function runModelsDir(store: Store, runId: number): string {
  return path.join(store.modelsDir, String(runId));
}

/** Absolute directory of a checkpoint row (rows hold paths relative to the data directory). */
export function checkpointDir(store: Store, row: Pick<CheckpointRow, 'path'>): string {
  return path.resolve(path.dirname(store.file), row.path);
}

export function toSaved(store: Store, row: CheckpointRow): SavedCheckpoint {
  return {
    id: row.id,
    step: row.step,
    dir: checkpointDir(store, row),
    sha256: row.sha256,
    bytes: row.bytes,
    metrics: numericMetrics(row.metrics),
    isBest: row.isBest,
    isLast: row.isLast,
  };
}

export class RunCheckpoints implements Checkpointer {
  constructor(
    private readonly store: Store,
    private readonly runId: number,
  ) {}

  get dir(): string {
    return runModelsDir(this.store, this.runId);
  }

  async save(step: number, metrics: Record<string, number>, best: boolean, write: (dir: string) => Promise<CheckpointDigest>): Promise<SavedCheckpoint> {
    const dir = path.join(this.dir, String(step));
    const { store, runId } = this;
    // A row already at this step (a resumed run passing the step again) is replaced.
    const existing = store.checkpoints.listByRun(runId).find((row) => row.step === step);
    if (existing) store.checkpoints.remove(existing.id);
    const digest = await write(dir);
    const row = store.checkpoints.add({
      runId,
      step,
      path: path.relative(path.dirname(store.file), dir),
      sha256: digest.sha256,
      bytes: digest.bytes,
      metrics,
      isBest: best,
      isLast: true,
    });
    await this.prune();
    return toSaved(store, store.checkpoints.get(row.id)!);
  }

  /** Deletes every checkpoint of the run that is neither best nor last: rows first, then directories. */
  async prune(): Promise<void> {
    const doomed = this.store.checkpoints.listByRun(this.runId).filter((row) => !row.isBest && !row.isLast);
    for (const row of doomed) this.store.checkpoints.remove(row.id);
    for (const row of doomed) await fs.rm(checkpointDir(this.store, row), { recursive: true, force: true });
  }

  /**
   * Before resuming: finishes interrupted writes, then tries the run's checkpoints newest first (the last,
   * then the best, then any other) with `load`, which must verify the files against the row's sha256 and
   * throw CheckpointError when they do not match. Rows and directories newer than the one chosen, rows whose
   * files are unusable, and directories without rows are deleted; the chosen one becomes last.
   */
  async prepareResume<T>(load: (dir: string, row: CheckpointRow) => Promise<T>): Promise<{ row: CheckpointRow; loaded: T; rejected: string[] } | { row: null; rejected: string[] }> {
    const { store, runId } = this;
    await cleanStaleTemporaries(this.dir);
    const rows = store.checkpoints.listByRun(runId);
    const order = [...rows].sort((a, b) => Number(b.isLast) - Number(a.isLast) || Number(b.isBest) - Number(a.isBest) || b.step - a.step);
    const rejected: string[] = [];
    let chosen: { row: CheckpointRow; loaded: T } | null = null;
    for (const row of order) {
      try {
        chosen = { row, loaded: await load(checkpointDir(store, row), row) };
        break;
      } catch (error) {
        if (!(error instanceof CheckpointError) && !(error instanceof UnusableCheckpointError)) throw error;
        rejected.push(`step ${row.step}: ${error.message}`);
        store.checkpoints.remove(row.id);
        await fs.rm(checkpointDir(store, row), { recursive: true, force: true });
      }
    }
    if (chosen) {
      for (const row of store.checkpoints.listByRun(runId)) {
        if (row.step > chosen.row.step) {
          store.checkpoints.remove(row.id);
          await fs.rm(checkpointDir(store, row), { recursive: true, force: true });
        }
      }
      store.checkpoints.setLast(chosen.row.id);
    }
    await this.removeOrphans();
    return chosen ? { ...chosen, row: store.checkpoints.get(chosen.row.id)!, rejected } : { row: null, rejected };
  }

  /** Step directories of the run that no row refers to (a crash between writing and recording, or pruning). */
  async removeOrphans(): Promise<string[]> {
    const known = new Set(this.store.checkpoints.listByRun(this.runId).map((row) => checkpointDir(this.store, row)));
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw error;
    }
    const removed: string[] = [];
    for (const name of names) {
      const dir = path.join(this.dir, name);
      if (/^\d+$/.test(name) && !known.has(dir)) {
        await fs.rm(dir, { recursive: true, force: true });
        removed.push(dir);
      }
    }
    return removed;
  }
}

/**
 * A full copy of a checkpoint in `dest` (outside the data directory, e.g. `train --out`), verified against
 * `sha256` before and after. `dest` must be missing, empty, or a checkpoint (which is replaced atomically).
 */
export async function exportCheckpoint(src: string, sha256: string, dest: string): Promise<CheckpointDigest> {
  await checkExportTarget(dest);
  const digest = await verifyCheckpointDir(src, sha256);
  const files: Record<string, Uint8Array> = {};
  for (const name of Object.keys(digest.files)) files[name] = await fs.readFile(path.join(src, name));
  await writeCheckpointDir(dest, files);
  return verifyCheckpointDir(dest, sha256);
}

/** Refuses to overwrite a directory that is not a checkpoint (so `--out ~` cannot replace a home folder). */
export async function checkExportTarget(dest: string): Promise<void> {
  let entries: string[];
  try {
    const stat = await fs.stat(dest);
    if (!stat.isDirectory()) throw new CheckpointError('write-failed', `${dest} exists and is not a directory`, dest);
    entries = await fs.readdir(dest);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (entries.length > 0 && !entries.includes(METADATA_FILE)) {
    throw new CheckpointError('write-failed', `${dest} is not empty and is not a Longhand checkpoint; choose a new or empty directory`, dest);
  }
}

/** A checkpoint whose files are intact but which cannot be resumed from (no training state). */
export class UnusableCheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnusableCheckpointError';
  }
}

function numericMetrics(metrics: Record<string, unknown>): Record<string, number> {
  return Object.fromEntries(Object.entries(metrics).filter((e): e is [string, number] => typeof e[1] === 'number'));
}
