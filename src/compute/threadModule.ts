/**
 * The module a worker_threads Worker starts from: the entry itself when it is JavaScript (a bundle), or, for a
 * TypeScript entry (development and tests), a tiny data: URL module that registers tsx's loader and then imports
 * the entry. On Node 20 a worker's `execArgv: ['--import', 'tsx']` does not apply tsx's hooks to the worker's own
 * entry module (it fails with ERR_UNKNOWN_FILE_EXTENSION), while `register()` inside the worker does. Used by the
 * app's worker (src/worker/threads.ts) and by training replicas (src/train/parallel).
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

function resolveTsxApi(): string {
  try {
    return import.meta.resolve('tsx/esm/api');
  } catch {
    return pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href;
  }
}

export function workerModule(entry: string | URL): URL {
  const url = typeof entry === 'string' ? (entry.startsWith('file:') ? new URL(entry) : pathToFileURL(entry)) : entry;
  if (!url.pathname.endsWith('.ts')) return url;
  const boot = `import { register } from ${JSON.stringify(resolveTsxApi())};\nregister();\nawait import(${JSON.stringify(url.href)});\n`;
  return new URL(`data:text/javascript,${encodeURIComponent(boot)}`);
}
