/**
 * The model a fine-tuning run starts from, for runs.start and runs.estimate (./runPlan.ts): one of the library's
 * checkpoints, a folder, or the starter of the run's kind this build ships (the prose starter for a language
 * model, the dialogue starter for an encoder–decoder; recorded as its folder, with its name) — checked (it
 * exists, is of the run's kind, its files are intact) and its architecture read, with problems as one-line
 * ValidationErrors before a run exists.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { ParentModel, ParentModelRequest } from '../contract/index.js';
import type { RunKind, Store } from '../store/index.js';
import { SetupError } from '../train/errors.js';
import { type ParentArchitecture, inheritedSettings, parentArchitecture } from '../train/lm/parentModel.js';
import { type Seq2seqParentArchitecture, seq2seqParentArchitecture } from '../train/seq2seq/parentModel.js';
import { invalid, notFound, sentence } from './errors.js';
import { STARTER_DIALOGUE_MODEL, STARTER_MODEL, type StarterModelName, starterModelDir } from './starter.js';

export interface ParentDeps {
  store: Store;
  /** The folder of the starter corpus and models this build ships (null: none; a kind's starter may be missing from it). */
  starterDir: string | null;
}

/** The starter model of each kind: its name for `--from`/the starter folder, and the name a run records. */
const STARTERS: Record<RunKind, { name: StarterModelName; title: string }> = {
  lm: { name: 'starter', title: STARTER_MODEL },
  seq2seq: { name: 'starter-dialogue', title: STARTER_DIALOGUE_MODEL },
};

const WRONG_KIND: Record<RunKind, string> = {
  lm: 'is not a language model; only a language model can be fine-tuned for the editor',
  seq2seq: 'is a language model; only a summarizer or dialogue model can be fine-tuned into one',
};

/** A language model's parent, and its architecture, refusing a different one the writer asked for. */
export async function lmParent(deps: ParentDeps, asked: ParentModelRequest): Promise<{ from: ParentModel; architecture(asked: object): ParentArchitecture }> {
  const at = locate(deps, asked, 'lm');
  const architecture = await parentArchitecture(at.dir, at.sha256).catch((error: unknown) => {
    throw asInvalid(error, asked);
  });
  const inherit = (given: object) => {
    try {
      return inheritedSettings(architecture, given);
    } catch (error) {
      throw asInvalid(error, null);
    }
  };
  return { from: at.from, architecture: inherit };
}

/** An encoder–decoder's parent and its architecture (which the child takes whatever the writer asked). */
export async function seq2seqParent(deps: ParentDeps, asked: ParentModelRequest): Promise<{ from: ParentModel; architecture: Seq2seqParentArchitecture }> {
  const at = locate(deps, asked, 'seq2seq');
  const architecture = await seq2seqParentArchitecture(at.dir, at.sha256).catch((error: unknown) => {
    throw asInvalid(error, asked);
  });
  return { from: at.from, architecture };
}

/** Where the parent is, and how the run records it. */
function locate(deps: ParentDeps, asked: ParentModelRequest, kind: RunKind): { from: ParentModel; dir: string; sha256?: string } {
  const { store } = deps;
  if (asked.kind === 'checkpoint') {
    const row = store.checkpoints.get(asked.checkpointId);
    const run = row && store.runs.get(row.runId);
    if (!row || !run) throw notFound('checkpoint', asked.checkpointId);
    if (run.kind !== kind) throw invalid(`Checkpoint ${row.id} ("${run.name}") ${WRONG_KIND[kind]}.`);
    return { from: { kind: 'checkpoint', checkpointId: row.id, name: run.name }, dir: path.resolve(path.dirname(store.file), row.path), sha256: row.sha256 };
  }
  if (asked.kind === 'starter') {
    const starter = STARTERS[kind];
    const dir = deps.starterDir && starterModelDir(starter.name, deps.starterDir);
    // A build may ship one kind's starter and not the other's.
    if (!dir || !existsSync(dir)) throw invalid('This installation has no starter model: start from scratch or from one of your models.');
    return { from: { kind: 'dir', path: dir, name: starter.title }, dir };
  }
  return { from: { kind: 'dir', path: asked.path, name: asked.name ?? path.basename(asked.path) }, dir: asked.path };
}

/** A parent's SetupError as a ValidationError (one sentence); anything else as it is. */
function asInvalid(error: unknown, asked: ParentModelRequest | null): unknown {
  if (!(error instanceof SetupError)) return error;
  return invalid(sentence(asked?.kind === 'starter' ? `the starter model cannot be used (${error.message})` : error.message));
}
