/**
 * The CLI's `--model` and `--from` arguments: a checkpoint directory, a shipped starter model by name (`starter`,
 * `starter-dialogue`), or a run in the store (`run:ID`, or a bare integer that is not a path) whose best checkpoint it names, verified against the sha256 its row recorded. The loaders take
 * directories; only the CLI opens the store to resolve a run.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import type { ModelHandle } from '../generate/handle.js';
import type { Seq2seqHandle } from '../generate/seq2seq/index.js';
import { STARTER_MODELS, type StarterModelName, starterModelDir } from '../service/starter.js';
import type { ParentModel } from '../contract/index.js';
import { DATABASE_FILE, type RunKind, type Store, openStore, resolveDataDir } from '../store/index.js';
import { toCliError } from './errors.js';
import type { CliIo } from './io.js';

/** A checkpoint directory, with what is known about it before loading. */
export interface ModelLocation {
  dir: string;
  expectedSha256?: string;
  runId?: number;
  checkpointId?: number;
}

/** `--model` named a run that does not exist, has no checkpoint, or is of the other kind. */
export class ModelNotFoundError extends Error {
  override readonly name = 'ModelNotFoundError';
}

const KIND_NAMES: Record<RunKind, string> = { lm: 'a language model', seq2seq: 'a seq2seq model' };

export async function resolveModelRef(ref: string, kind: RunKind, options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<ModelLocation> {
  const trimmed = ref.trim();
  // The shipped starter models by name (a folder of that name in the working directory wins).
  if (trimmed in STARTER_MODELS && !(await exists(path.resolve(options.cwd ?? process.cwd(), trimmed)))) {
    return { dir: starterModelDir(trimmed as StarterModelName) };
  }
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
    if (run.kind !== kind) throw new ModelNotFoundError(`run ${runId} ("${run.name}") is a ${run.kind} run, not ${KIND_NAMES[kind]}`);
    const best = store.checkpoints.best(runId) ?? store.checkpoints.last(runId);
    if (!best) throw new ModelNotFoundError(`run ${runId} ("${run.name}") has no checkpoint yet`);
    return { dir: path.resolve(dataDir, best.path), expectedSha256: best.sha256, runId, checkpointId: best.id };
  } finally {
    store.close();
  }
}

/**
 * `--from`: the model a fine-tuning run of `kind` starts from — where it is (with the sha256 its row recorded) and
 * how the run records it: a run of this data directory by its checkpoint row (lineage), anything else by its
 * folder. Its files are not read here: each kind checks its parent (src/train/lm/parentModel.ts,
 * src/train/seq2seq/parentModel.ts).
 */
export async function resolveParentRef(store: Store, ref: string, kind: RunKind, io: CliIo): Promise<{ from: ParentModel; dir: string; sha256?: string }> {
  const at = await resolveModelRef(ref, kind, { env: io.env });
  const row = at.checkpointId !== undefined ? store.checkpoints.get(at.checkpointId) : undefined;
  const from: ParentModel = row ? { kind: 'checkpoint', checkpointId: row.id } : { kind: 'dir', path: at.dir };
  return { from, dir: at.dir, ...(at.expectedSha256 !== undefined ? { sha256: at.expectedSha256 } : {}) };
}

/** Loads a language model for `--model`, runs `fn`, frees it; load failures become one-line CLI errors. */
export async function withLanguageModel<T>(ref: string, io: CliIo, fn: (handle: ModelHandle) => Promise<T>): Promise<T> {
  const { loadModel } = await import('../generate/loadModel.js');
  return withLoaded(async () => {
    const at = await resolveModelRef(ref, 'lm', { env: io.env });
    const origin = { ...(at.runId !== undefined ? { runId: at.runId } : {}), ...(at.checkpointId !== undefined ? { checkpointId: at.checkpointId } : {}) };
    return loadModel(at.dir, at.expectedSha256 ? { expectedSha256: at.expectedSha256 } : {}, origin);
  }, fn);
}

/** Loads an encoder–decoder model for `--model`, runs `fn`, frees it. */
export async function withSeq2seqModel<T>(ref: string, io: CliIo, fn: (handle: Seq2seqHandle) => Promise<T>): Promise<T> {
  const { loadSeq2seq } = await import('../generate/seq2seq/index.js');
  return withLoaded(async () => {
    const at = await resolveModelRef(ref, 'seq2seq', { env: io.env });
    return loadSeq2seq(at.dir, at.expectedSha256 ? { expectedSha256: at.expectedSha256 } : {});
  }, fn);
}

async function withLoaded<H extends { dispose(): void }, T>(load: () => Promise<H>, fn: (handle: H) => Promise<T>): Promise<T> {
  let handle: H;
  try {
    handle = await load();
  } catch (error) {
    throw toCliError(error);
  }
  try {
    return await fn(handle);
  } finally {
    handle.dispose();
  }
}

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}
