/**
 * Resolving the CLI's `--model` argument: a checkpoint directory, or a run in the store whose best checkpoint it
 * names. Kept apart from ./loadModel so that the worker, which loads models by directory, never loads the store.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { DATABASE_FILE, openStore, resolveDataDir } from '../store/index.js';
import type { ModelHandle } from './handle.js';
import { type LoadModelOptions, loadModel } from './loadModel.js';

/** A checkpoint directory, with what is known about it before loading. */
export interface ModelLocation {
  dir: string;
  expectedSha256?: string;
  runId?: number;
  checkpointId?: number;
}

/** `--model` named a run that does not exist or has no checkpoint. */
export class ModelNotFoundError extends Error {
  override readonly name = 'ModelNotFoundError';
}

/**
 * What `--model` means: an existing path is a checkpoint directory; `run:ID`, or a bare integer that is not
 * a path, is a run in the store at the data directory (`$LONGHAND_HOME`…), whose best checkpoint it names.
 * Anything else is taken as a directory, for the checkpoint loader to report as missing.
 */
export async function resolveModelRef(ref: string, options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<ModelLocation> {
  const trimmed = ref.trim();
  const asPath = path.resolve(options.cwd ?? process.cwd(), trimmed);
  const explicitRun = /^run:/i.test(trimmed);
  if (!explicitRun && (await exists(asPath))) return { dir: asPath };
  const match = /^(?:run:)?(\d+)$/i.exec(trimmed);
  if (!match) {
    if (explicitRun) throw new ModelNotFoundError(`"${trimmed}" is not a run: write run:ID with a number`);
    return { dir: asPath };
  }
  const runId = Number(match[1]);
  const dataDir = resolveDataDir(options.env ? { env: options.env } : {});
  const database = path.join(dataDir, DATABASE_FILE);
  if (!(await exists(database))) {
    throw new ModelNotFoundError(`no checkpoint directory ${asPath}, and no run ${runId}: there is no Longhand database at ${database}`);
  }
  const store = openStore(dataDir);
  try {
    const run = store.runs.get(runId);
    if (!run) throw new ModelNotFoundError(`no checkpoint directory ${asPath}, and no run ${runId} in ${database}`);
    if (run.kind !== 'lm') throw new ModelNotFoundError(`run ${runId} ("${run.name}") is a ${run.kind} run, not a language model`);
    const best = store.checkpoints.best(runId);
    if (!best) throw new ModelNotFoundError(`run ${runId} ("${run.name}") has no checkpoint yet`);
    return { dir: path.resolve(dataDir, best.path), expectedSha256: best.sha256, runId, checkpointId: best.id };
  } finally {
    store.close();
  }
}

/** resolveModelRef, then loadModel with the run's recorded sha256. */
export async function loadModelRef(ref: string, options: LoadModelOptions & { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<ModelHandle> {
  const { env, cwd, ...loadOptions } = options;
  const location = await resolveModelRef(ref, { ...(env ? { env } : {}), ...(cwd ? { cwd } : {}) });
  return loadModel(location.dir, { ...loadOptions, ...(location.expectedSha256 ? { expectedSha256: location.expectedSha256 } : {}) }, {
    ...(location.runId !== undefined ? { runId: location.runId } : {}),
    ...(location.checkpointId !== undefined ? { checkpointId: location.checkpointId } : {}),
  });
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}
