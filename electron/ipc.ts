/**
 * The contract over Electron IPC, main side. Every message is checked to come from our window's main frame
 * showing our renderer (file:// URL of dist/renderer/index.html): a frame from anywhere else — an iframe, a page
 * the window was somehow navigated to — is refused. Requests go through the service's request handler (which
 * validates inputs and outputs and shapes errors); generated tokens for a request go back to the window as
 * events. Only the Electron types are imported, so this runs in tests with a fake ipcMain.
 */
import type { IpcMain, IpcMainEvent, IpcMainInvokeEvent } from 'electron';
import { z } from 'zod';
import { RequestId, zodMessage, type ApiEvent, type PickPathsOptions, type RequestHandler, type ResponseBody } from '../src/contract/index.js';
import { CHANNELS } from './channels.js';

/** The part of a WebFrameMain the check needs. */
export interface FrameLike {
  readonly url: string;
  readonly processId?: number;
  readonly routingId?: number;
}

/** The same frame: the same object, or (Electron may hand out a fresh WebFrameMain) the same process and routing id. */
function sameFrame(a: FrameLike, b: FrameLike): boolean {
  if (a === b) return true;
  return a.processId !== undefined && a.routingId !== undefined && a.processId === b.processId && a.routingId === b.routingId;
}

type SenderEvent = IpcMainInvokeEvent | IpcMainEvent;

/** The part of ipcMain used here (tests pass a fake). */
export type IpcMainLike = Pick<IpcMain, 'handle' | 'removeHandler' | 'on' | 'removeListener'>;

export interface IpcOptions {
  ipcMain: IpcMainLike;
  requestHandler: RequestHandler;
  isTrustedSender(frame: FrameLike | null | undefined): boolean;
  /** Delivers an event meant only for the window (its generation tokens). */
  sendEvent(event: ApiEvent): void;
  pickPaths(options: PickPathsOptions): Promise<string[]>;
  onRefused?(channel: string, url: string | null): void;
}

export const PickPathsSchema = z.strictObject({
  kind: z.enum(['files', 'folder']),
  title: z.string().max(200).optional(),
  multiple: z.boolean().optional(),
  filters: z
    .array(z.strictObject({ name: z.string().min(1).max(100), extensions: z.array(z.string().regex(/^(\*|[A-Za-z0-9]{1,10})$/)).min(1).max(20) }))
    .max(10)
    .optional(),
});

/** True when `url` is `rendererUrl` itself (a query or fragment may differ; nothing else). */
export function sameDocument(url: string, rendererUrl: string): boolean {
  try {
    const a = new URL(url);
    const b = new URL(rendererUrl);
    return a.protocol === 'file:' && a.protocol === b.protocol && a.host === b.host && a.pathname === b.pathname;
  } catch {
    return false;
  }
}

/** The sender check for one window: its main frame, showing our renderer. */
export function trustedFrameCheck(mainFrame: () => FrameLike | null | undefined, rendererUrl: string) {
  return (frame: FrameLike | null | undefined): boolean => {
    if (!frame) return false;
    const main = mainFrame();
    return main !== null && main !== undefined && sameFrame(frame, main) && sameDocument(frame.url, rendererUrl);
  };
}

const refused: ResponseBody = { error: { name: 'Unavailable', message: 'This page may not use Longhand.' } };

/** Registers the handlers; returns a function that removes them. */
export function registerIpc(options: IpcOptions): () => void {
  const { ipcMain, requestHandler } = options;
  const trusted = (channel: string, event: SenderEvent): boolean => {
    const frame = event.senderFrame as FrameLike | null | undefined;
    if (options.isTrustedSender(frame)) return true;
    options.onRefused?.(channel, frame?.url ?? null);
    return false;
  };

  ipcMain.handle(CHANNELS.request, async (event: SenderEvent, method: unknown, input: unknown, id: unknown): Promise<ResponseBody> => {
    if (!trusted(CHANNELS.request, event)) return refused;
    const requestId = RequestId.safeParse(id);
    if (!requestId.success) return { error: { name: 'ValidationError', message: zodMessage(requestId.error, 'request id') } };
    if (typeof method !== 'string' || method.length > 64) return { error: { name: 'ValidationError', message: 'method: must be a method name' } };
    return requestHandler.handle(method, input, requestId.data, { emit: (e) => options.sendEvent(e) });
  });

  const cancel = (event: SenderEvent, id: unknown) => {
    if (!trusted(CHANNELS.cancel, event)) return;
    if (typeof id === 'string' && RequestId.safeParse(id).success) requestHandler.cancel(id);
  };
  ipcMain.on(CHANNELS.cancel, cancel);

  ipcMain.handle(CHANNELS.pickPaths, async (event: SenderEvent, raw: unknown): Promise<string[]> => {
    if (!trusted(CHANNELS.pickPaths, event)) return [];
    const parsed = PickPathsSchema.safeParse(raw);
    if (!parsed.success) throw new Error(zodMessage(parsed.error, 'pickPaths'));
    return options.pickPaths(parsed.data);
  });

  return () => {
    ipcMain.removeHandler(CHANNELS.request);
    ipcMain.removeHandler(CHANNELS.pickPaths);
    ipcMain.removeListener(CHANNELS.cancel, cancel);
    requestHandler.cancelAll();
  };
}
