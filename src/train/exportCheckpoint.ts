/**
 * A verified copy of a checkpoint outside the data directory (`longhand train --out DIR`): checked against its
 * sha256 before and after, written through the atomic checkpoint writer, and never over a folder that is not a
 * checkpoint (so `--out ~` cannot replace a home folder).
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CheckpointError, type CheckpointDigest, METADATA_FILE, verifyCheckpointDir, writeCheckpointDir } from '../model/checkpoint/index.js';

/** A full copy of the checkpoint in `src` in `dest` (missing, empty, or a checkpoint, which is replaced atomically). */
export async function exportCheckpoint(src: string, sha256: string, dest: string): Promise<CheckpointDigest> {
  await checkExportTarget(dest);
  const digest = await verifyCheckpointDir(src, sha256);
  const files: Record<string, Uint8Array> = {};
  for (const name of Object.keys(digest.files)) files[name] = await fs.readFile(path.join(src, name));
  await writeCheckpointDir(dest, files);
  return verifyCheckpointDir(dest, sha256);
}

/** Refuses a destination that exists and is neither empty nor a Longhand checkpoint. */
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
