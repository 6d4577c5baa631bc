/**
 * The messages between the service (host) and the worker, validated with zod on receipt on both sides. They are
 * plain structured-cloneable objects, so the same protocol runs over a worker_threads MessagePort and over an
 * Electron utilityProcess's parentPort.
 *
 *   host → worker  init · train · pause · resume · stop · call · cancel · shutdown
 *   worker → host  ready · progress · metrics · sample · checkpoint · trainDone · result · token · log
 *
 * `call` carries generation and checkpoint inspection (request/response by id, cancellable); training is one job
 * at a time addressed by its run id and reports through events until `trainDone`.
 */
import { z } from 'zod';
import { ErrorShape, LmConfig, Seq2seqConfig, Split } from '../contract/index.js';

const Id = z.int().min(1);
const CallId = z.string().min(1).max(80);

const CheckpointRef = z.strictObject({ dir: z.string().min(1), sha256: z.string(), step: z.int().nonnegative() });
const TrainingDocument = z.strictObject({ title: z.string(), text: z.string() });

const specBase = {
  runId: Id,
  name: z.string(),
  outputDir: z.string().min(1),
  resumeFrom: CheckpointRef.nullable(),
  backend: z.string().nullable(),
};

export const TrainingSpecSchema = z.discriminatedUnion('kind', [
  z.strictObject({ ...specBase, kind: z.literal('lm'), config: LmConfig, documents: z.array(TrainingDocument) }),
  z.strictObject({
    ...specBase,
    kind: z.literal('seq2seq'),
    config: Seq2seqConfig,
    data: z.discriminatedUnion('kind', [
      z.strictObject({ kind: z.literal('file'), path: z.string().min(1) }),
      z.strictObject({ kind: z.literal('mined'), corpusId: Id, documents: z.array(TrainingDocument) }),
    ]),
  }),
]);

export const CALL_METHODS = ['complete', 'summarize', 'reply', 'inspect'] as const;
export type CallMethod = (typeof CALL_METHODS)[number];

const request = {
  complete: z.strictObject({ text: z.string(), n: z.int().min(1), maxTokens: z.int().min(1), temperature: z.number().optional() }),
  summarize: z.strictObject({
    text: z.string(),
    beam: z.int().min(1),
    lengthPenalty: z.number(),
    minLength: z.int().min(0),
    maxLength: z.int().min(1),
  }),
  reply: z.strictObject({
    history: z.array(z.strictObject({ role: z.enum(['user', 'model']), text: z.string() })),
    message: z.string(),
    temperature: z.number(),
    maxTokens: z.int().min(1),
  }),
};

/** The input of each `call` method. */
export const CallInputs = {
  inspect: z.strictObject({ dir: z.string().min(1) }),
  complete: z.strictObject({ checkpoint: CheckpointRef, request: request.complete }),
  summarize: z.strictObject({ checkpoint: CheckpointRef, request: request.summarize }),
  reply: z.strictObject({ checkpoint: CheckpointRef, request: request.reply }),
} satisfies Record<CallMethod, z.ZodType>;
export type CallInput<M extends CallMethod> = z.infer<(typeof CallInputs)[M]>;

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
  z.strictObject({ type: z.literal('train'), spec: TrainingSpecSchema }),
  z.strictObject({ type: z.literal('pause'), runId: Id }),
  z.strictObject({ type: z.literal('resume'), runId: Id }),
  z.strictObject({ type: z.literal('stop'), runId: Id }),
  z.strictObject({ type: z.literal('call'), id: CallId, method: z.enum(CALL_METHODS), input: z.unknown() }),
  z.strictObject({ type: z.literal('cancel'), id: CallId }),
  z.strictObject({ type: z.literal('shutdown') }),
]);

export const BackendInfo = z.strictObject({
  chosen: z.string().nullable(),
  candidates: z.array(z.strictObject({ name: z.string(), ok: z.boolean().nullable(), reason: z.string() })),
  warning: z.string().nullable(),
  /** Why no backend works, when none does. */
  error: z.string().nullable(),
  tfjs: z.string().nullable(),
});

const nullableNumber = z.number().nullable();

export const ProgressPayload = z.strictObject({
  step: z.int().nonnegative(),
  totalSteps: z.int().nonnegative().optional(),
  epoch: z.number().nonnegative().optional(),
  trainLoss: nullableNumber,
  valLoss: nullableNumber.optional(),
  tokensPerSec: z.number().nonnegative(),
  etaSeconds: z.number().nonnegative().nullable(),
  elapsedSeconds: z.number().nonnegative(),
});

export const WorkerMessage = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('ready'), backend: BackendInfo }),
  z.strictObject({ type: z.literal('progress'), runId: Id, progress: ProgressPayload }),
  z.strictObject({
    type: z.literal('metrics'),
    runId: Id,
    points: z.array(z.strictObject({ step: z.int().nonnegative(), split: Split, name: z.string().min(1).max(40), value: nullableNumber })),
  }),
  z.strictObject({ type: z.literal('sample'), runId: Id, step: z.int().nonnegative(), text: z.string() }),
  z.strictObject({
    type: z.literal('checkpoint'),
    runId: Id,
    step: z.int().nonnegative(),
    dir: z.string().min(1),
    sha256: z.string().regex(/^[0-9a-f]{64}$/),
    bytes: z.int().nonnegative(),
    metrics: z.record(z.string(), nullableNumber),
    isBest: z.boolean(),
    prunedSteps: z.array(z.int().nonnegative()).optional(),
  }),
  z.strictObject({
    type: z.literal('trainDone'),
    runId: Id,
    outcome: z.enum(['finished', 'cancelled', 'failed']),
    error: z.string().optional(),
  }),
  /** Exactly one of output and error. */
  z.strictObject({ type: z.literal('result'), id: CallId, output: z.unknown().optional(), error: ErrorShape.optional() }),
  z.strictObject({ type: z.literal('token'), id: CallId, text: z.string() }),
  z.strictObject({ type: z.literal('log'), level: z.enum(['info', 'warn', 'error']), message: z.string() }),
]);

export type HostMessage = z.infer<typeof HostMessage>;
export type WorkerMessage = z.infer<typeof WorkerMessage>;
export type BackendInfo = z.infer<typeof BackendInfo>;
export type ProgressPayload = z.infer<typeof ProgressPayload>;

/** NaN and ±Infinity cross as null (the contract's "diverged"). */
export const finiteOrNull = (value: number | undefined | null): number | null =>
  typeof value === 'number' && Number.isFinite(value) ? value : null;
