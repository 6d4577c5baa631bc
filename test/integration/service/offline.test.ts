/**
 * Longhand works offline: during a whole session — service, worker, browser-mode server, a client over the
 * socket, training, generation, import and export — nothing connects anywhere but this machine. Networking is
 * watched in the main thread and, through the test jobs module, in the worker thread (which appends anything
 * non-local to a log file). The main thread never loads TensorFlow.js either: the worker owns it.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createApiClient, createWebSocketTransport, webSocketApiUrl, type WebSocketLike } from '../../../src/contract/index.js';
import { startWebServer } from '../../../src/server/index.js';
import { b64, startService, tempHome, waitForStatus } from './helpers.js';
import { installNetGuard, isLoopback } from './netGuard.js';

describe('offline', () => {
  let seen: string[] = [];
  let workerLog = '';
  let base = '';
  beforeAll(() => {
    base = tempHome();
    workerLog = path.join(base, 'worker-net.log');
    process.env.LONGHAND_TEST_NET_LOG = workerLog; // inherited by the worker thread, read by the test jobs module
    seen = installNetGuard();
  });
  afterAll(() => {
    delete process.env.LONGHAND_TEST_NET_LOG;
    fs.rmSync(base, { recursive: true, force: true });
  });

  it('the guard notices and refuses a connection to another machine', () => {
    const before = seen.length;
    expect(() => net.connect(80, '203.0.113.7')).toThrow(/refused by the test guard/);
    expect(seen.slice(before)).toEqual(['connect 203.0.113.7']);
    seen.splice(before);
  });

  it('a full session contacts only loopback addresses', async () => {
    const renderer = path.join(base, 'renderer');
    fs.mkdirSync(renderer);
    fs.writeFileSync(path.join(renderer, 'index.html'), '<!doctype html><title>Longhand</title>');
    const exportDir = path.join(base, 'export');
    fs.mkdirSync(exportDir);
    const t = await startService({ home: path.join(base, 'home'), mode: 'browser' });
    const server = await startWebServer({ service: t.service, rendererDir: renderer });
    const transport = createWebSocketTransport({
      url: webSocketApiUrl(server.port, server.token),
      connect: (u) => new WebSocket(u, { origin: `http://127.0.0.1:${server.port}` }) as unknown as WebSocketLike,
    });
    const api = createApiClient(transport);
    try {
      const page = await fetch(server.url);
      expect(page.status).toBe(200);
      const imported = await api.corpora.importFiles({ corpus: 'Offline', files: [{ name: 'a.txt', contentBase64: b64('Nothing leaves this machine.') }] });
      const run = await api.runs.start({ kind: 'lm', corpusId: imported.corpus.id, preset: 'small', config: { budget: { steps: 4 } } });
      await waitForStatus(t, run.id, 'finished');
      const [checkpoint] = (await api.checkpoints.list({ runId: run.id })).checkpoints;
      await api.generate.complete({ modelId: checkpoint!.id, text: 'Nothing' });
      const exported = await api.checkpoints.export({ checkpointId: checkpoint!.id, folder: exportDir });
      await api.checkpoints.import({ path: exported.path });
      await api.presets.list({});
      await api.system.report();
      expect(fs.existsSync(workerLog) ? fs.readFileSync(workerLog, 'utf8') : '').toBe('');
      // The worker's guard is live: a connection attempt from there is refused and logged.
      const probe = await api.generate.complete({ modelId: checkpoint!.id, text: '[probe-net]' });
      expect(probe.alternatives[0]?.text).toBe('refused');
      expect(fs.readFileSync(workerLog, 'utf8')).toBe('connect 203.0.113.7\n');
    } finally {
      api.close();
      transport.dispose();
      await server.close();
      await t.stop();
    }
    expect(seen.length).toBeGreaterThan(0); // the guard saw the local connections
    expect(seen.filter((entry) => !isLoopback(entry.split(' ')[1] ?? ''))).toEqual([]);
    const loaded = Object.keys(createRequire(import.meta.url).cache);
    expect(loaded.filter((file) => file.includes(`${path.sep}@tensorflow${path.sep}`))).toEqual([]);
  });
});
