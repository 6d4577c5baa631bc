/**
 * Chooses the transport at start-up: the Electron bridge when the preload exposed `window.longhand`, otherwise a
 * WebSocket to the local service with the token from the page address. The token is moved out of the address
 * bar (into this tab's session storage) so it does not linger in history, screenshots or logs.
 */
import {
  ApiError,
  bridgeTransport,
  createWebSocketTransport,
  webSocketApiUrl,
  type LonghandBridge,
  type PickPathsOptions,
  type Transport,
  type WebSocketLike,
} from './api.js';

/** The parts of `window` this needs (a structural type, so tests can pass a plain object). */
export interface Page {
  location: { href: string; port: string };
  history: { state: unknown; replaceState(state: unknown, unused: string, url: string): void };
  sessionStorage: { getItem(key: string): string | null; setItem(key: string, value: string): void };
  longhand?: LonghandBridge;
}

export interface Connection {
  transport: Transport;
  mode: 'electron' | 'browser';
  pickPaths?: (options: PickPathsOptions) => Promise<string[]>;
  /** Why no connection is possible (shown instead of the panes' data). */
  error?: string;
}

const TOKEN_KEY = 'longhand.token';

function takeToken(page: Page): string | null {
  const url = new URL(page.location.href);
  const fromUrl = url.searchParams.get('token');
  if (fromUrl) {
    try {
      page.sessionStorage.setItem(TOKEN_KEY, fromUrl);
      url.searchParams.delete('token');
      page.history.replaceState(page.history.state, '', url.pathname + url.search + url.hash);
    } catch {
      // Storage refused (private mode): keep the token in the address so a reload still works.
    }
    return fromUrl;
  }
  try {
    return page.sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

/** A transport that refuses everything with one clear reason. */
function unavailable(message: string): Transport {
  return {
    request: () => Promise.reject(new ApiError('Unavailable', message)),
    cancel: () => {},
    subscribe: () => () => {},
  };
}

export function connect(page: Page, openSocket: (url: string) => WebSocketLike): Connection {
  const bridge = page.longhand;
  if (bridge) {
    return { transport: bridgeTransport(bridge), mode: 'electron', pickPaths: bridge.pickPaths?.bind(bridge) };
  }
  const token = takeToken(page);
  if (!token) {
    const error = 'Open the address Longhand printed when it started: it carries the access token.';
    return { transport: unavailable(error), mode: 'browser', error };
  }
  const port = new URL(page.location.href).searchParams.get('port') ?? page.location.port;
  return { transport: createWebSocketTransport({ url: webSocketApiUrl(port, token), connect: openSocket }), mode: 'browser' };
}
