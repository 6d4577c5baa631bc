/**
 * Checking a checkpoint directory against what was written: the per-file manifest in longhand.json (which names
 * the file that is missing or changed) and the checkpoint sha256 SQLite recorded (which catches everything else,
 * longhand.json included). A directory without longhand.json (a plain TF.js Layers model) is hashed as it is:
 * every top-level file whose name does not start with a dot.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { METADATA_FILE } from './directory.js';
import { CheckpointError, errorMessage } from './errors.js';
import { type CheckpointDigest, type FileManifest, checkpointDigest, digestFile, isCheckpointFileName } from './manifest.js';

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
export const fileManifestSchema = z.record(
  z.string().refine(isCheckpointFileName, 'not a checkpoint file name'),
  z.object({ sha256: sha256Hex, bytes: z.number().int().nonnegative() }),
);

export async function verifyCheckpointDir(dir: string, expectedSha256?: string): Promise<CheckpointDigest> {
  const root = path.resolve(dir);
  const names = await listCheckpointFiles(root);
  const files: FileManifest = {};
  let recorded: FileManifest | null = null;
  if (names.includes(METADATA_FILE)) {
    recorded = await readRecordedManifest(root);
    files[METADATA_FILE] = await digestFile(path.join(root, METADATA_FILE));
    const problems: CheckpointError[] = [];
    for (const [name, want] of Object.entries(recorded)) {
      if (!names.includes(name)) {
        problems.push(new CheckpointError('missing', `checkpoint ${root} is missing ${name} (listed in ${METADATA_FILE})`, root, name));
        continue;
      }
      const got = (files[name] = await digestFile(path.join(root, name)));
      if (got.bytes < want.bytes) {
        problems.push(new CheckpointError('truncated', `${name} in checkpoint ${root} is truncated: ${got.bytes} bytes, ${want.bytes} when it was written`, root, name));
      } else if (got.bytes !== want.bytes || got.sha256 !== want.sha256) {
        problems.push(new CheckpointError('changed', `${name} in checkpoint ${root} has changed since it was written (sha256 ${short(want.sha256)}… recorded, ${short(got.sha256)}… found)`, root, name));
      }
    }
    const first = problems[0];
    if (first) {
      if (problems.length === 1) throw first;
      const others = problems.slice(1).map((p) => p.file).join(', ');
      throw new CheckpointError(first.code, `${first.message}; also wrong: ${others}`, root, first.file);
    }
  } else {
    for (const name of names) files[name] = await digestFile(path.join(root, name));
  }
  const digest = checkpointDigest(files);
  if (expectedSha256 !== undefined && digest.sha256 !== expectedSha256.toLowerCase()) {
    const why = recorded
      ? `every file matches ${METADATA_FILE}, so ${METADATA_FILE} itself was changed or replaced`
      : 'a file was changed, added or removed';
    throw new CheckpointError(
      'changed',
      `checkpoint ${root} does not match the sha256 recorded when it was saved (${short(expectedSha256)}… recorded, ${short(digest.sha256)}… found): ${why}`,
      root,
    );
  }
  return digest;
}

/** Top-level regular files with checkpoint names (dotfiles and subdirectories are not part of a checkpoint). */
async function listCheckpointFiles(root: string): Promise<string[]> {
  let entries;
  try {
    entries = await fs.readdir(root, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new CheckpointError('missing', `checkpoint ${root} does not exist`, root);
    if (code === 'ENOTDIR') throw new CheckpointError('missing', `checkpoint ${root} is a file, not a directory`, root);
    throw error;
  }
  return entries.filter((e) => e.isFile() && isCheckpointFileName(e.name)).map((e) => e.name).sort();
}

async function readRecordedManifest(root: string): Promise<FileManifest> {
  const text = await fs.readFile(path.join(root, METADATA_FILE), 'utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CheckpointError('invalid', `${METADATA_FILE} in checkpoint ${root} is not valid JSON (${errorMessage(error)})`, root, METADATA_FILE);
  }
  const files = z.object({ files: fileManifestSchema }).safeParse(value);
  if (!files.success) {
    throw new CheckpointError('invalid', `${METADATA_FILE} in checkpoint ${root} has no valid file manifest ("files")`, root, METADATA_FILE);
  }
  return files.data.files;
}

function short(sha: string): string {
  return sha.slice(0, 12);
}
