/**
 * An in-process Transport over handlers: the CLI can call the service without a socket, and tests can give the
 * renderer a fake service that still validates every input and output exactly as the real one.
 */
import type { ApiEvent } from './events.js';
import { createRequestHandler, type ApiHandlers, type RequestHandlerOptions } from './server.js';
import type { EventHandler, Transport } from './transport.js';
import { unwrapResponse } from './wire.js';

export interface LocalTransport extends Transport {
  /** Pushes an event to every subscriber, as the service's event bus would. */
  emit(event: ApiEvent): void;
}

export function createLocalTransport(handlers: Partial<ApiHandlers>, options?: RequestHandlerOptions): LocalTransport {
  const handler = createRequestHandler(handlers, options);
  const subscribers = new Set<EventHandler>();
  const emit = (event: ApiEvent) => {
    for (const subscriber of [...subscribers]) subscriber({ name: event.name, payload: event.payload });
  };
  return {
    // Structured cloning keeps the fake honest: nothing is shared by reference across the boundary.
    request: async (method, input, id) => unwrapResponse(await handler.handle(method, structuredClone(input), id, { emit })),
    cancel: (id) => handler.cancel(id),
    subscribe(fn) {
      subscribers.add(fn);
      return () => void subscribers.delete(fn);
    },
    emit,
  };
}
