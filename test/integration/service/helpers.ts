/**
 * A real service on a temporary data directory with the test jobs in its worker (a real worker thread), and
 * small helpers to wait for events and count what is stored.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { ApiEvent, EventName, EventPayload } from '../../../src/contract/index.js';
import { createService, type Service, type ServiceOptions } from '../../../src/service/index.js';

export const TEST_JOBS = pathToFileURL(path.join(import.meta.dirname, 'testJobs.ts')).href;

export interface TestService {
  service: Service;
  home: string;
  logs: string[];
  events: ApiEvent[];
  stop(): Promise<void>;
}

export function tempHome(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'longhand-service-'));
}

export async function startService(options: Partial<ServiceOptions> & { home?: string } = {}): Promise<TestService> {
  const home = options.home ?? tempHome();
  const logs: string[] = [];
  const service = createService({
    dataDir: home,
    mode: 'cli',
    workerJobsModule: TEST_JOBS,
    workerEnv: { LONGHAND_BACKEND: 'cpu' },
    workerRestartDelaysMs: [50],
    starterDir: null,
    log: (level, message) => void logs.push(`${level}: ${message}`),
    ...options,
  });
  const events: ApiEvent[] = [];
  service.events.subscribe((e) => events.push(e));
  await service.boot();
  await service.worker.ready();
  return {
    service,
    home,
    logs,
    events,
    stop: async () => {
      await service.shutdown();
    },
  };
}

/** Resolves with the first event (already seen or coming) that matches. */
export function waitForEvent<E extends EventName>(
  t: TestService,
  name: E,
  match: (payload: EventPayload<E>) => boolean = () => true,
  timeoutMs = 20_000,
): Promise<EventPayload<E>> {
  const found = t.events.find((e) => e.name === name && match(e.payload as EventPayload<E>));
  if (found) return Promise.resolve(found.payload as EventPayload<E>);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${name} event within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = t.service.events.subscribe((e) => {
      if (e.name === name && match(e.payload as EventPayload<E>)) {
        clearTimeout(timer);
        off();
        resolve(e.payload as EventPayload<E>);
      }
    });
  });
}

export const waitForStatus = (t: TestService, runId: number, status: string, timeoutMs?: number) =>
  waitForEvent(t, 'run.status', (p) => p.runId === runId && p.status === status, timeoutMs);

/** Everything a request could change: row counts per table and the files under the data directory. */
export function snapshot(t: TestService): { rows: Record<string, number>; files: string[] } {
  const { store } = t.service;
  const runs = store.runs.list();
  return {
    rows: {
      corpora: store.corpora.list().length,
      documents: store.corpora.list().reduce((n, c) => n + c.documents, 0),
      drafts: store.drafts.list().length,
      runs: runs.length,
      checkpoints: runs.reduce((n, r) => n + store.checkpoints.listByRun(r.id).length, 0),
      metrics: runs.reduce((n, r) => n + store.metrics.list(r.id).length, 0),
      settings: Object.keys(store.settings.all()).length,
    },
    files: listFiles(path.join(t.home, 'models')),
  };
}

function listFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort();
}

export const b64 = (text: string | Buffer): string => Buffer.from(text).toString('base64');
