/**
 * Browser mode over real sockets: the token (refused, accepted, carried by cookie), the Host and Origin checks,
 * safe static serving with a strict CSP, and the contract over the WebSocket with events, streamed tokens and
 * cancellation.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createApiClient, createWebSocketTransport, MAX_IMPORT_BYTES, webSocketApiUrl, type WebSocketLike } from '../../../src/contract/index.js';
import { b64, waitForStatus } from '../service/helpers.js';
import { get, openSocket, startServer, type ServerHarness } from './harness.js';

describe('browser-mode server', () => {
  let h: ServerHarness;
  let port: number;
  let token: string;
  beforeAll(async () => {
    h = await startServer();
    port = h.server.port;
    token = h.server.token;
  });
  afterAll(async () => h?.close());

  it('listens on 127.0.0.1 with a long random token in the printed address', () => {
    expect(h.server.url).toBe(`http://127.0.0.1:${port}/?token=${token}`);
    expect(Buffer.from(token, 'base64url').length).toBeGreaterThanOrEqual(16);
  });

  describe('HTTP', () => {
    it('refuses requests without the right token', async () => {
      for (const p of ['/', '/index.html', '/assets/app.js', `/?token=${token.slice(0, -1)}`, `/?token=${token}x`, '/?token=']) {
        const reply = await get(port, p);
        expect(reply.status, p).toBe(401);
        expect(reply.body).not.toContain(token);
      }
      expect((await get(port, '/', { Cookie: `longhand_token_${port}=wrong` })).status).toBe(401);
    });

    it('serves the page with the token, sets an HttpOnly cookie for its assets, and a strict CSP', async () => {
      const page = await get(port, `/?token=${token}`);
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(page.body).toContain('<title>Longhand</title>');
      const csp = page.headers['content-security-policy'];
      expect(csp).toContain("script-src 'self'");
      expect(csp).toContain(`connect-src 'self' ws://127.0.0.1:${port}`);
      expect(csp).toContain("object-src 'none'");
      expect(page.headers['x-content-type-options']).toBe('nosniff');
      const cookie = String(page.headers['set-cookie']);
      expect(cookie).toMatch(/HttpOnly/);
      expect(cookie).toMatch(/SameSite=Strict/);
      const pair = cookie.split(';')[0]!;
      const js = await get(port, '/assets/app.js', { Cookie: pair });
      expect(js.status).toBe(200);
      expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
      expect((await get(port, '/assets/app.css', { Cookie: pair })).headers['content-type']).toBe('text/css; charset=utf-8');
      expect((await get(port, '/', { Cookie: pair })).status).toBe(200);
      const head = await get(port, `/?token=${token}`, {}, 'HEAD');
      expect(head.status).toBe(200);
      expect(head.body).toBe('');
    });

    it('refuses a wrong Host (DNS rebinding) and accepts localhost', async () => {
      expect((await get(port, `/?token=${token}`, { Host: `evil.example:${port}` })).status).toBe(403);
      expect((await get(port, `/?token=${token}`, { Host: `127.0.0.1:${port + 1}` })).status).toBe(403);
      expect((await get(port, `/?token=${token}`, { Host: 'evil.example' })).status).toBe(403);
      expect((await get(port, `/?token=${token}`, { Host: `localhost:${port}` })).status).toBe(200);
    });

    it.each([
      '/../secret.txt',
      '/%2e%2e/secret.txt',
      '/assets/..%2f..%2fsecret.txt',
      '/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      '/..%5csecret.txt',
      '/assets/%00',
      '/%',
      '/link.txt',
      '/.env',
      '/assets',
      '//etc/passwd',
      '/nonexistent.js',
    ])('refuses %s', async (p) => {
      const reply = await get(port, `${p}${p.includes('?') ? '&' : '?'}token=${token}`);
      expect([400, 404]).toContain(reply.status);
      expect(reply.body).not.toContain('secret');
      expect(reply.body).not.toContain('SECRET');
    });

    it('answers only GET and HEAD, and says /api is a socket', async () => {
      expect((await get(port, `/?token=${token}`, {}, 'POST')).status).toBe(405);
      expect((await get(port, `/api?token=${token}`)).status).toBe(426);
    });
  });

  describe('WebSocket', () => {
    const url = () => webSocketApiUrl(port, token);

    it('refuses a missing or wrong token, a wrong Host, a foreign Origin and other paths', async () => {
      expect(await openSocket(`ws://127.0.0.1:${port}/api`)).toEqual({ status: 401 });
      expect(await openSocket(`ws://127.0.0.1:${port}/api?token=${token.slice(1)}`)).toEqual({ status: 401 });
      expect(await openSocket(url(), { headers: { Host: `evil.example:${port}` } })).toEqual({ status: 403 });
      expect(await openSocket(url(), { origin: 'http://evil.example' })).toEqual({ status: 403 });
      expect(await openSocket(url(), { origin: `http://127.0.0.1:${port + 1}` })).toEqual({ status: 403 });
      expect(await openSocket(`ws://127.0.0.1:${port}/other?token=${token}`)).toEqual({ status: 404 });
    });

    it('accepts its own page as Origin (127.0.0.1 or localhost) and clients without one', async () => {
      for (const origin of [`http://127.0.0.1:${port}`, `http://localhost:${port}`, undefined]) {
        const opened = await openSocket(url(), origin ? { origin } : {});
        expect(opened).toHaveProperty('ws');
        if ('ws' in opened) opened.ws.close();
      }
    });

    it('carries the contract: requests, events, streamed tokens and cancellation', async () => {
      const transport = createWebSocketTransport({ url: url(), connect: (u) => new WebSocket(u, { origin: `http://127.0.0.1:${port}` }) as unknown as WebSocketLike });
      const api = createApiClient(transport);
      try {
        const statuses: string[] = [];
        api.on('run.status', (p) => statuses.push(p.status));
        const imported = await api.corpora.importFiles({ corpus: 'Web', files: [{ name: 'a.txt', contentBase64: b64('Over the socket.') }] });
        const run = await api.runs.start({ kind: 'lm', corpusId: imported.corpus.id, preset: 'small', config: { budget: { steps: 3 } } });
        await waitForStatus(h.t, run.id, 'finished');
        await new Promise((r) => setTimeout(r, 50));
        expect(statuses).toEqual(['queued', 'running', 'finished']);

        const { checkpoints } = await api.checkpoints.list({ runId: run.id });
        const tokens: string[] = [];
        const done = await api.generate.complete({ modelId: checkpoints[0]!.id, text: 'x', n: 1 }, { onToken: (t) => tokens.push(t) });
        expect(tokens.join('')).toBe(done.alternatives[0]!.text);

        const controller = new AbortController();
        const slow = api.generate.complete({ modelId: checkpoints[0]!.id, text: '[slow]' }, { signal: controller.signal });
        setTimeout(() => controller.abort(), 30);
        await expect(slow).rejects.toMatchObject({ name: 'Cancelled' });

        await expect(api.call('corpora.create', { name: '' })).rejects.toMatchObject({ name: 'ValidationError' });
      } finally {
        api.close();
        transport.dispose();
      }
    });

    it('carries a file at the import limit to the core (the transport is not the smaller limit)', async () => {
      const transport = createWebSocketTransport({ url: url(), connect: (u) => new WebSocket(u, { origin: `http://127.0.0.1:${port}` }) as unknown as WebSocketLike });
      const api = createApiClient(transport);
      try {
        const corpus = await api.corpora.create({ name: 'At the limit' });
        // All NUL bytes: the core's own format check answers, so the file crossed the socket and the contract.
        // (A byte more is refused in the import limit's words: test/renderer/library.test.ts, test/unit/cli.)
        const atLimit = Buffer.alloc(MAX_IMPORT_BYTES).toString('base64');
        const result = await api.corpora.importFiles({ corpus: corpus.id, files: [{ name: 'big.txt', contentBase64: atLimit }] });
        expect(result.files).toEqual([{ name: 'big.txt', status: 'refused', reason: 'looks binary (NUL byte at offset 0)' }]);
      } finally {
        api.close();
        transport.dispose();
      }
    });

    it('answers a malformed message that has an id, ignores one without, and keeps serving', async () => {
      const opened = await openSocket(url());
      if (!('ws' in opened)) throw new Error('not opened');
      const { ws } = opened;
      const replies: unknown[] = [];
      ws.on('message', (data) => replies.push(JSON.parse(String(data))));
      ws.send('not json');
      ws.send(JSON.stringify({ type: 'request', id: 'bad-1', method: 'corpora.list' }));
      ws.send(JSON.stringify({ type: 'request', id: 'ok-1', method: 'corpora.list', input: {} }));
      await new Promise((r) => setTimeout(r, 200));
      ws.close();
      const responses = replies.filter((r) => (r as { type: string }).type === 'response');
      expect(responses).toEqual([
        { type: 'response', id: 'bad-1', error: { name: 'ValidationError', message: expect.stringMatching(/input/) } },
        { type: 'response', id: 'ok-1', output: { corpora: expect.any(Array) } },
      ]);
    });
  });
});
