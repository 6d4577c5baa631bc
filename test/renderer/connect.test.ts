import { describe, expect, it } from 'vitest';
import type { LonghandBridge, WebSocketLike } from '../../src/contract/index.js';
import { connect, type Page } from './subjects.js';

function page(href: string, extra: Partial<Page> = {}) {
  const storage = new Map<string, string>();
  const replaced: string[] = [];
  const p: Page = {
    location: { href, port: new URL(href).port },
    history: { state: null, replaceState: (_s, _u, url) => void replaced.push(url) },
    sessionStorage: { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => void storage.set(k, v) },
    ...extra,
  };
  return { p, storage, replaced };
}

function sockets() {
  const urls: string[] = [];
  const open = (url: string): WebSocketLike => {
    urls.push(url);
    return { readyState: 0, send() {}, close() {}, onopen: null, onmessage: null, onclose: null, onerror: null };
  };
  return { urls, open };
}

describe('connect', () => {
  it('uses the Electron bridge when the preload exposed one', async () => {
    const bridge: LonghandBridge = {
      request: async () => ({ output: { corpora: [] } }),
      cancel: () => {},
      subscribe: () => () => {},
      pickPaths: async () => ['/x'],
    };
    const { p } = page('file:///app/index.html', { longhand: bridge });
    const s = sockets();
    const c = connect(p, s.open);
    expect(c.mode).toBe('electron');
    expect(await c.transport.request('corpora.list', {}, 'a')).toEqual({ corpora: [] });
    expect(await c.pickPaths?.({ kind: 'folder' })).toEqual(['/x']);
    expect(s.urls).toEqual([]);
  });

  it('connects to 127.0.0.1 with the page token, then takes the token out of the address bar', () => {
    const { p, storage, replaced } = page('http://127.0.0.1:5199/?token=abc123&x=1#top');
    const s = sockets();
    const c = connect(p, s.open);
    c.transport.subscribe(() => {});
    expect(c.mode).toBe('browser');
    expect(s.urls).toEqual(['ws://127.0.0.1:5199/api?token=abc123']);
    expect(replaced).toEqual(['/?x=1#top']);
    expect(storage.get('longhand.token')).toBe('abc123');
  });

  it('finds the token again after a reload', () => {
    const { p, storage } = page('http://127.0.0.1:5199/');
    storage.set('longhand.token', 'abc123');
    const s = sockets();
    connect(p, s.open).transport.subscribe(() => {});
    expect(s.urls).toEqual(['ws://127.0.0.1:5199/api?token=abc123']);
  });

  it('explains what to do without a token, and never opens a socket', async () => {
    const { p } = page('http://127.0.0.1:5199/');
    const s = sockets();
    const c = connect(p, s.open);
    expect(c.error).toMatch(/access token/);
    await expect(c.transport.request('corpora.list', {}, 'a')).rejects.toMatchObject({ name: 'Unavailable' });
    expect(s.urls).toEqual([]);
  });
});
