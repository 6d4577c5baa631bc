/**
 * The worker as an Electron utilityProcess: a separate process, so a native crash or running out of memory in
 * TensorFlow.js takes down the worker only — never the main process holding the database and the window — and
 * the service restarts it. Messages sent before the process is up are queued until it is.
 */
import type { UtilityProcess } from 'electron';
import type { SpawnWorker, WorkerChannel } from '../src/worker/channel.js';
import type { HostMessage } from '../src/worker/protocol.js';

type Fork = (modulePath: string, args?: string[], options?: { serviceName?: string; stdio?: 'inherit' | 'pipe' | 'ignore'; env?: NodeJS.ProcessEnv }) => UtilityProcess;

export function utilityWorkerSpawner(entry: string, fork: Fork, env?: NodeJS.ProcessEnv): SpawnWorker {
  return (): WorkerChannel => {
    const child = fork(entry, [], { serviceName: 'Longhand worker', stdio: 'inherit', ...(env ? { env } : {}) });
    let spawned = false;
    let queue: HostMessage[] = [];
    let lastError: string | null = null;
    child.once('spawn', () => {
      spawned = true;
      for (const message of queue) child.postMessage(message);
      queue = [];
    });
    child.on('error', (type, location) => (lastError = `${type} at ${location}`));
    return {
      post: (message) => (spawned ? child.postMessage(message) : void queue.push(message)),
      onMessage: (handler) => void child.on('message', handler),
      onExit: (handler) => void child.once('exit', (code) => handler({ code, reason: lastError ?? `exit code ${code}` })),
      terminate: async () => {
        child.kill();
      },
    };
  };
}
