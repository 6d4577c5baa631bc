/**
 * A fake service for renderer tests: the real typed client over in-process handlers, so every input the
 * renderer sends and every output a test returns is validated exactly as in production. Records calls.
 */
import {
  createApiClient,
  createLocalTransport,
  type ApiEvent,
  type ApiHandlers,
  type ApiMethod,
  type ApiParsedInput,
} from '../../src/contract/index.js';

export interface Call {
  method: ApiMethod;
  input: unknown;
  signal: AbortSignal;
}

export function fakeApi(handlers: Partial<ApiHandlers>) {
  const calls: Call[] = [];
  const wrapped: Record<string, unknown> = {};
  for (const [method, handler] of Object.entries(handlers) as [ApiMethod, (input: unknown, ctx: { signal: AbortSignal }) => unknown][]) {
    wrapped[method] = (input: unknown, ctx: { signal: AbortSignal }) => {
      calls.push({ method, input, signal: ctx.signal });
      return handler(input, ctx);
    };
  }
  const transport = createLocalTransport(wrapped as Partial<ApiHandlers>, { onInternalError: (e) => console.error(e) });
  const api = createApiClient(transport);
  return {
    api,
    calls,
    /** Inputs of every call to `method`, in order. */
    inputs<M extends ApiMethod>(method: M): ApiParsedInput<M>[] {
      return calls.filter((c) => c.method === method).map((c) => c.input as ApiParsedInput<M>);
    },
    emit(event: ApiEvent) {
      transport.emit(event);
    },
  };
}

/** A promise the test settles by hand. */
export function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets pending promise callbacks run. */
export const settle = () => new Promise((r) => setTimeout(r, 0));
