/** The service's event bus: every transport (IPC, WebSocket, in-process) subscribes and forwards to its clients. */
import type { ApiEvent } from '../contract/index.js';

export type EventListener = (event: ApiEvent) => void;

export class EventBus {
  readonly #listeners = new Set<EventListener>();

  subscribe(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  emit(event: ApiEvent): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch {
        // One broken connection must not keep the others from their events.
      }
    }
  }
}
