/**
 * Starting the worker as a worker_threads Worker. The entry is ./entry.js in a bundle and ./entry.ts in
 * development and tests, where a tiny data: URL module registers tsx's loader and then imports the entry: on
 * Node 20 a worker's `execArgv: ['--import', 'tsx']` does not apply tsx's hooks to the worker's own entry module
 * (it fails with ERR_UNKNOWN_FILE_EXTENSION), while `register()` inside the worker does.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SpawnWorker, WorkerChannel } from './channel.js';

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

function resolveTsxApi(): string {
  try {
    return import.meta.resolve('tsx/esm/api');
  } catch {
    return pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href;
  }
}

/** The module a Worker is started with: the entry itself, or a tsx bootstrap for a TypeScript entry. */
export function workerModule(entry: string | URL): URL {
  const url = typeof entry === 'string' ? (entry.startsWith('file:') ? new URL(entry) : pathToFileURL(entry)) : entry;
  if (!url.pathname.endsWith('.ts')) return url;
  const boot = `import { register } from ${JSON.stringify(resolveTsxApi())};\nregister();\nawait import(${JSON.stringify(url.href)});\n`;
  return new URL(`data:text/javascript,${encodeURIComponent(boot)}`);
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
