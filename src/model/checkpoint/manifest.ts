/**
 * File digests and the checkpoint's own sha256.
 *
 * A checkpoint's sha256 (the one SQLite records) is the sha256 of its canonical manifest: one line per file,
 * `<name>\t<sha256 of the file, lowercase hex>\t<size in bytes>\n`, sorted by name (names are ASCII, so this
 * is byte order), encoded as UTF-8. It covers every file of the checkpoint, longhand.json included, so it
 * changes when any byte of any file changes, when a file is added or removed, and when one is renamed; and it
 * can be recomputed from the per-file digests alone, so a manifest kept elsewhere can be checked against it.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

export interface FileDigest {
  sha256: string;
  bytes: number;
}

export type FileManifest = Record<string, FileDigest>;

export interface CheckpointDigest {
  /** sha256 of the canonical manifest (see the header). */
  sha256: string;
  /** Total size of the files. */
  bytes: number;
  files: FileManifest;
}

/** Names a checkpoint file may have: flat, no leading dot (dotfiles are temporaries or OS litter). */
const FILE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;

export function isCheckpointFileName(name: string): boolean {
  return FILE_NAME.test(name);
}

export function digestBytes(data: Uint8Array | string): FileDigest {
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  return { sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.byteLength };
}

export async function digestFile(file: string): Promise<FileDigest> {
  const hash = createHash('sha256');
  let bytes = 0;
  for await (const chunk of createReadStream(file)) {
    hash.update(chunk as Buffer);
    bytes += (chunk as Buffer).byteLength;
  }
  return { sha256: hash.digest('hex'), bytes };
}

export function canonicalManifest(files: FileManifest): string {
  return Object.keys(files)
    .sort(byCodeUnit)
    .map((name) => `${name}\t${files[name]!.sha256}\t${files[name]!.bytes}\n`)
    .join('');
}

export function checkpointDigest(files: FileManifest): CheckpointDigest {
  const sorted: FileManifest = {};
  let bytes = 0;
  for (const name of Object.keys(files).sort(byCodeUnit)) {
    sorted[name] = files[name]!;
    bytes += files[name]!.bytes;
  }
  const sha256 = createHash('sha256').update(canonicalManifest(sorted), 'utf8').digest('hex');
  return { sha256, bytes, files: sorted };
}

function byCodeUnit(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
