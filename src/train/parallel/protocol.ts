/** Messages between the coordinator (./coordinator.ts) and its replica threads (./replicaEntry.ts). */
import type { LmReplicaInit, LmWork } from './lmReplica.js';
import type { Seq2seqReplicaInit, Seq2seqWork } from './seq2seqReplica.js';
import type { SharedGradientsInit } from './sharedGradients.js';

/** A model kind's copy of the coordinator's model, optimiser and trainer settings. */
export type ReplicaInit = LmReplicaInit | Seq2seqReplicaInit;
export type AnyWork = LmWork | Seq2seqWork;

export type ToReplica =
  /** Become replica `replica` on `backend` (the coordinator's, so every replica computes the same numbers). */
  | { type: 'init'; replica: number; backend: string; shared: SharedGradientsInit; model: ReplicaInit }
  | { type: 'step'; work: AnyWork; weight: number; lr: number }
  | { type: 'stop' };

export type FromReplica = { type: 'ready' } | { type: 'error'; message: string };
