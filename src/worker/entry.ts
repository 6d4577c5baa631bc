/**
 * The worker's entry point. Runs as a worker_threads Worker (Node: `longhand web`, the CLI, tests) or as an
 * Electron utilityProcess (the desktop app), whichever started it: both deliver structured-cloned messages,
 * through `worker_threads.parentPort` or `process.parentPort` respectively.
 */
import { parentPort } from 'node:worker_threads';
import { runWorker, type ParentChannel } from './runtime.js';

/** Electron's `process.parentPort` in a utility process (typed here: src/ may not import electron). */
interface ElectronParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}

function parentChannel(): ParentChannel {
  const electronPort = (process as unknown as { parentPort?: ElectronParentPort }).parentPort;
  if (electronPort) {
    return {
      post: (message) => electronPort.postMessage(message),
      onMessage: (handler) => electronPort.on('message', (event) => handler(event.data)),
    };
  }
  const port = parentPort;
  if (port) {
    return {
      post: (message) => port.postMessage(message),
      onMessage: (handler) => port.on('message', handler),
    };
  }
  throw new Error('The Longhand worker runs as a worker thread or an Electron utility process, not on its own.');
}

// In a worker thread process.exit ends only the thread; in a utility process it ends that process.
runWorker(parentChannel(), { exit: () => process.exit(0) });
