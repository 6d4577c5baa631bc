/**
 * The worker's side of the protocol, independent of how it was started (worker thread or Electron utility
 * process): validates each message and each call's input against the worker table, runs the call's job —
 * training (one at a time), generation through a small LRU of loaded models, checkpoint inspection — posts its
 * events and exactly one result, and cancels or steers it on request.
 */
import { ApiError, toErrorShape, zodMessage } from '../contract/errors.js';
import { holdTraining } from '../train/generationFirst.js';
import { detectBackend } from './backendInfo.js';
import type { JobRegistry, LoadedModel } from './jobs.js';
import { ModelCache } from './modelCache.js';
import { type BackendInfo, HostMessage, type WorkerMessage } from './protocol.js';
import { loadJobs } from './registry.js';
import { type CheckpointRef, type WorkerMethod, type WorkerParsedInput, workerTable } from './table.js';
import { TrainControl } from './trainControl.js';

/** The worker's end of the channel. */
export interface ParentChannel {
  post(message: WorkerMessage): void;
  onMessage(handler: (data: unknown) => void): void;
}

export interface WorkerRuntimeOptions {
  /** Ends the worker (after a shutdown message). */
  exit(): void;
  /** Replaceable for tests of the runtime itself. */
  detectBackend?: (env: NodeJS.ProcessEnv) => Promise<BackendInfo>;
  loadJobs?: (moduleUrl?: string) => Promise<JobRegistry>;
}

interface Started {
  jobs: JobRegistry;
  cache: ModelCache<LoadedModel>;
}

interface Call {
  controller: AbortController;
  /** Present for a training call. */
  control?: TrainControl;
  done: Promise<void>;
}

const cacheKey = (ref: CheckpointRef) => `${ref.dir}\n${ref.sha256}`;

/** Calls a writer waits on: while one runs, the training job waits (src/train/generationFirst.ts). */
const GENERATION: ReadonlySet<WorkerMethod> = new Set<WorkerMethod>(['prepare', 'complete', 'summarize', 'reply']);

export function runWorker(channel: ParentChannel, options: WorkerRuntimeOptions): void {
  const post = (message: WorkerMessage) => channel.post(message);
  const calls = new Map<string, Call>();
  let training: string | null = null;
  let started: Promise<Started> | null = null;

  function init(message: Extract<HostMessage, { type: 'init' }>) {
    if (started) return;
    const env = message.env ? { ...process.env, ...message.env } : process.env;
    started = (async () => {
      const [jobs, backend] = await Promise.all([(options.loadJobs ?? loadJobs)(message.jobsModule), (options.detectBackend ?? detectBackend)(env)]);
      post({ type: 'ready', backend });
      return { jobs, cache: new ModelCache<LoadedModel>(message.modelCacheSize ?? 3) };
    })();
    // A worker that cannot load its jobs or TensorFlow.js is of no use: crash, and the host reports why.
    started.catch((error: unknown) => {
      setImmediate(() => {
        throw error;
      });
    });
  }

  function call(id: string, method: WorkerMethod, raw: unknown) {
    const controller = new AbortController();
    const control = method === 'train' ? new TrainControl(controller) : undefined;
    const entry: Call = { controller, ...(control ? { control } : {}), done: Promise.resolve() };
    calls.set(id, entry);
    entry.done = (async () => {
      try {
        const parsed = workerTable[method].input.safeParse(raw);
        if (!parsed.success) throw new ApiError('ValidationError', zodMessage(parsed.error, method));
        if (method === 'train') {
          if (training !== null) throw new ApiError('Conflict', 'Another run is still training in the worker.');
          training = id;
        }
        const { jobs, cache } = await ready();
        const emit = (event: unknown) => {
          if (!controller.signal.aborted || method === 'train') post({ type: 'event', id, event });
        };
        const release = GENERATION.has(method) ? holdTraining() : () => undefined;
        let output: unknown;
        try {
          output = await dispatch(jobs, cache, method, parsed.data, controller.signal, control, emit);
        } finally {
          release();
        }
        // A cancelled generation is answered as cancelled, whatever the job made of it; a training job's own
        // result says how it ended (cancelled or interrupted).
        if (controller.signal.aborted && method !== 'train') throw new ApiError('Cancelled', 'Cancelled.');
        post({ type: 'result', id, output });
      } catch (error) {
        const shape = controller.signal.aborted && method !== 'train' ? { name: 'Cancelled' as const, message: 'Cancelled.' } : toErrorShape(error);
        post({ type: 'result', id, error: shape });
      } finally {
        calls.delete(id);
        if (training === id) training = null;
      }
    })();
  }

  function ready(): Promise<Started> {
    if (!started) return Promise.reject(new ApiError('Internal', 'The worker was not initialised.'));
    return started;
  }

  async function shutdown() {
    // A training job is interrupted (it checkpoints and ends resumable); everything else is cancelled.
    for (const c of calls.values()) {
      if (c.control) c.control.apply('interrupt');
      else c.controller.abort();
    }
    await Promise.race([Promise.all([...calls.values()].map((c) => c.done)), new Promise((resolve) => setTimeout(resolve, 2000))]);
    if (started) (await started.catch(() => null))?.cache.clear();
    options.exit();
  }

  channel.onMessage((data) => {
    const parsed = HostMessage.safeParse(data);
    if (!parsed.success) {
      post({ type: 'log', level: 'error', message: zodMessage(parsed.error, 'worker message') });
      return;
    }
    const message = parsed.data;
    switch (message.type) {
      case 'init':
        return init(message);
      case 'call':
        return call(message.id, message.method, message.input);
      case 'cancel':
        calls.get(message.id)?.controller.abort();
        return;
      case 'control':
        calls.get(message.id)?.control?.apply(message.action);
        return;
      case 'shutdown':
        return void shutdown();
    }
  });
}

async function dispatch(
  jobs: JobRegistry,
  cache: ModelCache<LoadedModel>,
  method: WorkerMethod,
  input: unknown,
  signal: AbortSignal,
  control: TrainControl | undefined,
  emit: (event: unknown) => void,
): Promise<unknown> {
  const as = <M extends WorkerMethod>(_m: M) => input as WorkerParsedInput<M>;
  const context = { signal, onToken: (text: string) => emit({ text }) };
  switch (method) {
    case 'train':
      return jobs.train(as('train'), {
        signal,
        get pauseRequested() {
          return control!.pauseRequested;
        },
        waitIfPaused: control!.waitIfPaused,
        onEvent: emit,
      });
    case 'inspect':
      return jobs.inspectCheckpoint(as('inspect').dir, signal);
    case 'prepare': {
      const { checkpoint, request } = as('prepare');
      return cache.use(cacheKey(checkpoint), () => jobs.loadModel(checkpoint, signal), (m) => jobs.prepare(m, request));
    }
    case 'complete': {
      const { checkpoint, request } = as('complete');
      return cache.use(cacheKey(checkpoint), () => jobs.loadModel(checkpoint, signal), (m) => jobs.complete(m, request, context));
    }
    case 'summarize': {
      const { checkpoint, request } = as('summarize');
      return cache.use(cacheKey(checkpoint), () => jobs.loadModel(checkpoint, signal), (m) => jobs.summarize(m, request, context));
    }
    case 'reply': {
      const { checkpoint, request } = as('reply');
      return cache.use(cacheKey(checkpoint), () => jobs.loadModel(checkpoint, signal), (m) => jobs.reply(m, request, context));
    }
  }
}
