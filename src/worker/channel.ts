/**
 * The host's end of a worker, whatever runs it: a worker_threads Worker (./threads.ts) or an Electron
 * utilityProcess (electron/workerProcess.ts). Messages are structured-cloned objects of ./protocol.ts.
 */
import type { HostMessage } from './protocol.js';

export interface WorkerExit {
  /** Exit code, or null when unknown. */
  code: number | null;
  /** Why it ended, one line: the uncaught error's message, or "exit code N". */
  reason: string;
}

export interface WorkerChannel {
  post(message: HostMessage): void;
  /** Every message from the worker, not yet validated. */
  onMessage(handler: (data: unknown) => void): void;
  /** Called once when the worker has ended, for whatever reason. */
  onExit(handler: (exit: WorkerExit) => void): void;
  /** Ends the worker at once. */
  terminate(): Promise<void>;
}

export type SpawnWorker = () => WorkerChannel;
