/**
 * Longhand in a real browser for end-to-end tests: the service and the browser-mode server run in this process
 * on a temporary data directory (so the network guard sees the service's connections and tests can wait for its
 * events), the worker uses a fast backend for tiny models, and Debian's Chromium drives the built renderer.
 *
 * Everything the page asks for is recorded; a request to anything but this machine is refused and reported,
 * and so is a connection the service or its worker thread tries to make elsewhere.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import {
  createApiClient,
  createLocalTransport,
  type ApiClient,
  type ApiEvent,
  type EventName,
  type EventPayload,
} from '../../src/contract/index.js';
import { startWebServer, type WebServer } from '../../src/server/index.js';
import { createService, type Service } from '../../src/service/index.js';
import { installNetGuard, isLoopback } from '../integration/service/netGuard.js';
import { ensureRendererBuilt, RENDERER_DIR, ROOT } from './renderer.js';

/** wasm trains the tiny test models about 2.5× faster than cpu here (60 steps: 1.5 s against 3.9 s). */
export const BACKEND = process.env.LONGHAND_E2E_BACKEND ?? 'wasm';
export const CHROMIUM = process.env.LONGHAND_E2E_CHROMIUM ?? '/usr/bin/chromium';
export const ARTIFACTS = path.join(ROOT, 'test', 'artifacts', 'e2e');
export const GUARD_JOBS = pathToFileURL(path.join(import.meta.dirname, 'guardJobs.ts')).href;

const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--disable-dev-shm-usage',
];

export interface Traffic {
  /** Every URL the page requested (documents, scripts, styles, sockets). */
  requests: string[];
  /** Requests refused because they were not for this machine. */
  refused: string[];
}

export interface E2eApp {
  url: string;
  home: string;
  service: Service;
  server: WebServer;
  /** The API in-process, for arranging and checking what the page did. */
  api: ApiClient;
  browser: Browser;
  context: BrowserContext;
  page: Page;
  traffic: Traffic;
  /** Uncaught page errors and console errors. */
  pageErrors: string[];
  /** Service log lines at warn or error level. */
  serviceErrors: string[];
  /** Resolves with the first event (already seen or coming) that matches. */
  waitForEvent<E extends EventName>(name: E, match?: (payload: EventPayload<E>) => boolean, timeoutMs?: number): Promise<EventPayload<E>>;
  /** Destinations outside this machine that anyone tried to reach: the page, the service, the worker. */
  offlineViolations(): string[];
  close(): Promise<void>;
}

export interface StartOptions {
  /** The worker's jobs module (default: the built-in jobs behind the network guard). */
  jobsModule?: string;
  viewport?: { width: number; height: number };
}

const loopbackUrl = (url: string): boolean => {
  const { protocol, hostname } = new URL(url);
  if (protocol === 'data:' || protocol === 'blob:' || protocol === 'about:') return true;
  return isLoopback(hostname);
};

export async function startApp(options: StartOptions = {}): Promise<E2eApp> {
  await ensureRendererBuilt();
  const base = fs.mkdtempSync(path.join(os.tmpdir(), 'longhand-e2e-'));
  const home = path.join(base, 'home');
  const workerNetLog = path.join(base, 'worker-net.log');
  // Inherited by the worker thread, where the jobs module installs its own guard.
  process.env.LONGHAND_TEST_NET_LOG = workerNetLog;
  const seen = installNetGuard();
  const serviceErrors: string[] = [];
  const events: ApiEvent[] = [];

  const service = createService({
    dataDir: home,
    mode: 'browser',
    workerEnv: { LONGHAND_BACKEND: BACKEND },
    workerJobsModule: options.jobsModule ?? GUARD_JOBS,
    log: (level, message) => {
      if (level !== 'info') serviceErrors.push(`${level}: ${message}`);
    },
  });
  service.events.subscribe((e) => events.push(e));
  await service.boot();
  await service.worker.ready();
  const server = await startWebServer({ service, rendererDir: RENDERER_DIR, port: 0 });
  const api = createApiClient(createLocalTransport(service.handlers));

  const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  const context = await browser.newContext({
    viewport: options.viewport ?? { width: 1280, height: 820 },
    colorScheme: 'light',
    reducedMotion: 'reduce',
    deviceScaleFactor: 1,
  });
  const traffic: Traffic = { requests: [], refused: [] };
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (loopbackUrl(url)) return route.continue();
    traffic.refused.push(url);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('request', (request) => traffic.requests.push(request.url()));
  page.on('websocket', (socket) => traffic.requests.push(socket.url()));
  page.on('pageerror', (error) => pageErrors.push(`page error: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`);
  });
  await page.goto(server.url);
  await page.getByRole('navigation', { name: 'Panes' }).waitFor();

  function waitForEvent<E extends EventName>(name: E, match: (payload: EventPayload<E>) => boolean = () => true, timeoutMs = 60_000) {
    const found = events.find((e) => e.name === name && match(e.payload as EventPayload<E>));
    if (found) return Promise.resolve(found.payload as EventPayload<E>);
    return new Promise<EventPayload<E>>((resolve, reject) => {
      const timer = setTimeout(() => {
        off();
        reject(new Error(`no ${name} event within ${timeoutMs} ms`));
      }, timeoutMs);
      const off = service.events.subscribe((e) => {
        if (e.name === name && match(e.payload as EventPayload<E>)) {
          clearTimeout(timer);
          off();
          resolve(e.payload as EventPayload<E>);
        }
      });
    });
  }

  return {
    url: server.url,
    home,
    service,
    server,
    api,
    browser,
    context,
    page,
    traffic,
    pageErrors,
    serviceErrors,
    waitForEvent,
    offlineViolations() {
      const workerLog = fs.existsSync(workerNetLog) ? fs.readFileSync(workerNetLog, 'utf8').split('\n').filter(Boolean) : [];
      return [
        ...traffic.requests.filter((url) => !loopbackUrl(url)).map((url) => `page: ${url}`),
        ...traffic.refused.map((url) => `page (refused): ${url}`),
        ...seen.filter((entry) => !isLoopback(entry.split(' ')[1] ?? '')).map((entry) => `service: ${entry}`),
        ...workerLog.map((entry) => `worker: ${entry}`),
      ];
    },
    async close() {
      await browser.close().catch(() => undefined);
      api.close();
      await server.close();
      await service.shutdown();
      delete process.env.LONGHAND_TEST_NET_LOG;
      fs.rmSync(base, { recursive: true, force: true });
    },
  };
}
