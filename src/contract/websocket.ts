/**
 * The WebSocket Transport for browser mode (`ws://127.0.0.1:<port>/api?token=<token>`). The socket constructor
 * is passed in, so the same code runs in the browser (global WebSocket) and in Node (`ws`). It connects lazily,
 * queues requests until open, fails requests in flight when the socket closes, and reconnects with backoff while
 * anyone listens to events. The token never appears in an error message.
 */
import { ApiError, toApiError } from './errors.js';
import type { EventHandler, Transport } from './transport.js';
import { encodeMessage, parseServerMessage, unwrapResponse, type ClientMessage } from './wire.js';

/** The part of a WebSocket this transport uses (the browser's and `ws`'s both fit). */
export interface WebSocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(code?: number, reason?: string): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export interface WebSocketTransportOptions {
  url: string;
  connect: (url: string) => WebSocketLike;
  /** Delays between reconnection attempts while events are wanted (the last one repeats). */
  reconnectDelaysMs?: number[];
  /** Told about malformed messages from the service (they are otherwise dropped). */
  onProtocolError?: (message: string) => void;
  /** Told when the connection opens or closes, e.g. to show "reconnecting…". */
  onConnectionChange?: (connected: boolean) => void;
}

export interface WebSocketTransport extends Transport {
  /** Closes the socket for good and fails whatever is in flight. */
  dispose(): void;
}

const OPEN = 1;

/** The URL with its token (and any other secret-looking parameter) masked, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/([?&](?:token|key|secret)=)[^&#]*/gi, '$1***');
}

/** The service's socket address; it listens on 127.0.0.1 only. */
export function webSocketApiUrl(port: string | number, token: string): string {
  return `ws://127.0.0.1:${port}/api?token=${encodeURIComponent(token)}`;
}

interface Pending {
  resolve(output: unknown): void;
  reject(error: ApiError): void;
}

export function createWebSocketTransport(options: WebSocketTransportOptions): WebSocketTransport {
  const delays = options.reconnectDelaysMs ?? [500, 1000, 2000, 5000, 10_000];
  const pending = new Map<string, Pending>();
  const handlers = new Set<EventHandler>();
  const where = redactUrl(options.url);
  let socket: WebSocketLike | null = null;
  let opened: Promise<WebSocketLike> | null = null;
  let attempt = 0;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;
  let disposed = false;

  function failAll(error: ApiError) {
    const all = [...pending.values()];
    pending.clear();
    for (const p of all) p.reject(error);
  }

  function onMessage(data: unknown) {
    let message;
    try {
      message = parseServerMessage(typeof data === 'string' ? data : String(data));
    } catch (e) {
      options.onProtocolError?.(toApiError(e).message);
      return;
    }
    if (message.type === 'event') {
      for (const handler of [...handlers]) handler({ name: message.name, payload: message.payload });
      return;
    }
    const p = pending.get(message.id);
    if (!p) return; // cancelled meanwhile
    pending.delete(message.id);
    try {
      p.resolve(unwrapResponse('error' in message ? { error: message.error } : { output: message.output }));
    } catch (e) {
      p.reject(toApiError(e));
    }
  }

  function scheduleReconnect() {
    if (disposed || handlers.size === 0 || reconnectTimer) return;
    const delay = delays[Math.min(attempt, delays.length - 1)] ?? 1000;
    attempt++;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = null;
      open().catch(() => scheduleReconnect());
    }, delay);
  }

  function open(): Promise<WebSocketLike> {
    if (disposed) return Promise.reject(new ApiError('Unavailable', 'The connection to the Longhand service is closed.'));
    if (opened) return opened;
    opened = new Promise<WebSocketLike>((resolve, reject) => {
      let ws: WebSocketLike;
      try {
        ws = options.connect(options.url);
      } catch {
        opened = null;
        reject(new ApiError('Unavailable', `Cannot connect to the Longhand service at ${where}.`));
        return;
      }
      socket = ws;
      let isOpen = false;
      ws.onopen = () => {
        isOpen = true;
        attempt = 0;
        options.onConnectionChange?.(true);
        resolve(ws);
      };
      ws.onmessage = (event) => onMessage(event.data);
      ws.onerror = () => {}; // a close always follows; handled there
      ws.onclose = () => {
        if (socket === ws) {
          socket = null;
          opened = null;
        }
        if (!isOpen) reject(new ApiError('Unavailable', `Cannot connect to the Longhand service at ${where}.`));
        else options.onConnectionChange?.(false);
        failAll(new ApiError('Unavailable', 'The connection to the Longhand service was lost.'));
        scheduleReconnect();
      };
    });
    return opened;
  }

  function send(message: ClientMessage) {
    if (socket && socket.readyState === OPEN) socket.send(encodeMessage(message));
  }

  return {
    request(method, input, id) {
      return new Promise<unknown>((resolve, reject) => {
        if (pending.has(id)) return reject(new ApiError('Conflict', `Request id ${id} is already in use.`));
        pending.set(id, { resolve, reject });
        open().then(
          (ws) => {
            if (!pending.has(id)) return; // cancelled while connecting
            try {
              ws.send(encodeMessage({ type: 'request', id, method, input }));
            } catch (e) {
              pending.delete(id);
              reject(toApiError(e));
            }
          },
          (error: unknown) => {
            pending.delete(id);
            reject(toApiError(error));
          },
        );
      });
    },
    cancel(id) {
      const p = pending.get(id);
      if (!p) return;
      pending.delete(id);
      send({ type: 'cancel', id });
      p.reject(new ApiError('Cancelled', 'Cancelled.'));
    },
    subscribe(handler) {
      handlers.add(handler);
      open().catch(() => scheduleReconnect());
      return () => void handlers.delete(handler);
    },
    dispose() {
      disposed = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      socket?.close(1000, 'closed by client');
      socket = null;
      failAll(new ApiError('Unavailable', 'The connection to the Longhand service is closed.'));
    },
  };
}
