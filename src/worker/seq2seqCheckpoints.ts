/**
 * Resuming a seq2seq run in the worker: a checkpoint of its directory read and verified as a resume point
 * (DirectoryCheckpoints in src/train/directoryCheckpoints.ts keeps, prunes and picks the checkpoints).
 */
import { tf } from '../compute/tf.js';
import { type LoadedSeq2seqCheckpoint, loadSeq2seqCheckpoint } from '../model/seq2seq/checkpoint.js';
import { UnusableCheckpointError } from '../train/checkpoints.js';
import type { OptimizerState } from '../train/optimizer.js';
import { type Seq2seqTrainState, seq2seqResumeState } from '../train/seq2seq/task.js';

/** A verified checkpoint to resume from; its tensors are owned until `dispose()`. */
export interface Seq2seqResumePoint {
  step: number;
  loaded: LoadedSeq2seqCheckpoint;
  optimizer: OptimizerState;
  train: Seq2seqTrainState;
  dispose(): void;
}


/** Reads and verifies a seq2seq checkpoint as a point to resume from (for DirectoryCheckpoints). */
export async function loadSeq2seqResumePoint(dir: string, sha256: string | undefined): Promise<Seq2seqResumePoint> {
  const loaded = await loadSeq2seqCheckpoint(dir, sha256 !== undefined ? { expectedSha256: sha256 } : {});
  const dispose = () => {
    tf.dispose(Object.values(loaded.weights));
    if (loaded.optimizer) tf.dispose(loaded.optimizer.state.map((s) => s.tensor));
  };
  const state = seq2seqResumeState(loaded);
  if (typeof state === 'string') {
    dispose();
    throw new UnusableCheckpointError(`${dir}: ${state}`);
  }
  let disposed = false;
  return {
    step: loaded.meta.step,
    loaded,
    ...state,
    dispose: () => {
      if (disposed) return;
      disposed = true;
      dispose();
    },
  };
}
