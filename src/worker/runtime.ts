/**
 * The worker's side of the protocol, independent of how it was started (worker thread or Electron utility
 * process): validates each message from the host, runs at most one training session, answers calls
 * (generation through a small LRU of loaded models, checkpoint inspection) and cancels them on request.
 */
import { ApiError, toErrorShape } from '../contract/errors.js';
import { zodMessage } from '../contract/errors.js';
import { detectBackend } from './backendInfo.js';
import type { CheckpointRef, JobRegistry, LoadedModel } from './jobs.js';
import { ModelCache } from './modelCache.js';
import { type BackendInfo, CallInputs, type CallMethod, HostMessage, type WorkerMessage } from './protocol.js';
import { loadJobs } from './registry.js';
import { startTrainingSession, type TrainingSession } from './trainingSession.js';

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

const cacheKey = (ref: CheckpointRef) => `${ref.dir}\n${ref.sha256}`;

export function runWorker(channel: ParentChannel, options: WorkerRuntimeOptions): void {
  const post = (message: WorkerMessage) => channel.post(message);
  const calls = new Map<string, AbortController>();
  let started: Promise<{ jobs: JobRegistry; cache: ModelCache<LoadedModel> }> | null = null;
  let session: TrainingSession | null = null;

  function init(message: Extract<HostMessage, { type: 'init' }>) {
    if (started) return;
    const env = message.env ? { ...process.env, ...message.env } : process.env;
    started = (async () => {
      const [jobs, backend] = await Promise.all([
        (options.loadJobs ?? loadJobs)(message.jobsModule),
        (options.detectBackend ?? detectBackend)(env),
      ]);
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

  async function train(message: Extract<HostMessage, { type: 'train' }>) {
    const { jobs } = await ready();
    const { runId } = message.spec;
    if (session) {
      post({ type: 'trainDone', runId, outcome: 'failed', error: `Run ${session.runId} is still training in the worker.` });
      return;
    }
    const current = startTrainingSession(message.spec, jobs, post);
    session = current;
    void current.done.finally(() => {
      if (session === current) session = null;
    });
  }

  async function call(id: string, method: CallMethod, input: unknown) {
    const controller = new AbortController();
    calls.set(id, controller);
    try {
      const { jobs, cache } = await ready();
      const output = await dispatch(jobs, cache, method, input, controller.signal, (text) => {
        if (!controller.signal.aborted) post({ type: 'token', id, text });
      });
      if (controller.signal.aborted) throw new ApiError('Cancelled', 'Cancelled.');
      post({ type: 'result', id, output });
    } catch (error) {
      const shape = controller.signal.aborted ? { name: 'Cancelled' as const, message: 'Cancelled.' } : toErrorShape(error);
      post({ type: 'result', id, error: shape });
    } finally {
      calls.delete(id);
    }
  }

  function ready() {
    if (!started) return Promise.reject(new ApiError('Internal', 'The worker was not initialised.'));
    return started;
  }

  async function shutdown() {
    session?.stop();
    for (const controller of calls.values()) controller.abort();
    await Promise.race([session?.done, new Promise((resolve) => setTimeout(resolve, 2000))]);
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
      case 'train':
        return void train(message).catch((error: unknown) =>
          post({ type: 'trainDone', runId: message.spec.runId, outcome: 'failed', error: toErrorShape(error).message }),
        );
      case 'pause':
        if (session?.runId === message.runId) session.pause();
        return;
      case 'resume':
        if (session?.runId === message.runId) session.resume();
        return;
      case 'stop':
        if (session?.runId === message.runId) session.stop();
        return;
      case 'call':
        return void call(message.id, message.method, message.input);
      case 'cancel':
        calls.get(message.id)?.abort();
        return;
      case 'shutdown':
        return void shutdown();
    }
  });
}

async function dispatch(
  jobs: JobRegistry,
  cache: ModelCache<LoadedModel>,
  method: CallMethod,
  raw: unknown,
  signal: AbortSignal,
  onToken: (text: string) => void,
): Promise<unknown> {
  const parse = <M extends CallMethod>(m: M) => {
    const result = CallInputs[m].safeParse(raw);
    if (!result.success) throw new ApiError('ValidationError', zodMessage(result.error, m));
    return result.data as ReturnType<(typeof CallInputs)[M]['parse']>;
  };
  const context = { signal, onToken };
  switch (method) {
    case 'inspect':
      return jobs.inspectCheckpoint(parse('inspect').dir, signal);
    case 'complete': {
      const { checkpoint, request } = parse('complete');
      return cache.use(cacheKey(checkpoint), () => jobs.loadModel(checkpoint, signal), (m) => jobs.complete(m, request, context));
    }
    case 'summarize': {
      const { checkpoint, request } = parse('summarize');
      return cache.use(cacheKey(checkpoint), () => jobs.loadModel(checkpoint, signal), (m) => jobs.summarize(m, request, context));
    }
    case 'reply': {
      const { checkpoint, request } = parse('reply');
      return cache.use(cacheKey(checkpoint), () => jobs.loadModel(checkpoint, signal), (m) => jobs.reply(m, request, context));
    }
  }
}
