/**
 * The WebSocket envelope (browser mode; the Electron bridge carries the same response bodies). Every message is
 * one JSON object validated on receipt:
 *   client → service  {type:'request', id, method, input}   {type:'cancel', id}
 *   service → client  {type:'response', id, output} | {type:'response', id, error:{name,message}}
 *                     {type:'event', name, payload}
 * Inputs and outputs stay `unknown` here; the request table validates them per method.
 */
import { z } from 'zod';
import { ApiError, ErrorShape, zodMessage } from './errors.js';
import { LIMITS, base64Length } from './schemas/primitives.js';

/**
 * Imports carry file contents, so messages can be large: the largest importFiles call (LIMITS.importBytes as
 * base64) plus room for the envelope, names and JSON. The server accepts this much; Electron's IPC carries it
 * too (Chromium moves large messages through shared memory, up to 256 MiB per message).
 */
export const MAX_MESSAGE_BYTES = base64Length(LIMITS.importBytes) + 2 * 1024 * 1024;

export const RequestId = z.string().regex(/^[A-Za-z0-9_.:-]{1,64}$/, 'must be a request id (1–64 of A–Z a–z 0–9 _ . : -)');

export const RequestMessage = z.strictObject({
  type: z.literal('request'),
  id: RequestId,
  method: z.string().min(1).max(64),
  input: z.unknown(),
});
export const CancelMessage = z.strictObject({ type: z.literal('cancel'), id: RequestId });

export const ResponseBody = z.union([
  z.strictObject({ error: ErrorShape }),
  z.strictObject({ output: z.unknown() }),
]);
export const ResponseMessage = z.union([
  z.strictObject({ type: z.literal('response'), id: RequestId, error: ErrorShape }),
  z.strictObject({ type: z.literal('response'), id: RequestId, output: z.unknown() }),
]);
export const EventMessage = z.strictObject({
  type: z.literal('event'),
  name: z.string().min(1).max(64),
  payload: z.unknown(),
});

export const ClientMessage = z.union([RequestMessage, CancelMessage]);
export const ServerMessage = z.union([ResponseMessage, EventMessage]);

export type RequestMessage = z.infer<typeof RequestMessage>;
export type CancelMessage = z.infer<typeof CancelMessage>;
export type ResponseBody = z.infer<typeof ResponseBody>;
export type ResponseMessage = z.infer<typeof ResponseMessage>;
export type EventMessage = z.infer<typeof EventMessage>;
export type ClientMessage = z.infer<typeof ClientMessage>;
export type ServerMessage = z.infer<typeof ServerMessage>;

function parse<T>(schema: z.ZodType<T>, raw: string, what: string): T {
  let data: unknown;
  try {
    data = JSON.parse(raw);
  } catch {
    throw new ApiError('ValidationError', `${what}: not JSON`);
  }
  const result = schema.safeParse(data);
  if (!result.success) throw new ApiError('ValidationError', zodMessage(result.error, what));
  return result.data;
}

/** For the service: a message from a client. Throws ValidationError. */
export const parseClientMessage = (raw: string): ClientMessage => parse(ClientMessage, raw, 'message');
/** For a client: a message from the service. Throws ValidationError. */
export const parseServerMessage = (raw: string): ServerMessage => parse(ServerMessage, raw, 'message');

export const encodeMessage = (message: ClientMessage | ServerMessage): string => JSON.stringify(message);

/** The bridge and the socket both answer with a body; this turns one into the output or throws the error. */
export function unwrapResponse(body: unknown): unknown {
  const parsed = ResponseBody.safeParse(body);
  if (!parsed.success) throw new ApiError('Internal', zodMessage(parsed.error, 'response'));
  if ('error' in parsed.data) throw new ApiError(parsed.data.error.name, parsed.data.error.message);
  return parsed.data.output;
}
