/**
 * Which parallelism training uses here, for `longhand doctor` and the app's system report: our model replicas on
 * wasm and cpu (./coordinator.ts), or, on tfjs-node, TensorFlow's own intra-op thread pool (Longhand starts no
 * replicas there).
 */
import os from 'node:os';
import { MIN_ROWS_PER_REPLICA, defaultThreads } from '../config.js';

export interface ParallelismReport {
  /** Training threads by default (os.availableParallelism, or LONGHAND_THREADS). */
  threads: number;
  /** Cores this process may use. */
  cores: number;
  mode: 'replicas' | 'intra-op' | 'none';
  /** One line for people. */
  text: string;
}

/** `tfBackend`: TensorFlow.js's name for the backend in use (`wasm`, `cpu`, `tensorflow`), null when none works. */
export function parallelismReport(tfBackend: string | null, env: NodeJS.ProcessEnv = process.env): ParallelismReport {
  const threads = defaultThreads(env);
  const cores = os.availableParallelism();
  if (tfBackend === 'tensorflow') {
    return { threads, cores, mode: 'intra-op', text: `tfjs-node's own intra-op threads (TensorFlow's thread pool); no model replicas` };
  }
  if (tfBackend === 'wasm' || tfBackend === 'cpu') {
    const text =
      threads > 1
        ? `${threads} model replicas in worker threads (data parallelism on ${tfBackend}; a batch of fewer than ${threads * MIN_ROWS_PER_REPLICA} rows uses fewer)`
        : `one thread (data parallelism on ${tfBackend} needs more than one)`;
    return { threads, cores, mode: threads > 1 ? 'replicas' : 'none', text };
  }
  return { threads, cores, mode: 'none', text: 'no compute backend works' };
}
