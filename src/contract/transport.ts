/**
 * What the typed client needs from a connection, and the surface the Electron preload exposes as
 * `window.longhand`. Both are deliberately small: send a request, cancel it, listen to events.
 */
import { toApiError } from './errors.js';
import { unwrapResponse, type ResponseBody } from './wire.js';

export interface TransportEvent {
  name: string;
  payload: unknown;
}

export type EventHandler = (event: TransportEvent) => void;

export interface Transport {
  /**
   * Sends one request and resolves with its (unvalidated) output, or rejects with an error shaped
   * `{ name, message }`. `signal` is informational: the client calls `cancel(id)` itself when it aborts.
   */
  request(method: string, input: unknown, id: string, signal?: AbortSignal): Promise<unknown>;
  /** Asks the service to stop request `id`; a no-op when it already finished. */
  cancel(id: string): void;
  /** Receives every event until the returned function is called. */
  subscribe(handler: EventHandler): () => void;
}

export interface PickPathsOptions {
  kind: 'files' | 'folder';
  title?: string;
  multiple?: boolean;
  /** e.g. `[{ name: 'Text', extensions: ['txt', 'md'] }]` */
  filters?: { name: string; extensions: string[] }[];
}

/**
 * `window.longhand` in Electron (contextBridge). Requests resolve with a response body rather than rejecting,
 * because Electron rewrites rejected errors and would lose their name.
 */
export interface LonghandBridge {
  request(method: string, input: unknown, id: string): Promise<ResponseBody>;
  cancel(id: string): void;
  subscribe(handler: EventHandler): () => void;
  /** Native file/folder dialog; resolves with absolute paths ([] when dismissed). */
  pickPaths?(options: PickPathsOptions): Promise<string[]>;
}

export function bridgeTransport(bridge: LonghandBridge): Transport {
  return {
    async request(method, input, id) {
      let body: unknown;
      try {
        body = await bridge.request(method, input, id);
      } catch (e) {
        throw toApiError(e);
      }
      return unwrapResponse(body);
    },
    cancel: (id) => bridge.cancel(id),
    subscribe: (handler) => bridge.subscribe(handler),
  };
}
