/**
 * The encoder–decoder as a training kind (../job.ts): its pairs (a file, or mined), its task, its resume points,
 * and the model it fine-tunes (read only when the run starts: a resume has everything in its own checkpoint).
 */
import { type LoadedSeq2seqCheckpoint, disposeSeq2seqCheckpoint, loadSeq2seqCheckpoint } from '../../model/seq2seq/checkpoint.js';
import { PairFileError } from '../../text/pairs/index.js';
import { type Seq2seqSettings, resolveSeq2seqConfig, settingsOrSetupError } from '../config.js';
import { SetupError, oneLine } from '../errors.js';
import type { PreparedTask, TrainingKind } from '../kind.js';
import type { Seq2seqJobSpec } from '../jobSpec.js';
import { loadParentCheckpoint } from '../parentCheckpoint.js';
import { type LoadedPairs, type Seq2seqPairsSource, loadPairs } from './data.js';
import { minedPairs } from './mining.js';
import { type Seq2seqResumePoint, loadSeq2seqResumePoint } from './resume.js';
import { createSeq2seqTask } from './setup.js';
import { parallelSeq2seqTask } from '../parallel/coordinator.js';
import { onReplicas } from '../parallel/parallelize.js';

export const seq2seqKind: TrainingKind<Seq2seqJobSpec, Seq2seqResumePoint> = {
  testAtEnd: false,
  loadResumePoint: loadSeq2seqResumePoint,
  async prepare(spec, point): Promise<PreparedTask> {
    let settings: Seq2seqSettings;
    let data: LoadedPairs;
    let parent: LoadedSeq2seqCheckpoint | null = null;
    try {
      settings = settingsOrSetupError(() => resolveSeq2seqConfig(spec.config));
      data = await loadPairs(pairsSource(spec), settings.validationFraction);
      if (!point && spec.parent) parent = await loadParentCheckpoint(spec.parent, loadSeq2seqCheckpoint);
    } catch (error) {
      point?.dispose();
      if (parent) disposeSeq2seqCheckpoint(parent);
      throw problem(error, spec);
    }
    const { task: inner, droppedPairs } = createSeq2seqTask(settings, data, point, parent);
    const model = inner.model;
    // One thread trains in this thread as it always has; more start replica threads (../parallel).
    const { task, replicas } = await onReplicas(inner, spec, settings.batch, (t, n, options) => parallelSeq2seqTask(t, n, settings, options));
    return {
      task,
      settings,
      replicas,
      vocabSize: model.config.targetVocabSize,
      parameters: model.variables().reduce((n, v) => n + v.size, 0),
      warnings: droppedPairs > 0 ? [`${droppedPairs} pairs have no source tokens and were left out`] : [],
    };
  },
};

function pairsSource(spec: Seq2seqJobSpec): Seq2seqPairsSource {
  const p = spec.pairs;
  if (p.kind === 'file') return { kind: 'file', path: p.path, ...(p.validPath ? { validPath: p.validPath } : {}) };
  return { kind: 'pairs', label: p.label, pairs: minedPairs(p.documents, spec.config.task) };
}

/** A pairs file that is gone, unreadable or malformed is the run's data problem (one line), not a fault. */
function problem(error: unknown, spec: Seq2seqJobSpec): unknown {
  if (error instanceof SetupError || error instanceof PairFileError) return new SetupError(oneLine(error));
  const code = (error as NodeJS.ErrnoException).code;
  if (spec.pairs.kind === 'file' && (code === 'ENOENT' || code === 'EACCES' || code === 'EISDIR')) {
    const why = code === 'ENOENT' ? 'it does not exist' : code === 'EACCES' ? 'permission denied' : 'it is a folder';
    return new SetupError(`cannot read the pairs file ${spec.pairs.path} (${why})`);
  }
  return error;
}
