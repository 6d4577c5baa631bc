/**
 * The worker runtime running in-process behind a fake channel (messages are structured-cloned, as they would be
 * between threads), so the host and the runtime can be tested together without a thread.
 */
import type { SpawnWorker, WorkerChannel, WorkerExit } from '../../../src/worker/channel.js';
import type { JobRegistry } from '../../../src/worker/jobs.js';
import type { BackendInfo } from '../../../src/worker/protocol.js';
import { builtinJobs } from '../../../src/worker/registry.js';
import { runWorker } from '../../../src/worker/runtime.js';

export const BACKEND: BackendInfo = {
  chosen: 'cpu',
  candidates: [
    { name: 'wasm', ok: false, reason: 'broken here' },
    { name: 'cpu', ok: true, reason: 'works' },
  ],
  warning: null,
  error: null,
  tfjs: '4.22.0',
};

export interface FakeWorker extends WorkerChannel {
  /** Everything the worker sent, in order. */
  readonly sent: unknown[];
  /** Ends the worker as a crash would. */
  crash(reason: string): void;
}

export function fakeWorker(jobs: Partial<JobRegistry>): FakeWorker {
  const toWorker: ((data: unknown) => void)[] = [];
  const toHost: ((data: unknown) => void)[] = [];
  const exits: ((exit: WorkerExit) => void)[] = [];
  const sent: unknown[] = [];
  let alive = true;
  const end = (exit: WorkerExit) => {
    if (!alive) return;
    alive = false;
    for (const handler of exits) handler(exit);
  };
  runWorker(
    {
      post: (message) => {
        if (!alive) return;
        const copy = structuredClone(message);
        sent.push(copy);
        queueMicrotask(() => toHost.forEach((h) => h(copy)));
      },
      onMessage: (handler) => void toWorker.push(handler),
    },
    { exit: () => end({ code: 0, reason: 'exit code 0' }), detectBackend: async () => BACKEND, loadJobs: async () => ({ ...builtinJobs, ...jobs }) },
  );
  return {
    sent,
    post: (message) => {
      if (!alive) return;
      const copy = structuredClone(message);
      queueMicrotask(() => toWorker.forEach((h) => h(copy)));
    },
    onMessage: (handler) => void toHost.push(handler),
    onExit: (handler) => void exits.push(handler),
    terminate: async () => {
      toWorker.forEach((h) => h({ type: 'shutdown' }));
      end({ code: 1, reason: 'terminated' });
    },
    crash: (reason) => {
      // The runtime in this process must stop its job too, as a dead thread would.
      toWorker.forEach((h) => h({ type: 'shutdown' }));
      end({ code: 1, reason });
    },
  };
}

export function fakeSpawner(jobs: Partial<JobRegistry>): SpawnWorker & { workers: FakeWorker[] } {
  const workers: FakeWorker[] = [];
  const spawn = () => {
    const worker = fakeWorker(jobs);
    workers.push(worker);
    return worker;
  };
  return Object.assign(spawn, { workers });
}
