/** The typed client over the Electron IPC wiring (fake ipcMain, real handlers) against a real service. */
import { registerIpc, trustedFrameCheck } from '../../../electron/ipc.js';
import { bridgeTransport, createApiClient, type ApiClient } from '../../../src/contract/index.js';
import type { Service } from '../../../src/service/index.js';
import { FakeIpcMain, type FakeFrame } from '../../unit/electron/fakeIpc.js';

export const RENDERER_URL = 'file:///opt/longhand/dist/renderer/index.html';

export interface IpcHarness {
  api: ApiClient;
  fake: FakeIpcMain;
  mainFrame: FakeFrame;
  /** A client in another frame (an iframe, a foreign page). */
  foreign: ApiClient;
  close(): void;
}

export function ipcClient(service: Service, pickPaths: () => string[] = () => []): IpcHarness {
  const fake = new FakeIpcMain();
  const mainFrame: FakeFrame = { url: RENDERER_URL };
  const off = service.events.subscribe((e) => fake.deliver({ name: e.name, payload: e.payload }));
  const unregister = registerIpc({
    ipcMain: fake.ipcMain,
    requestHandler: service.createRequestHandler(),
    isTrustedSender: trustedFrameCheck(() => mainFrame, RENDERER_URL),
    sendEvent: (e) => fake.deliver({ name: e.name, payload: e.payload }),
    pickPaths: async () => pickPaths(),
  });
  const api = createApiClient(bridgeTransport(fake.bridgeFor(mainFrame)));
  const foreign = createApiClient(bridgeTransport(fake.bridgeFor({ url: 'https://evil.example/' })));
  return {
    api,
    fake,
    mainFrame,
    foreign,
    close: () => {
      api.close();
      foreign.close();
      unregister();
      off();
    },
  };
}
