/** Messages between the coordinator (./coordinator.ts) and its replica threads (./replicaEntry.ts). */
import type { LmReplicaInit, LmWork } from './lmReplica.js';
import type { SharedGradientsInit } from './sharedGradients.js';

export type ReplicaInit = LmReplicaInit;
export type ReplicaWorkOf = LmWork;

export type ToReplica =
  /** Become replica `replica` on `backend` (the coordinator's, so every replica computes the same numbers). */
  | { type: 'init'; replica: number; backend: string; shared: SharedGradientsInit; model: ReplicaInit }
  | { type: 'step'; work: ReplicaWorkOf; weight: number; lr: number }
  | { type: 'stop' };

export type FromReplica = { type: 'ready' } | { type: 'error'; message: string };
