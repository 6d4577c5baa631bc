/**
 * The preload script (sandboxed, context-isolated): exposes `window.longhand`, the contract's LonghandBridge —
 * request, cancel, subscribe and the native file dialog — and nothing else. No generic `send(channel, …)`.
 * Bundled to CommonJS (dist/electron/preload.cjs): a sandboxed preload can only require('electron').
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import type { EventHandler, LonghandBridge, PickPathsOptions, ResponseBody, TransportEvent } from '../src/contract/index.js';
import { CHANNELS } from './channels.js';

const bridge: LonghandBridge = {
  request: (method: string, input: unknown, id: string): Promise<ResponseBody> =>
    ipcRenderer.invoke(CHANNELS.request, method, input, id) as Promise<ResponseBody>,
  cancel: (id: string) => ipcRenderer.send(CHANNELS.cancel, id),
  subscribe(handler: EventHandler) {
    const listener = (_event: IpcRendererEvent, message: TransportEvent) => handler({ name: message.name, payload: message.payload });
    ipcRenderer.on(CHANNELS.event, listener);
    return () => void ipcRenderer.removeListener(CHANNELS.event, listener);
  },
  pickPaths: (options: PickPathsOptions) => ipcRenderer.invoke(CHANNELS.pickPaths, options) as Promise<string[]>,
};

contextBridge.exposeInMainWorld('longhand', bridge);
