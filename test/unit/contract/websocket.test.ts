import { afterEach, describe, expect, it, vi } from 'vitest';
import { createApiClient, createWebSocketTransport, redactUrl, webSocketApiUrl, type WebSocketLike } from '../../../src/contract/index.js';

class FakeSocket implements WebSocketLike {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: unknown[] = [];
  onopen: ((e: unknown) => void) | null = null;
  onmessage: ((e: { data: unknown }) => void) | null = null;
  onclose: ((e: unknown) => void) | null = null;
  onerror: ((e: unknown) => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close() {
    this.readyState = 3;
    this.onclose?.({});
  }
  open() {
    this.readyState = 1;
    this.onopen?.({});
  }
  receive(message: unknown) {
    this.onmessage?.({ data: JSON.stringify(message) });
  }
}

const url = webSocketApiUrl(4321, 's3cret');
const flush = () => new Promise((r) => setTimeout(r, 0));
const make = (extra = {}) => createWebSocketTransport({ url, connect: (u) => new FakeSocket(u), ...extra });

afterEach(() => {
  FakeSocket.all = [];
  vi.useRealTimers();
});

describe('WebSocket transport', () => {
  it('connects to 127.0.0.1 with the token, and redacts it', () => {
    expect(url).toBe('ws://127.0.0.1:4321/api?token=s3cret');
    expect(redactUrl(url)).toBe('ws://127.0.0.1:4321/api?token=***');
  });

  it('queues requests until open and matches responses by id', async () => {
    const api = createApiClient(make(), { idPrefix: 't' });
    const a = api.corpora.list();
    const b = api.settings.get();
    const socket = FakeSocket.all[0]!;
    expect(socket.sent).toEqual([]);
    socket.open();
    await flush();
    expect(socket.sent).toEqual([
      { type: 'request', id: 't-1', method: 'corpora.list', input: {} },
      { type: 'request', id: 't-2', method: 'settings.get', input: {} },
    ]);
    socket.receive({ type: 'response', id: 't-2', error: { name: 'Unavailable', message: 'Starting.' } });
    socket.receive({ type: 'response', id: 't-1', output: { corpora: [] } });
    await expect(a).resolves.toEqual({ corpora: [] });
    await expect(b).rejects.toMatchObject({ name: 'Unavailable', message: 'Starting.' });
    expect(FakeSocket.all).toHaveLength(1);
  });

  it('sends cancel when a call is aborted', async () => {
    const api = createApiClient(make(), { idPrefix: 't' });
    const controller = new AbortController();
    const p = api.generate.complete({ text: 'a' }, { signal: controller.signal });
    FakeSocket.all[0]!.open();
    await flush();
    controller.abort();
    await expect(p).rejects.toMatchObject({ name: 'Cancelled' });
    expect(FakeSocket.all[0]!.sent.at(-1)).toEqual({ type: 'cancel', id: 't-1' });
  });

  it('fails calls in flight when the connection drops, without leaking the token', async () => {
    const api = createApiClient(make());
    const p = api.corpora.list();
    FakeSocket.all[0]!.open();
    await flush();
    FakeSocket.all[0]!.close();
    const error = await p.catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'Unavailable' });
    const refused = createApiClient(createWebSocketTransport({ url, connect: () => { throw new Error(url); } }));
    const e2 = (await refused.corpora.list().catch((e: unknown) => e)) as Error;
    expect(e2.message).toContain('token=***');
    expect(e2.message).not.toContain('s3cret');
  });

  it('drops malformed messages and reports them', async () => {
    const problems: string[] = [];
    const api = createApiClient(make({ onProtocolError: (m: string) => problems.push(m) }), { idPrefix: 't' });
    const p = api.corpora.list();
    FakeSocket.all[0]!.open();
    await flush();
    FakeSocket.all[0]!.onmessage?.({ data: 'garbage' });
    FakeSocket.all[0]!.receive({ type: 'response', id: 't-1', output: { corpora: [] } });
    await expect(p).resolves.toEqual({ corpora: [] });
    expect(problems).toHaveLength(1);
  });

  it('delivers events and reconnects while someone listens', async () => {
    vi.useFakeTimers();
    const api = createApiClient(make({ reconnectDelaysMs: [100] }));
    const steps: number[] = [];
    api.on('run.progress', (e) => steps.push(e.step));
    FakeSocket.all[0]!.open();
    FakeSocket.all[0]!.receive({ type: 'event', name: 'run.progress', payload: { runId: 1, step: 1, totalSteps: null, epoch: null, trainLoss: 3, valLoss: null, bestValLoss: null, tokensPerSec: 5, etaSeconds: 9, elapsedSeconds: 1 } });
    FakeSocket.all[0]!.close();
    await vi.advanceTimersByTimeAsync(100);
    expect(FakeSocket.all).toHaveLength(2);
    FakeSocket.all[1]!.open();
    FakeSocket.all[1]!.receive({ type: 'event', name: 'run.progress', payload: { runId: 1, step: 2, totalSteps: null, epoch: null, trainLoss: 3, valLoss: null, bestValLoss: null, tokensPerSec: 5, etaSeconds: 8, elapsedSeconds: 2 } });
    expect(steps).toEqual([1, 2]);
  });
});
