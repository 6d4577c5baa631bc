import { describe, expect, it } from 'vitest';
import { CHANNELS } from '../../../electron/channels.js';
import { registerIpc, sameDocument, trustedFrameCheck } from '../../../electron/ipc.js';
import { bridgeTransport, createApiClient, createRequestHandler, type ApiHandlers } from '../../../src/contract/index.js';
import { FakeIpcMain, type FakeFrame } from './fakeIpc.js';

const RENDERER = 'file:///opt/longhand/dist/renderer/index.html';

function setup() {
  const fake = new FakeIpcMain();
  const main: FakeFrame = { url: RENDERER };
  const cancelled: string[] = [];
  const refused: string[] = [];
  const handlers: Partial<ApiHandlers> = {
    'settings.get': () => ({ models: { editor: null, summarizer: null, dialogue: null }, theme: 'dark', completion: { delayMs: 250, alternatives: 3, maxTokens: 24 }, welcome: { dismissed: false } }),
    'generate.complete': async (_input, ctx) => {
      ctx.emitToken('tok');
      await new Promise<void>((resolve) => ctx.signal.addEventListener('abort', () => (cancelled.push(ctx.requestId), resolve())));
      return { modelId: 1, alternatives: [] };
    },
  };
  const picked: unknown[] = [];
  const unregister = registerIpc({
    ipcMain: fake.ipcMain,
    requestHandler: createRequestHandler(handlers),
    isTrustedSender: trustedFrameCheck(() => main, RENDERER),
    sendEvent: (e) => fake.deliver(e),
    pickPaths: async (options) => (picked.push(options), ['/home/me/a.txt']),
    onRefused: (channel, url) => refused.push(`${channel} ${url}`),
  });
  return { fake, main, cancelled, refused, picked, unregister };
}

describe('IPC wiring', () => {
  it('serves requests from our window main frame through the typed client', async () => {
    const { fake, main } = setup();
    const api = createApiClient(bridgeTransport(fake.bridgeFor(main)));
    await expect(api.settings.get()).resolves.toMatchObject({ theme: 'dark' });
  });

  it('refuses a foreign frame: another frame object, a navigated main frame, or none', async () => {
    const { fake, refused } = setup();
    const iframe: FakeFrame = { url: RENDERER }; // same URL, but not our main frame
    for (const frame of [iframe, null]) {
      await expect(fake.invoke(CHANNELS.request, frame, 'settings.get', {}, 'r1')).resolves.toEqual({
        error: { name: 'Unavailable', message: 'This page may not use Longhand.' },
      });
    }
    const { fake: fake2, main } = setup();
    main.url = 'https://evil.example/index.html';
    await expect(fake2.invoke(CHANNELS.request, main, 'settings.get', {}, 'r1')).resolves.toMatchObject({ error: { name: 'Unavailable' } });
    await expect(fake.invoke(CHANNELS.pickPaths, iframe, { kind: 'files' })).resolves.toEqual([]);
    expect(refused).toEqual([`${CHANNELS.request} ${RENDERER}`, `${CHANNELS.request} null`, `${CHANNELS.pickPaths} ${RENDERER}`]);
  });

  it('recognises our main frame by process and routing id, and nothing else by them', async () => {
    const fake = new FakeIpcMain();
    const main = { url: RENDERER, processId: 4, routingId: 1 };
    registerIpc({
      ipcMain: fake.ipcMain,
      requestHandler: createRequestHandler({ 'system.report': () => ({ backend: { chosen: null, candidates: [] }, dataDir: '/d', versions: {}, mode: 'electron' }) }),
      isTrustedSender: trustedFrameCheck(() => main, RENDERER),
      sendEvent: () => undefined,
      pickPaths: async () => [],
    });
    await expect(fake.invoke(CHANNELS.request, { url: RENDERER, processId: 4, routingId: 1 }, 'system.report', {}, 'a')).resolves.toHaveProperty('output');
    await expect(fake.invoke(CHANNELS.request, { url: RENDERER, processId: 4, routingId: 2 }, 'system.report', {}, 'b')).resolves.toHaveProperty('error');
    await expect(fake.invoke(CHANNELS.request, { url: RENDERER }, 'system.report', {}, 'c')).resolves.toHaveProperty('error');
  });

  it('validates the request id and method before anything runs', async () => {
    const { fake, main } = setup();
    await expect(fake.invoke(CHANNELS.request, main, 'settings.get', {}, '../../x')).resolves.toMatchObject({ error: { name: 'ValidationError' } });
    await expect(fake.invoke(CHANNELS.request, main, { not: 'a string' }, {}, 'r2')).resolves.toMatchObject({ error: { name: 'ValidationError' } });
    await expect(fake.invoke(CHANNELS.request, main, 'nope.nothing', {}, 'r3')).resolves.toMatchObject({ error: { name: 'NotFound' } });
  });

  it('streams tokens to the window and cancels only on a cancel from our frame', async () => {
    const { fake, main, cancelled } = setup();
    const api = createApiClient(bridgeTransport(fake.bridgeFor(main)));
    const tokens: string[] = [];
    const controller = new AbortController();
    const call = api.generate.complete({ text: 'x' }, { signal: controller.signal, requestId: 'gen-1', onToken: (t) => tokens.push(t) });
    await new Promise((r) => setTimeout(r, 10));
    fake.send(CHANNELS.cancel, { url: RENDERER }, 'gen-1'); // a foreign frame: ignored
    await new Promise((r) => setTimeout(r, 10));
    expect(cancelled).toEqual([]);
    controller.abort();
    await expect(call).rejects.toMatchObject({ name: 'Cancelled' });
    await new Promise((r) => setTimeout(r, 10));
    expect(cancelled).toEqual(['gen-1']);
    expect(tokens).toEqual(['tok']);
  });

  it('validates file dialog options', async () => {
    const { fake, main, picked } = setup();
    const bridge = fake.bridgeFor(main);
    await expect(bridge.pickPaths!({ kind: 'files', multiple: true, filters: [{ name: 'Text', extensions: ['txt'] }] })).resolves.toEqual(['/home/me/a.txt']);
    await expect(bridge.pickPaths!({ kind: 'everything' } as never)).rejects.toThrow(/pickPaths/);
    await expect(bridge.pickPaths!({ kind: 'files', filters: [{ name: 'x', extensions: ['../../etc'] }] })).rejects.toThrow();
    expect(picked).toHaveLength(1);
  });

  it('unregisters its handlers', () => {
    const { fake, unregister } = setup();
    unregister();
    expect(fake.handlers.size).toBe(0);
    expect(fake.listeners.get(CHANNELS.cancel)?.size ?? 0).toBe(0);
  });
});

describe('sameDocument', () => {
  it.each([
    [RENDERER, true],
    [`${RENDERER}#/library`, true],
    [`${RENDERER}?x=1`, true],
    ['file:///opt/longhand/dist/renderer/other.html', false],
    ['file:///etc/passwd', false],
    ['https://example.com/index.html', false],
    ['not a url', false],
  ])('%s → %s', (url, want) => {
    expect(sameDocument(url, RENDERER)).toBe(want);
  });
});
