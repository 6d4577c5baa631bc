/**
 * A fine-tuning run's parent, whatever its kind: the folder checked when the run is created (a Longhand
 * checkpoint of the run's kind, its files intact) and the checkpoint loaded when the run starts. Each kind reads
 * its parent's architecture from the files (./lm/parentModel.ts, ./seq2seq/parentModel.ts) and starts from its
 * weights (./lm/adopt.ts, ./seq2seq/adopt.ts). Problems are SetupErrors of one line.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { METADATA_FILE } from '../model/checkpoint/directory.js';
import { CheckpointError } from '../model/checkpoint/errors.js';
import type { CheckpointDigest } from '../model/checkpoint/manifest.js';
import { headerSchema } from '../model/checkpoint/metadata.js';
import { verifyCheckpointDir } from '../model/checkpoint/verify.js';
import { SetupError } from './errors.js';

export type ParentKind = 'lm' | 'seq2seq';

const KIND_NAMES: Record<string, string> = { lm: 'language model', seq2seq: 'seq2seq model' };
const kindName = (kind: string) => KIND_NAMES[kind] ?? `${kind} model`;

/**
 * The checkpoint in `dir`, verified (against `sha256` when the store recorded one): its longhand.json text and
 * digest. SetupError for a folder that is missing, damaged, or holds another kind of model.
 */
export async function verifyParentDir(dir: string, kind: ParentKind, sha256?: string): Promise<{ metadata: string; digest: CheckpointDigest }> {
  const metaFile = path.join(dir, METADATA_FILE);
  const metadata = await fs.readFile(metaFile, 'utf8').catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') {
      throw new SetupError(`${dir} is not a Longhand checkpoint (it has no ${METADATA_FILE}${error.path === metaFile ? '' : ', or does not exist'})`);
    }
    throw new SetupError(`cannot read ${metaFile}: ${error.message}`);
  });
  const found = headerKind(metadata);
  if (found && found !== kind) throw new SetupError(`${dir} holds a ${kindName(found)}; only a ${kindName(kind)} can be fine-tuned into a ${kindName(kind)}`);
  const digest = await readParent(() => verifyCheckpointDir(dir, sha256));
  return { metadata, digest };
}

/** `read()`, with a damaged or unreadable checkpoint (CheckpointError, bad JSON) as a one-line SetupError. */
export async function readParent<T>(read: () => T | Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    if (error instanceof CheckpointError || error instanceof SyntaxError) throw new SetupError(`the parent model cannot be used: ${error.message.split('\n')[0]}`);
    throw error;
  }
}

/** Where a run's parent is: its folder, and the sha256 the store recorded for it (a checkpoint of this library); or that it was deleted. */
export type ParentLocation = { dir: string; sha256?: string | undefined } | { deleted: true };

/** The parent's checkpoint, loaded by its kind's loader when a run starts; SetupError (one line) when it is gone or damaged. */
export async function loadParentCheckpoint<T>(parent: ParentLocation, load: (dir: string, options: { expectedSha256?: string }) => Promise<T>): Promise<T> {
  if ('deleted' in parent) throw new SetupError('the model it starts from was deleted');
  try {
    return await load(parent.dir, parent.sha256 !== undefined ? { expectedSha256: parent.sha256 } : {});
  } catch (error) {
    if (error instanceof Error && error.name === 'CheckpointError') throw new SetupError(`the model it starts from cannot be used: ${error.message.split('\n')[0]}`);
    throw error;
  }
}

function headerKind(text: string): string | null {
  try {
    const header = headerSchema.safeParse(JSON.parse(text));
    return header.success ? header.data.kind : null;
  } catch {
    return null;
  }
}
