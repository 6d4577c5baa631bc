/**
 * Starting the worker as a worker_threads Worker. The entry is ./entry.js in a bundle and ./entry.ts in
 * development and tests (started through tsx: ../compute/threadModule.ts).
 */
import { Worker } from 'node:worker_threads';
import { workerModule } from '../compute/threadModule.js';
import type { SpawnWorker, WorkerChannel } from './channel.js';

export { workerModule };

export interface ThreadWorkerOptions {
  /** The worker entry (default: ./entry.ts or ./entry.js beside this module). */
  entry?: string | URL;
  /** The worker's environment (default: a copy of this process's). */
  env?: NodeJS.ProcessEnv;
}

function defaultEntry(): URL {
  const ext = import.meta.url.endsWith('.ts') ? 'ts' : 'js';
  return new URL(`./entry.${ext}`, import.meta.url);
}

export function threadWorkerSpawner(options: ThreadWorkerOptions = {}): SpawnWorker {
  const module = workerModule(options.entry ?? defaultEntry());
  return (): WorkerChannel => {
    const worker = new Worker(module, { env: options.env ?? { ...process.env }, execArgv: [] });
    let lastError: Error | null = null;
    worker.on('error', (error) => (lastError = error));
    return {
      post: (message) => worker.postMessage(message),
      onMessage: (handler) => worker.on('message', handler),
      onExit: (handler) =>
        worker.once('exit', (code) =>
          handler({ code, reason: lastError ? lastError.message.split('\n')[0]! : `exit code ${code}` }),
        ),
      terminate: async () => {
        await worker.terminate();
      },
    };
  };
}
