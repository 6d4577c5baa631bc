/** What the handler modules share: the open store, the data directory, the event bus and the worker. */
import type { Store } from '../store/index.js';
import type { WorkerHost } from '../worker/host.js';
import type { EventBus } from './events.js';

export interface ServiceContext {
  readonly store: Store;
  readonly dataDir: string;
  readonly events: EventBus;
  readonly worker: WorkerHost;
  log(level: 'info' | 'warn' | 'error', message: string): void;
}
