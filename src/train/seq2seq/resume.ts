/** A seq2seq checkpoint read and verified as a point to resume a run from (for ../checkpointDir.ts). */
import { type LoadedSeq2seqCheckpoint, disposeSeq2seqCheckpoint, loadSeq2seqCheckpoint } from '../../model/seq2seq/checkpoint.js';
import type { ResumePoint } from '../checkpointDir.js';
import { UnusableCheckpointError } from '../errors.js';
import type { OptimizerState } from '../optimizer.js';
import { type Seq2seqTrainState, seq2seqResumeState } from './task.js';

/** A verified checkpoint to resume from; its tensors are owned until `dispose()` (idempotent). */
export interface Seq2seqResumePoint extends ResumePoint {
  loaded: LoadedSeq2seqCheckpoint;
  optimizer: OptimizerState;
  train: Seq2seqTrainState;
}

export async function loadSeq2seqResumePoint(dir: string, sha256?: string): Promise<Seq2seqResumePoint> {
  const loaded = await loadSeq2seqCheckpoint(dir, sha256 !== undefined ? { expectedSha256: sha256 } : {});
  let disposed = false;
  const dispose = () => {
    if (disposed) return;
    disposed = true;
    disposeSeq2seqCheckpoint(loaded);
  };
  const state = seq2seqResumeState(loaded);
  if (typeof state === 'string') {
    dispose();
    throw new UnusableCheckpointError(`${dir}: ${state}`);
  }
  return { step: loaded.meta.step, loop: state.train.loop, loaded, ...state, dispose };
}
