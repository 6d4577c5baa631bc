/**
 * A stand-in for Electron's ipcMain (handle/on) and for what the preload does with ipcRenderer, so the IPC
 * wiring runs in plain Node: `bridgeFor(frame)` is the LonghandBridge a page in that frame would get.
 */
import type { IpcMainLike } from '../../../electron/ipc.js';
import { CHANNELS } from '../../../electron/channels.js';
import type { EventHandler, LonghandBridge, PickPathsOptions, ResponseBody } from '../../../src/contract/index.js';

export interface FakeFrame {
  url: string;
  processId?: number;
  routingId?: number;
}

type Listener = (event: { senderFrame: FakeFrame | null }, ...args: unknown[]) => unknown;

export class FakeIpcMain {
  readonly handlers = new Map<string, Listener>();
  readonly listeners = new Map<string, Set<Listener>>();
  /** What main sent to the window (webContents.send). */
  readonly windowEvents: { name: string; payload: unknown }[] = [];
  readonly #subscribers = new Set<EventHandler>();

  get ipcMain(): IpcMainLike {
    return this as unknown as IpcMainLike;
  }

  handle(channel: string, listener: Listener): void {
    if (this.handlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this.handlers.set(channel, listener);
  }

  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }

  on(channel: string, listener: Listener): this {
    let set = this.listeners.get(channel);
    if (!set) this.listeners.set(channel, (set = new Set()));
    set.add(listener);
    return this;
  }

  removeListener(channel: string, listener: Listener): this {
    this.listeners.get(channel)?.delete(listener);
    return this;
  }

  /** ipcRenderer.invoke from `frame`: arguments are structured-cloned as Electron does. */
  async invoke(channel: string, frame: FakeFrame | null, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (!handler) throw new Error(`No handler registered for '${channel}'`);
    return structuredClone(await handler({ senderFrame: frame }, ...structuredClone(args)));
  }

  /** ipcRenderer.send from `frame`. */
  send(channel: string, frame: FakeFrame | null, ...args: unknown[]): void {
    for (const listener of this.listeners.get(channel) ?? []) listener({ senderFrame: frame }, ...structuredClone(args));
  }

  /** webContents.send(CHANNELS.event, …) from main. */
  deliver(event: { name: string; payload: unknown }): void {
    const copy = structuredClone(event);
    this.windowEvents.push(copy);
    for (const subscriber of [...this.#subscribers]) subscriber(copy);
  }

  /** The bridge the preload would expose to a page in `frame`. */
  bridgeFor(frame: FakeFrame | null): LonghandBridge {
    return {
      request: (method, input, id) => this.invoke(CHANNELS.request, frame, method, input, id) as Promise<ResponseBody>,
      cancel: (id) => this.send(CHANNELS.cancel, frame, id),
      subscribe: (handler) => {
        this.#subscribers.add(handler);
        return () => void this.#subscribers.delete(handler);
      },
      pickPaths: (options: PickPathsOptions) => this.invoke(CHANNELS.pickPaths, frame, options) as Promise<string[]>,
    };
  }
}
