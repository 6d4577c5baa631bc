/**
 * The envelope of the messages between the service (host) and the worker, validated with zod on receipt on both
 * sides. What a call carries — each method's input, result and events — is declared in ./table.ts. Messages are
 * plain structured-cloneable objects, so the same protocol runs over a worker_threads MessagePort and over an
 * Electron utilityProcess's parentPort.
 *
 *   host → worker  init · call · cancel · control · shutdown
 *   worker → host  ready · event · result · log
 *
 * Every call has an id; it ends with exactly one `result` (an output or an error), after its events.
 */
import { z } from 'zod';
import { ErrorShape } from '../contract/index.js';
import { CONTROLS, WORKER_METHODS } from './table.js';

const CallId = z.string().min(1).max(80);

export const HostMessage = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('init'),
    /** Test only: a module (file URL or absolute path) whose `jobs` replace the built-in ones. */
    jobsModule: z.string().optional(),
    /** Environment for backend selection (LONGHAND_BACKEND…); defaults to the worker's own. */
    env: z.record(z.string(), z.string()).optional(),
    /** How many loaded models generation keeps (LRU). */
    modelCacheSize: z.int().min(1).max(16).optional(),
  }),
  /** `input` is validated by the runtime against the method's schema in ./table.ts. */
  z.strictObject({ type: z.literal('call'), id: CallId, method: z.enum(WORKER_METHODS), input: z.unknown() }),
  z.strictObject({ type: z.literal('cancel'), id: CallId }),
  z.strictObject({ type: z.literal('control'), id: CallId, action: z.enum(CONTROLS) }),
  z.strictObject({ type: z.literal('shutdown') }),
]);

export const BackendInfo = z.strictObject({
  chosen: z.string().nullable(),
  candidates: z.array(z.strictObject({ name: z.string(), ok: z.boolean().nullable(), reason: z.string() })),
  warning: z.string().nullable(),
  /** Why no backend works, when none does. */
  error: z.string().nullable(),
  tfjs: z.string().nullable(),
  /** Training threads and the parallelism that runs them (src/train/parallel/report.ts). */
  training: z.strictObject({ threads: z.int().min(1), cores: z.int().min(1), mode: z.enum(['replicas', 'intra-op', 'none']), text: z.string() }).optional(),
});

export const WorkerMessage = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ready'), backend: BackendInfo }),
  /** `event` is validated by the host against the method's event schema. */
  z.strictObject({ type: z.literal('event'), id: CallId, event: z.unknown() }),
  /** Exactly one of output and error. */
  z.strictObject({ type: z.literal('result'), id: CallId, output: z.unknown().optional(), error: ErrorShape.optional() }),
  z.strictObject({ type: z.literal('log'), level: z.enum(['info', 'warn', 'error']), message: z.string() }),
]);

export type HostMessage = z.infer<typeof HostMessage>;
export type WorkerMessage = z.infer<typeof WorkerMessage>;
export type BackendInfo = z.infer<typeof BackendInfo>;
