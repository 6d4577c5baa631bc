/**
 * Browser mode: an HTTP server on 127.0.0.1 only that serves the built renderer and the API as a WebSocket at
 * `/api?token=…` (the envelope of src/contract/wire.ts). Every request needs this start's token — in the address
 * (the page's first load and the socket) or in the HttpOnly cookie the first load sets (the page's assets, a
 * reload after the renderer removed the token from the address bar). The Host header must name this server and a
 * browser's WebSocket must come from its own page. Each socket gets its own request handler, so closing it cancels
 * what it started; events go to every socket, generated tokens only to the socket that asked.
 */
import { createReadStream } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { MAX_MESSAGE_BYTES, encodeMessage, parseClientMessage, toErrorShape, type ServerMessage } from '../contract/index.js';
import type { Service } from '../service/index.js';
import { hostAllowed, newToken, originAllowed, readCookie, tokenCookieName, tokenMatches } from './security.js';
import { resolveStatic, securityHeaders } from './static.js';

export interface WebServerOptions {
  service: Pick<Service, 'events' | 'createRequestHandler'>;
  /** The built renderer (index.html and assets/). */
  rendererDir: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Default: a new random token. */
  token?: string;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

export interface WebServer {
  /** The address to open, with the token. */
  readonly url: string;
  readonly port: number;
  readonly token: string;
  close(): Promise<void>;
}

export const HOST = '127.0.0.1';

function plain(res: http.ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store', ...headers });
  res.end(`${text}\n`);
}

function refuseUpgrade(socket: Duplex, status: number, reason: string): void {
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${reason.length}\r\n\r\n${reason}`);
  socket.destroy();
}

/** The request id of a message that failed validation, if it has a usable one (so the caller is answered). */
function idOf(raw: string): string | null {
  try {
    const id = (JSON.parse(raw) as { id?: unknown }).id;
    return typeof id === 'string' && /^[A-Za-z0-9_.:-]{1,64}$/.test(id) ? id : null;
  } catch {
    return null;
  }
}

export async function startWebServer(options: WebServerOptions): Promise<WebServer> {
  const token = options.token ?? newToken();
  const log = options.log ?? (() => undefined);
  const server = http.createServer();
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  let port = 0;

  server.on('request', (req, res) => {
    void serve(req, res).catch((error: unknown) => {
      log('error', `serving ${req.url}: ${String(error)}`);
      if (!res.headersSent) plain(res, 500, 'Internal error');
      else res.destroy();
    });
  });

  async function serve(req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
    const headers = securityHeaders(port);
    if (!hostAllowed(req.headers.host, port)) return plain(res, 403, 'Forbidden: unknown Host.', headers);
    if (req.method !== 'GET' && req.method !== 'HEAD') return plain(res, 405, 'Method not allowed.', { ...headers, Allow: 'GET, HEAD' });
    const url = new URL(req.url ?? '/', `http://${HOST}:${port}`);
    const cookieName = tokenCookieName(port);
    const fromQuery = url.searchParams.get('token');
    const authorised = tokenMatches(fromQuery, token) || tokenMatches(readCookie(req.headers.cookie, cookieName), token);
    if (!authorised) {
      return plain(res, 401, 'Longhand: open the address Longhand printed when it started (it carries the access token).', headers);
    }
    if (url.pathname === '/api') return plain(res, 426, 'The API is a WebSocket.', { ...headers, Upgrade: 'websocket' });
    const found = await resolveStatic(options.rendererDir, url.pathname);
    if (found.status !== 200) return plain(res, found.status, found.status === 400 ? 'Bad request.' : 'Not found.', headers);
    const response: Record<string, string | number | string[]> = {
      ...headers,
      'Content-Type': found.type,
      'Content-Length': found.size,
      'Cache-Control': 'no-cache',
    };
    if (tokenMatches(fromQuery, token)) response['Set-Cookie'] = `${cookieName}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    res.writeHead(200, response);
    if (req.method === 'HEAD') return void res.end();
    createReadStream(found.file).on('error', () => res.destroy()).pipe(res);
  }

  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => undefined);
    if (!hostAllowed(req.headers.host, port)) return refuseUpgrade(socket, 403, 'Forbidden');
    const url = new URL(req.url ?? '/', `http://${HOST}:${port}`);
    if (url.pathname !== '/api') return refuseUpgrade(socket, 404, 'Not Found');
    if (!tokenMatches(url.searchParams.get('token'), token)) return refuseUpgrade(socket, 401, 'Unauthorized');
    if (!originAllowed(req.headers.origin, port)) return refuseUpgrade(socket, 403, 'Forbidden');
    wss.handleUpgrade(req, socket, head, (ws) => connect(ws));
  });

  function connect(ws: WebSocket): void {
    const handler = options.service.createRequestHandler();
    const send = (message: ServerMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(encodeMessage(message));
    };
    const unsubscribe = options.service.events.subscribe((event) => send({ type: 'event', name: event.name, payload: event.payload }));
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const raw = String(data);
      let message;
      try {
        message = parseClientMessage(raw);
      } catch (error) {
        const id = idOf(raw);
        if (id) send({ type: 'response', id, error: toErrorShape(error) });
        else log('warn', `ignored a malformed message: ${toErrorShape(error).message}`);
        return;
      }
      if (message.type === 'cancel') return handler.cancel(message.id);
      const { id } = message;
      void handler
        .handle(message.method, message.input, id, { emit: (event) => send({ type: 'event', name: event.name, payload: event.payload }) })
        .then((body) => send({ type: 'response', id, ...body } as ServerMessage));
    });
    ws.on('close', () => {
      unsubscribe();
      handler.cancelAll();
    });
    ws.on('error', () => undefined);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    url: `http://${HOST}:${port}/?token=${encodeURIComponent(token)}`,
    port,
    token,
    async close() {
      for (const client of wss.clients) client.close(1001, 'Longhand is shutting down');
      // A client that does not answer the closing handshake is cut off rather than waited for.
      const grace = setTimeout(() => {
        for (const client of wss.clients) client.terminate();
      }, 500);
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      clearTimeout(grace);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      server.closeIdleConnections();
      const force = setTimeout(() => server.closeAllConnections(), 1000);
      await closed;
      clearTimeout(force);
    },
  };
}
