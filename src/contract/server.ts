/**
 * The service side of the contract: handlers typed against the request table, and one function that validates a
 * request's input, runs its handler with a cancellation signal, validates the output and turns any failure into
 * `{ name, message }`. Transports (IPC, WebSocket, in-process) only move the resulting bodies.
 */
import type { z } from 'zod';
import { apiTable, isApiMethod, type ApiMethod, type ApiParsedInput, type ApiResult } from './api.js';
import { ApiError, toErrorShape, zodMessage } from './errors.js';
import type { ApiEvent } from './events.js';
import type { ResponseBody } from './wire.js';

export interface HandlerContext {
  requestId: string;
  /** Aborted when the caller cancels (or its connection closes). */
  signal: AbortSignal;
  /** Streams a piece of generated text to the caller as a `generation.token` event. */
  emitToken(text: string): void;
}

export type ApiHandler<M extends ApiMethod> = (
  input: ApiParsedInput<M>,
  context: HandlerContext,
) => ApiResult<M> | Promise<ApiResult<M>>;

export type ApiHandlers = { [M in ApiMethod]: ApiHandler<M> };

export interface RequestHandlerOptions {
  /** Validate what handlers return (default true): a bad result becomes Internal instead of reaching a client. */
  validateOutputs?: boolean;
  /** Told about Internal errors (with the original error) so the service can log them. */
  onInternalError?: (error: unknown, method: string) => void;
}

export interface RequestContext {
  /** Delivers events meant only for this caller (its generation tokens). */
  emit?: (event: ApiEvent) => void;
}

export interface RequestHandler {
  handle(method: string, input: unknown, requestId: string, context?: RequestContext): Promise<ResponseBody>;
  /** Aborts a request in flight; unknown ids are ignored (it may just have finished). */
  cancel(requestId: string): void;
  /** Aborts everything in flight, e.g. when a connection closes. */
  cancelAll(): void;
}

export function createRequestHandler(
  handlers: Partial<ApiHandlers>,
  options: RequestHandlerOptions = {},
): RequestHandler {
  const validateOutputs = options.validateOutputs ?? true;
  const inflight = new Map<string, AbortController>();

  async function run(method: string, input: unknown, requestId: string, controller: AbortController, context: RequestContext) {
    if (!isApiMethod(method)) throw new ApiError('NotFound', `Unknown method ${method}.`);
    const handler = handlers[method] as ApiHandler<ApiMethod> | undefined;
    if (!handler) throw new ApiError('Unavailable', `${method} is not available in this version.`);
    const def = apiTable[method] as { input: z.ZodType; output: z.ZodType };
    const parsed = def.input.safeParse(input ?? {});
    if (!parsed.success) throw new ApiError('ValidationError', zodMessage(parsed.error, method));
    const output = await handler(parsed.data as never, {
      requestId,
      signal: controller.signal,
      emitToken: (text) => {
        if (!controller.signal.aborted) context.emit?.({ name: 'generation.token', payload: { requestId, text } });
      },
    });
    if (controller.signal.aborted) throw new ApiError('Cancelled', `${method} was cancelled.`);
    if (!validateOutputs) return output;
    const result = def.output.safeParse(output);
    if (!result.success) {
      const message = zodMessage(result.error, `${method} produced an invalid result:`);
      options.onInternalError?.(result.error, method);
      throw new ApiError('Internal', message);
    }
    return result.data;
  }

  return {
    async handle(method, input, requestId, context = {}) {
      if (inflight.has(requestId)) {
        return { error: { name: 'Conflict', message: `Request id ${requestId} is already in use.` } };
      }
      const controller = new AbortController();
      inflight.set(requestId, controller);
      try {
        return { output: await run(method, input, requestId, controller, context) };
      } catch (e) {
        const error = controller.signal.aborted ? { name: 'Cancelled' as const, message: `${method} was cancelled.` } : toErrorShape(e);
        if (error.name === 'Internal' && !(e instanceof ApiError)) options.onInternalError?.(e, method);
        return { error };
      } finally {
        inflight.delete(requestId);
      }
    },
    cancel(requestId) {
      inflight.get(requestId)?.abort();
    },
    cancelAll() {
      for (const controller of inflight.values()) controller.abort();
    },
  };
}
