/**
 * Writing a checkpoint directory atomically, and cleaning up after a crash. Generic: any set of files (a
 * language model, later a seq2seq model) plus, optionally, Longhand's metadata file carrying their manifest.
 *
 * A write goes to a sibling `.<name>.tmp-<random>` directory; every file and then the directory are fsynced;
 * an existing target is renamed to `.<name>.old-<random>`, the temporary directory is renamed to the target,
 * the parent is fsynced and the old copy removed. A crash leaves, besides the target, at most one `.tmp-`
 * (incomplete, to delete) and one `.old-` (the previous complete checkpoint): `cleanStaleTemporaries` deletes
 * the first and puts the second back if the target is missing, so after it either the old or the new complete
 * checkpoint is in place. (POSIX cannot rename a directory over a non-empty one, hence the two renames.)
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CheckpointError, errorMessage } from './errors.js';
import { type CheckpointDigest, type FileManifest, checkpointDigest, digestBytes, isCheckpointFileName } from './manifest.js';

/** Longhand's metadata file; when present its `files` lists every other file of the checkpoint. */
export const METADATA_FILE = 'longhand.json';

export type WritePhase =
  /** A file is written and fsynced in the temporary directory. */
  | { phase: 'file'; name: string }
  /** Every file and the temporary directory are fsynced. */
  | { phase: 'synced' }
  /** The previous checkpoint has been renamed out of the way (only when there was one). */
  | { phase: 'moved-old' }
  /** The new checkpoint is in place and the parent fsynced; the previous one is not yet removed. */
  | { phase: 'renamed' };

export interface WriteCheckpointOptions {
  /** Written as longhand.json, with `files` (the manifest of every other file) added. */
  metadata?: Record<string, unknown>;
  /**
   * Called after each phase; throwing aborts the write as a crash would, and the previous checkpoint stays
   * (tests inject failures here). Throwing at 'renamed' only reports: the new checkpoint is already in place.
   * One writer per target at a time.
   */
  onPhase?: (event: WritePhase) => void | Promise<void>;
}

export async function writeCheckpointDir(
  targetDir: string,
  files: Record<string, Uint8Array | string>,
  options: WriteCheckpointOptions = {},
): Promise<CheckpointDigest> {
  const target = path.resolve(targetDir);
  const parent = path.dirname(target);
  const base = path.basename(target);
  const fail = (message: string, cause?: unknown, file?: string) =>
    cause instanceof CheckpointError ? cause : new CheckpointError('write-failed', `could not write checkpoint ${target}: ${message}`, target, file, { cause });

  const contents = new Map<string, Uint8Array | string>();
  const manifest: FileManifest = {};
  for (const [name, data] of Object.entries(files)) {
    if (!isCheckpointFileName(name)) throw fail(`"${name}" is not a checkpoint file name (letters, digits, . _ -, no leading dot)`);
    if (options.metadata && name === METADATA_FILE) throw fail(`${METADATA_FILE} is written from the metadata option, not passed as a file`);
    contents.set(name, data);
    manifest[name] = digestBytes(data);
  }
  if (options.metadata) {
    const text = `${JSON.stringify({ ...options.metadata, files: checkpointDigest(manifest).files }, null, 2)}\n`;
    contents.set(METADATA_FILE, text);
    manifest[METADATA_FILE] = digestBytes(text);
  }

  const tmp = path.join(parent, `.${base}.tmp-${randomHex()}`);
  try {
    await fs.mkdir(parent, { recursive: true });
    await fs.mkdir(tmp);
    for (const [name, data] of contents) {
      await writeFileSynced(path.join(tmp, name), data);
      await options.onPhase?.({ phase: 'file', name });
    }
    await fsyncDir(tmp);
    await options.onPhase?.({ phase: 'synced' });
  } catch (error) {
    await removeQuietly(tmp);
    throw fail(errorMessage(error), error);
  }

  let old: string | null = null;
  try {
    if (await exists(target)) {
      old = path.join(parent, `.${base}.old-${randomHex()}`);
      await renameWithRetry(target, old);
      await options.onPhase?.({ phase: 'moved-old' });
    }
    await renameWithRetry(tmp, target);
    await fsyncDir(parent);
  } catch (error) {
    if (old !== null && !(await exists(target))) await renameWithRetry(old, target).catch(() => undefined);
    await removeQuietly(tmp);
    throw fail(errorMessage(error), error);
  }
  try {
    await options.onPhase?.({ phase: 'renamed' });
  } finally {
    // If this fails (a Windows file lock), cleanStaleTemporaries removes it later.
    if (old !== null) await removeQuietly(old);
  }
  return checkpointDigest(manifest);
}

const STALE = /^\.(.+)\.(tmp|old)-[0-9a-f]{12}$/;

/**
 * Finishes what a crashed write left in `parentDir`: deletes `.tmp-` directories and restores an `.old-`
 * directory whose target is missing (deleting it otherwise). Run it when nothing is writing into `parentDir`
 * (at start-up, or by the one writer of a run's directory before it writes).
 */
export async function cleanStaleTemporaries(parentDir: string): Promise<{ removed: string[]; restored: string[] }> {
  const parent = path.resolve(parentDir);
  const removed: string[] = [];
  const restored: string[] = [];
  let names: string[];
  try {
    names = await fs.readdir(parent);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { removed, restored };
    throw error;
  }
  for (const name of names.sort()) {
    const match = STALE.exec(name);
    if (!match) continue;
    const stale = path.join(parent, name);
    const target = path.join(parent, match[1]!);
    if (match[2] === 'old' && !(await exists(target))) {
      await renameWithRetry(stale, target);
      restored.push(target);
    } else {
      await fs.rm(stale, { recursive: true, force: true });
      removed.push(stale);
    }
  }
  if (restored.length > 0) await fsyncDir(parent);
  return { removed, restored };
}

async function writeFileSynced(file: string, data: Uint8Array | string): Promise<void> {
  const handle = await fs.open(file, 'wx');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Makes a directory's entries (new files, renames) durable. Windows cannot open a directory to fsync it. */
async function fsyncDir(dir: string): Promise<void> {
  if (process.platform === 'win32') return;
  const handle = await fs.open(dir, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // Some file systems do not support fsync on directories.
    if ((error as NodeJS.ErrnoException).code !== 'EINVAL') throw error;
  } finally {
    await handle.close();
  }
}

/** Windows briefly locks freshly written files (indexers, antivirus): retry a rename for up to ~2 s there. */
async function renameWithRetry(from: string, to: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fs.rename(from, to);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (process.platform !== 'win32' || attempt >= 20 || !['EPERM', 'EACCES', 'EBUSY'].includes(code ?? '')) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.lstat(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

async function removeQuietly(dir: string): Promise<void> {
  await fs.rm(dir, { recursive: true, force: true }).catch(() => undefined);
}

function randomHex(): string {
  return randomBytes(6).toString('hex');
}
