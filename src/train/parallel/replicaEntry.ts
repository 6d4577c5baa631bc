/**
 * A replica thread (worker_threads): its own TensorFlow.js backend (the coordinator's), its own copy of the model
 * and optimiser, and one loop: for each step message, compute its rows' gradients, meet the others at the
 * barriers in shared memory, apply the common update. Steps block this thread, which does nothing else.
 */
import { parentPort } from 'node:worker_threads';
import { initCompute } from '../../compute/backend.js';
import { setPausePoint } from '../../compute/pausePoint.js';
import { tf } from '../../compute/tf.js';
import { createLmReplica } from './lmReplica.js';
import type { AnyWork, FromReplica, ReplicaInit, ToReplica } from './protocol.js';
import { type ReplicaTrainer, replicaStepSync } from './replica.js';
import { createSeq2seqReplica } from './seq2seqReplica.js';
import { ReplicaAbortedError, SharedGradients } from './sharedGradients.js';

if (!parentPort) throw new Error('a training replica runs as a worker thread');
const port = parentPort;
const post = (message: FromReplica) => port.postMessage(message);

let replica = -1;
let shared: SharedGradients | null = null;
let trainer: ReplicaTrainer<AnyWork> | null = null;

/** The kind's replica (its work messages are that kind's, so the cast is by construction). */
function createReplica(init: ReplicaInit): ReplicaTrainer<AnyWork> {
  return (init.kind === 'lm' ? createLmReplica(init) : createSeq2seqReplica(init)) as ReplicaTrainer<AnyWork>;
}

port.on('message', (message: ToReplica) => {
  void handle(message).catch((error: unknown) => {
    shared?.abort();
    // The coordinator reports the first failure; a replica woken by the abort has nothing to add.
    if (!(error instanceof ReplicaAbortedError)) post({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  });
});

async function handle(message: ToReplica): Promise<void> {
  switch (message.type) {
    case 'init': {
      await initCompute({ env: { ...process.env, LONGHAND_BACKEND: message.backend } });
      await tf.ready();
      replica = message.replica;
      const attached = new SharedGradients(message.shared);
      shared = attached;
      trainer = createReplica(message.model);
      // Every time step of this thread's passes waits while the coordinator's thread generates (../generationFirst.ts).
      setPausePoint(() => attached.waitWhileHeld());
      post({ type: 'ready' });
      return;
    }
    case 'step':
      if (!shared || !trainer) throw new Error('a replica got a step before its model');
      replicaStepSync(shared, replica, trainer, { work: message.work, weight: message.weight }, message.lr);
      return;
    case 'stop':
      trainer?.dispose();
      trainer = null;
      port.close();
      return;
  }
}
