/**
 * A stored run as a training job (./jobSpec.ts), for the CLI and the app alike: its stored settings, its data
 * (a corpus's documents read from the store; a file's or a pairs file's path, which the job reads), its
 * checkpoint directory and the checkpoints it may resume from.
 */
import type { RunRow, Store } from '../store/index.js';
import { SetupError } from './errors.js';
import type { TrainingJobSpec } from './jobSpec.js';
import type { RunRecorder } from './recorder.js';

/** SetupError (one line) when the run's data is gone: its corpus deleted or emptied. */
export function jobSpecFor(store: Store, run: RunRow, recorder: RunRecorder): TrainingJobSpec {
  const base = { runId: run.id, name: run.name, checkpointDir: recorder.checkpointDir, resumeFrom: recorder.knownCheckpoints() };
  const config = run.config as Record<string, unknown>;
  if (run.kind === 'lm') {
    const file = config.text as { kind: 'file'; path: string } | undefined;
    return {
      ...base,
      kind: 'lm',
      config: config as TrainingJobSpec['config'] & { seq: number },
      text: file ? { kind: 'file', path: file.path } : { kind: 'documents', documents: documentsOf(store, run.corpusId) },
    };
  }
  const pairs = config.pairs as { kind: 'file'; path: string; validPath?: string } | { kind: 'mined'; corpusId: number };
  return {
    ...base,
    kind: 'seq2seq',
    config: config as Extract<TrainingJobSpec, { kind: 'seq2seq' }>['config'],
    pairs:
      pairs.kind === 'file'
        ? { kind: 'file', path: pairs.path, ...(pairs.validPath ? { validPath: pairs.validPath } : {}) }
        : { kind: 'mined', label: `corpus ${pairs.corpusId}`, documents: documentsOf(store, pairs.corpusId) },
  };
}

function documentsOf(store: Store, corpusId: number | null): string[] {
  const corpus = corpusId === null ? undefined : store.corpora.get(corpusId);
  if (!corpus) throw new SetupError('its corpus was deleted');
  const documents = store.documents.listWithText(corpus.id).map((d) => d.text);
  if (documents.length === 0) throw new SetupError(`its corpus "${corpus.name}" has no documents`);
  return documents;
}
