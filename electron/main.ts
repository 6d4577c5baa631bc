/**
 * The Electron main process, kept thin: one instance, a locked-down window over the built renderer, the
 * application service (the same container as browser mode) with its worker in a utilityProcess, the contract
 * wired to ipcMain with the sender frame checked, events forwarded to the window, and the menu.
 *
 * Bundled by scripts/build-electron.mjs into dist/electron/ (main.js, preload.cjs, worker.js) next to
 * dist/renderer/. better-sqlite3 loads the Electron build from dist/native/electron/ (./native.ts).
 */
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BrowserWindow as BrowserWindowType } from 'electron';
import { BrowserWindow, Menu, app, dialog, ipcMain, utilityProcess } from 'electron';
import { createService, type Service } from '../src/service/index.js';
import { resolveDataDir } from '../src/store/index.js';
import { menuActions } from './actions.js';
import { CHANNELS } from './channels.js';
import { registerIpc, trustedFrameCheck } from './ipc.js';
import { menuTemplate } from './menu.js';
import { electronNativeBinding } from './native.js';
import { createMainWindow, lockDownSession } from './window.js';
import { utilityWorkerSpawner } from './workerProcess.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const rendererIndex = path.join(here, '..', 'renderer', 'index.html');
const appRoot = app.getAppPath();
const isDev = !app.isPackaged || process.env.LONGHAND_DEV === '1';
/** Presets and the starter corpus/model: extra resources beside app.asar when packaged, resources/ in a checkout. */
const resourcesDir = app.isPackaged ? process.resourcesPath : path.join(appRoot, 'resources');

let mainWindow: BrowserWindowType | null = null;
let service: Service | null = null;
let quitting = false;

async function openWindow(): Promise<void> {
  mainWindow = await createMainWindow({ preload: path.join(here, 'preload.cjs'), rendererIndex, stateDir: app.getPath('userData'), isDev });
  mainWindow.on('closed', () => (mainWindow = null));
}

async function start(): Promise<void> {
  lockDownSession();
  const dataDir = resolveDataDir();
  const nativeBinding = electronNativeBinding(appRoot);
  const current = createService({
    dataDir,
    mode: 'electron',
    spawnWorker: utilityWorkerSpawner(path.join(here, 'worker.js'), utilityProcess.fork),
    presetsDir: path.join(resourcesDir, 'presets'),
    starterDir: path.join(resourcesDir, 'starter'),
    version: app.getVersion(),
    ...(nativeBinding ? { nativeBinding } : {}),
  });
  try {
    await current.boot();
  } catch (error) {
    const hint = nativeBinding ? '' : '\n\nIf this mentions NODE_MODULE_VERSION, run `npm start` once with network access: it builds SQLite for Electron.';
    dialog.showErrorBox('Longhand cannot start', `${error instanceof Error ? error.message : String(error)}${hint}`);
    app.exit(1);
    return;
  }
  service = current;

  const requestHandler = current.createRequestHandler();
  const send = (name: string, payload: unknown) => {
    if (mainWindow && !mainWindow.isDestroyed()) mainWindow.webContents.send(CHANNELS.event, { name, payload });
  };
  current.events.subscribe((event) => send(event.name, event.payload));
  registerIpc({
    ipcMain,
    requestHandler,
    isTrustedSender: trustedFrameCheck(
      () => (mainWindow && !mainWindow.isDestroyed() ? mainWindow.webContents.mainFrame : null),
      pathToFileURL(rendererIndex).href,
    ),
    sendEvent: (event) => send(event.name, event.payload),
    pickPaths: async (options) => {
      const properties: Electron.OpenDialogOptions['properties'] =
        options.kind === 'folder' ? ['openDirectory', 'createDirectory'] : ['openFile', ...(options.multiple ? (['multiSelections'] as const) : [])];
      const dialogOptions: Electron.OpenDialogOptions = { properties, ...(options.title ? { title: options.title } : {}), ...(options.filters ? { filters: options.filters } : {}) };
      const result = mainWindow ? await dialog.showOpenDialog(mainWindow, dialogOptions) : await dialog.showOpenDialog(dialogOptions);
      return result.canceled ? [] : result.filePaths;
    },
    onRefused: (channel, url) => console.warn(`longhand: refused ${channel} from ${url ?? 'an unknown frame'}`),
  });

  const actions = menuActions({ window: () => mainWindow, requestHandler, dataDir });
  Menu.setApplicationMenu(Menu.buildFromTemplate(menuTemplate(actions, { isDev, isMac: process.platform === 'darwin', appName: app.getName() })));
  await openWindow();
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (!mainWindow && service && BrowserWindow.getAllWindows().length === 0) void openWindow();
  });
  // Interrupt the run in progress (resumable), stop the worker and close the database before leaving.
  app.on('before-quit', (event) => {
    if (quitting || !service) return;
    event.preventDefault();
    quitting = true;
    void service.shutdown().finally(() => app.quit());
  });
  app.whenReady().then(start, (error: unknown) => {
    dialog.showErrorBox('Longhand cannot start', String(error));
    app.exit(1);
  });
}
