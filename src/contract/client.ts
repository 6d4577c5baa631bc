/**
 * The typed client over any Transport: `api.corpora.list()`, `api.generate.complete({...}, { signal })`.
 * Inputs are validated before sending (a bad call fails at once, with the same message the service would give),
 * outputs and events on receipt. Aborting a call rejects it with Cancelled at once and tells the service.
 */
import type { z } from 'zod';
import { API_METHODS, apiTable, isApiMethod, type Api, type ApiInput, type ApiMethod, type ApiOutput, type CallOptions } from './api.js';
import { ApiError, toApiError, zodMessage } from './errors.js';
import { parseEvent, type EventName, type EventPayload } from './events.js';
import type { Transport } from './transport.js';
import { RequestId } from './wire.js';

export interface ApiClientOptions {
  /** Check every output against the table (default true; a mismatch rejects with Internal). */
  validateOutputs?: boolean;
  /** Prefix of generated request ids (default: random per client). */
  idPrefix?: string;
  /** Called when an event listener throws (default: ignored, so one bad listener cannot starve the others). */
  onListenerError?: (error: unknown) => void;
}

export type ApiClient = Api & {
  call<M extends ApiMethod>(method: M, input?: ApiInput<M>, options?: CallOptions): Promise<ApiOutput<M>>;
  /** Cancels a call by its request id (as given in CallOptions.requestId or made by newRequestId). */
  cancel(requestId: string): void;
  on<E extends EventName>(name: E, handler: (payload: EventPayload<E>) => void): () => void;
  newRequestId(): string;
  /** Stops listening to the transport's events. */
  close(): void;
};

type Listener = (payload: unknown) => void;

export function createApiClient(transport: Transport, options: ApiClientOptions = {}): ApiClient {
  const validateOutputs = options.validateOutputs ?? true;
  const prefix = options.idPrefix ?? `c${Math.random().toString(36).slice(2, 10)}`;
  let counter = 0;
  const listeners = new Map<EventName, Set<Listener>>();
  const tokenHandlers = new Map<string, (text: string) => void>();
  const inflight = new Map<string, () => void>();
  let unsubscribe: (() => void) | null = null;

  const safely = (fn: () => void) => {
    try {
      fn();
    } catch (e) {
      options.onListenerError?.(e);
    }
  };

  function ensureSubscribed() {
    unsubscribe ??= transport.subscribe(({ name, payload }) => {
      const event = parseEvent(name, payload);
      if (!event) return;
      if (event.name === 'generation.token') {
        const onToken = tokenHandlers.get(event.payload.requestId);
        if (onToken) safely(() => onToken(event.payload.text));
      }
      for (const listener of listeners.get(event.name) ?? []) safely(() => listener(event.payload));
    });
  }

  const newRequestId = () => `${prefix}-${++counter}`;

  function call<M extends ApiMethod>(method: M, input?: ApiInput<M>, callOptions: CallOptions = {}): Promise<ApiOutput<M>> {
    if (!isApiMethod(method)) return Promise.reject(new ApiError('NotFound', `Unknown method ${String(method)}.`));
    const def = apiTable[method] as { input: z.ZodType; output: z.ZodType };
    const parsed = def.input.safeParse(input ?? {});
    if (!parsed.success) return Promise.reject(new ApiError('ValidationError', zodMessage(parsed.error, method)));
    const id = callOptions.requestId ?? newRequestId();
    if (!RequestId.safeParse(id).success) return Promise.reject(new ApiError('ValidationError', `${method}: invalid request id`));
    const { signal, onToken } = callOptions;
    if (signal?.aborted) return Promise.reject(new ApiError('Cancelled', `${method} was cancelled.`));
    if (onToken) {
      ensureSubscribed();
      tokenHandlers.set(id, onToken);
    }

    return new Promise<ApiOutput<M>>((resolve, reject) => {
      let settled = false;
      const finish = () => {
        settled = true;
        signal?.removeEventListener('abort', abort);
        tokenHandlers.delete(id);
        inflight.delete(id);
      };
      function abort() {
        if (settled) return;
        finish();
        transport.cancel(id);
        reject(new ApiError('Cancelled', `${method} was cancelled.`));
      }
      signal?.addEventListener('abort', abort, { once: true });
      inflight.set(id, abort);

      transport.request(method, parsed.data, id, signal).then(
        (output) => {
          if (settled) return;
          finish();
          if (!validateOutputs) return resolve(output as ApiOutput<M>);
          const result = def.output.safeParse(output);
          if (result.success) resolve(result.data as ApiOutput<M>);
          else reject(new ApiError('Internal', zodMessage(result.error, `${method} returned an unexpected result:`)));
        },
        (error: unknown) => {
          if (settled) return;
          finish();
          reject(toApiError(error));
        },
      );
    });
  }

  const namespaces: Record<string, Record<string, unknown>> = {};
  for (const method of API_METHODS) {
    const dot = method.indexOf('.');
    const ns = (namespaces[method.slice(0, dot)] ??= {});
    ns[method.slice(dot + 1)] = (input?: unknown, callOptions?: CallOptions) => call(method, input as never, callOptions);
  }

  return {
    ...(namespaces as unknown as Api),
    call,
    newRequestId,
    cancel(requestId) {
      const abort = inflight.get(requestId);
      if (abort) abort();
      else transport.cancel(requestId);
    },
    on(name, handler) {
      ensureSubscribed();
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      const listener = handler as Listener;
      set.add(listener);
      return () => void set.delete(listener);
    },
    close() {
      unsubscribe?.();
      unsubscribe = null;
      listeners.clear();
    },
  };
}
