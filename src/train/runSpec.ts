/**
 * A stored run as a training job (./jobSpec.ts), for the CLI and the app alike: its stored settings, its data
 * (a corpus's documents read from the store; a file's or a pairs file's path, which the job reads), its
 * checkpoint directory and the checkpoints it may resume from.
 */
import path from 'node:path';
import type { ParentModel } from '../contract/index.js';
import type { RunRow, Store } from '../store/index.js';
import { SetupError } from './errors.js';
import type { TrainingJobSpec } from './jobSpec.js';
import type { ParentLocation } from './parentCheckpoint.js';
import type { RunRecorder } from './recorder.js';

/**
 * SetupError (one line) when the run's data is gone: its corpus deleted or emptied. `threads`: how many the job
 * may use (absent: the default, src/train/config.ts); not a stored setting, so a resume may use another count.
 */
export function jobSpecFor(store: Store, run: RunRow, recorder: RunRecorder, threads?: number): TrainingJobSpec {
  const base = {
    runId: run.id,
    name: run.name,
    checkpointDir: recorder.checkpointDir,
    resumeFrom: recorder.knownCheckpoints(),
    ...(threads !== undefined ? { threads } : {}),
  };
  const config = run.config as Record<string, unknown>;
  const parent = parentOf(store, config.from as ParentModel | undefined);
  if (run.kind === 'lm') {
    const file = config.text as { kind: 'file'; path: string } | undefined;
    return {
      ...base,
      kind: 'lm',
      ...(parent ? { parent } : {}),
      config: config as TrainingJobSpec['config'] & { seq: number },
      text: file ? { kind: 'file', path: file.path } : { kind: 'documents', documents: documentsOf(store, run.corpusId) },
    };
  }
  const pairs = config.pairs as { kind: 'file'; path: string; validPath?: string } | { kind: 'mined'; corpusId: number };
  return {
    ...base,
    kind: 'seq2seq',
    ...(parent ? { parent } : {}),
    config: config as Extract<TrainingJobSpec, { kind: 'seq2seq' }>['config'],
    pairs:
      pairs.kind === 'file'
        ? { kind: 'file', path: pairs.path, ...(pairs.validPath ? { validPath: pairs.validPath } : {}) }
        : { kind: 'mined', label: `corpus ${pairs.corpusId}`, documents: documentsOf(store, pairs.corpusId) },
  };
}

/**
 * Where the parent of a fine-tuning run is (its directory, and the sha256 the store recorded for it). A parent
 * deleted since is said so: a run with checkpoints of its own resumes without it, a fresh one fails in one line.
 */
export function parentOf(store: Store, from: ParentModel | undefined): ParentLocation | undefined {
  if (!from) return undefined;
  if (from.kind === 'dir') return { dir: from.path };
  const row = store.checkpoints.get(from.checkpointId);
  if (!row) return { deleted: true };
  return { dir: path.resolve(path.dirname(store.file), row.path), sha256: row.sha256 };
}

function documentsOf(store: Store, corpusId: number | null): string[] {
  const corpus = corpusId === null ? undefined : store.corpora.get(corpusId);
  if (!corpus) throw new SetupError('its corpus was deleted');
  const documents = store.documents.listWithText(corpus.id).map((d) => d.text);
  if (documents.length === 0) throw new SetupError(`its corpus "${corpus.name}" has no documents`);
  return documents;
}
