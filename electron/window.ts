/**
 * The main window and the web-contents rules every page gets: context isolation, sandbox, no Node; navigation,
 * new windows, webviews and permission requests refused; window size and position remembered.
 */
import type { BrowserWindow as BrowserWindowType, Rectangle } from 'electron';
import { BrowserWindow, app, screen, session } from 'electron';
import { loadWindowState, saveWindowState } from './windowState.js';

export const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'";

/**
 * Session-wide rules: no permissions, no network (nothing leaves the machine). The renderer's own meta CSP
 * (renderer/index.html, `script-src 'self'`) is what applies to file:// pages; the header is added to anything
 * of ours that has response headers, never to devtools.
 */
export function lockDownSession(): void {
  const ses = session.defaultSession;
  ses.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  ses.setPermissionCheckHandler(() => false);
  ses.webRequest.onBeforeRequest({ urls: ['http://*/*', 'https://*/*', 'ws://*/*', 'wss://*/*', 'ftp://*/*'] }, (_details, callback) =>
    callback({ cancel: true }),
  );
  ses.webRequest.onHeadersReceived((details, callback) =>
    callback(
      details.url.startsWith('file:')
        ? { responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CSP] } }
        : { responseHeaders: details.responseHeaders },
    ),
  );
  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-redirect', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  });
}

export interface WindowOptions {
  preload: string;
  rendererIndex: string;
  stateDir: string;
  isDev: boolean;
}

export async function createMainWindow(options: WindowOptions): Promise<BrowserWindowType> {
  const displays: Rectangle[] = screen.getAllDisplays().map((d) => d.workArea);
  const state = loadWindowState(options.stateDir, displays);
  const win = new BrowserWindow({
    ...(state.x !== undefined && state.y !== undefined ? { x: state.x, y: state.y } : {}),
    width: state.width,
    height: state.height,
    minWidth: 720,
    minHeight: 480,
    show: false,
    title: 'Longhand',
    webPreferences: {
      preload: options.preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: options.isDev,
      spellcheck: true,
    },
  });
  win.once('ready-to-show', () => {
    if (state.maximized) win.maximize();
    win.show();
  });
  win.on('close', () => {
    try {
      saveWindowState(options.stateDir, { ...win.getNormalBounds(), maximized: win.isMaximized() });
    } catch {
      // Not worth bothering the writer about: the window opens at its default size next time.
    }
  });
  await win.loadFile(options.rendererIndex);
  return win;
}
