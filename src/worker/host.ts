/**
 * The service's handle on the worker: starts it, waits for it to be ready, sends training commands and calls
 * (cancellable, with streamed tokens), validates everything it sends back, and restarts it when it dies. A
 * death is reported with the run that was training, so the service can mark that run failed; calls in flight
 * fail with Unavailable. After too many deaths in a short time it stops restarting and every call says why.
 */
import { ApiError } from '../contract/errors.js';
import { zodMessage } from '../contract/errors.js';
import type { TrainingSpec } from './jobs.js';
import type { SpawnWorker, WorkerChannel, WorkerExit } from './channel.js';
import { type BackendInfo, type CallInput, type CallMethod, type HostMessage, WorkerMessage } from './protocol.js';

export type TrainingEvent = Extract<WorkerMessage, { type: 'progress' | 'metrics' | 'sample' | 'checkpoint' | 'trainDone' }>;

export interface WorkerHostOptions {
  spawn: SpawnWorker;
  init?: Omit<Extract<HostMessage, { type: 'init' }>, 'type'>;
  onTraining(event: TrainingEvent): void;
  /** The worker died; `runId` was training in it (its trainDone will never come). */
  onCrash(crash: { reason: string; runId: number | null }): void;
  /** A (re)started worker is ready. */
  onReady?(backend: BackendInfo): void;
  onLog?(level: 'info' | 'warn' | 'error', message: string): void;
  /** Delays before restarts (the last repeats). */
  restartDelaysMs?: number[];
  /** More deaths than this within `crashWindowMs` and the host gives up. */
  maxCrashes?: number;
  crashWindowMs?: number;
  /** A worker not ready within this time is treated as dead. */
  readyTimeoutMs?: number;
}

export interface CallOptions {
  signal?: AbortSignal;
  onToken?: (text: string) => void;
}

interface Pending {
  resolve(output: unknown): void;
  reject(error: ApiError): void;
  onToken?: (text: string) => void;
}

interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  promise.catch(() => undefined); // observed by whoever awaits it
  return { promise, resolve, reject };
}

type State = 'idle' | 'starting' | 'ready' | 'restarting' | 'broken' | 'stopped';

export class WorkerHost {
  readonly #options: WorkerHostOptions;
  #state: State = 'idle';
  #channel: WorkerChannel | null = null;
  #ready = deferred<BackendInfo>();
  #backend: BackendInfo | null = null;
  #pending = new Map<string, Pending>();
  #training: number | null = null;
  #crashes: number[] = [];
  #brokenReason = '';
  #counter = 0;
  #restartTimer: ReturnType<typeof setTimeout> | null = null;
  #readyTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(options: WorkerHostOptions) {
    this.#options = options;
  }

  get state(): State {
    return this.#state;
  }

  /** The backend of the current (or last) worker. */
  get backend(): BackendInfo | null {
    return this.#backend;
  }

  /** The run training in the worker now, if any. */
  get trainingRunId(): number | null {
    return this.#training;
  }

  start(): void {
    if (this.#state !== 'idle') return;
    this.#spawn();
  }

  /** Resolves when the worker is ready (rejects if it dies first, or the host gave up). */
  ready(): Promise<BackendInfo> {
    if (this.#state === 'broken') return Promise.reject(this.#brokenError());
    if (this.#state === 'stopped' || this.#state === 'idle') {
      return Promise.reject(new ApiError('Unavailable', 'The Longhand worker is not running.'));
    }
    return this.#ready.promise;
  }

  async train(spec: TrainingSpec): Promise<void> {
    await this.ready();
    if (this.#training !== null) throw new ApiError('Conflict', `Run ${this.#training} is already training.`);
    this.#post({ type: 'train', spec });
    this.#training = spec.runId;
  }

  pause(runId: number): void {
    if (this.#training === runId) this.#post({ type: 'pause', runId });
  }

  resume(runId: number): void {
    if (this.#training === runId) this.#post({ type: 'resume', runId });
  }

  stop(runId: number): void {
    if (this.#training === runId) this.#post({ type: 'stop', runId });
  }

  async call<M extends CallMethod>(method: M, input: CallInput<M>, options: CallOptions = {}): Promise<unknown> {
    const { signal } = options;
    if (signal?.aborted) throw new ApiError('Cancelled', 'Cancelled.');
    await this.ready();
    const id = `call-${++this.#counter}`;
    return new Promise<unknown>((resolve, reject) => {
      const abort = () => {
        if (!this.#pending.delete(id)) return;
        this.#post({ type: 'cancel', id });
        reject(new ApiError('Cancelled', 'Cancelled.'));
      };
      const finish = <T>(fn: (value: T) => void) => (value: T) => {
        signal?.removeEventListener('abort', abort);
        fn(value);
      };
      this.#pending.set(id, { resolve: finish(resolve), reject: finish(reject), onToken: options.onToken });
      signal?.addEventListener('abort', abort, { once: true });
      try {
        this.#post({ type: 'call', id, method, input });
      } catch (error) {
        this.#pending.delete(id);
        finish(reject)(error as ApiError);
      }
    });
  }

  /** Asks the worker to stop (it cancels its run and calls), then ends it if it takes too long. */
  async shutdown(timeoutMs = 3000): Promise<void> {
    if (this.#restartTimer) clearTimeout(this.#restartTimer);
    if (this.#readyTimer) clearTimeout(this.#readyTimer);
    const channel = this.#channel;
    this.#state = 'stopped';
    this.#channel = null;
    this.#failPending(new ApiError('Unavailable', 'Longhand is shutting down.'));
    this.#ready.reject(new ApiError('Unavailable', 'Longhand is shutting down.'));
    if (!channel) return;
    const exited = new Promise<void>((resolve) => channel.onExit(() => resolve()));
    try {
      channel.post({ type: 'shutdown' });
    } catch {
      // already gone
    }
    const timer = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), timeoutMs).unref());
    if ((await Promise.race([exited, timer])) === 'timeout') await channel.terminate();
  }

  #spawn(): void {
    this.#state = this.#state === 'idle' ? 'starting' : 'restarting';
    let channel: WorkerChannel;
    try {
      channel = this.#options.spawn();
    } catch (error) {
      this.#died({ code: null, reason: `could not start: ${error instanceof Error ? error.message : String(error)}` }, null);
      return;
    }
    this.#channel = channel;
    channel.onMessage((data) => {
      if (this.#channel === channel) this.#receive(data);
    });
    channel.onExit((exit) => this.#died(exit, channel));
    channel.post({ type: 'init', ...this.#options.init });
    const timeout = this.#options.readyTimeoutMs ?? 120_000;
    this.#readyTimer = setTimeout(() => {
      if (this.#channel === channel && this.#state !== 'ready') {
        this.#options.onLog?.('error', `The worker was not ready within ${timeout / 1000} s; restarting it.`);
        void channel.terminate();
      }
    }, timeout);
    this.#readyTimer.unref();
  }

  #receive(data: unknown): void {
    const parsed = WorkerMessage.safeParse(data);
    if (!parsed.success) {
      this.#options.onLog?.('error', zodMessage(parsed.error, 'message from the worker'));
      return;
    }
    const message = parsed.data;
    switch (message.type) {
      case 'ready':
        if (this.#readyTimer) clearTimeout(this.#readyTimer);
        this.#state = 'ready';
        this.#backend = message.backend;
        this.#ready.resolve(message.backend);
        this.#options.onReady?.(message.backend);
        return;
      case 'result': {
        const pending = this.#pending.get(message.id);
        if (!pending) return;
        this.#pending.delete(message.id);
        if (message.error) pending.reject(new ApiError(message.error.name, message.error.message));
        else pending.resolve(message.output);
        return;
      }
      case 'token':
        this.#pending.get(message.id)?.onToken?.(message.text);
        return;
      case 'log':
        this.#options.onLog?.(message.level, message.message);
        return;
      case 'trainDone':
        if (this.#training === message.runId) this.#training = null;
        this.#options.onTraining(message);
        return;
      default:
        this.#options.onTraining(message);
    }
  }

  #died(exit: WorkerExit, channel: WorkerChannel | null): void {
    if (channel !== null && this.#channel !== channel) return; // an old worker, already dealt with
    if (this.#state === 'stopped') return;
    if (this.#readyTimer) clearTimeout(this.#readyTimer);
    this.#channel = null;
    const runId = this.#training;
    this.#training = null;
    const reason = exit.reason || `exit code ${exit.code}`;
    this.#failPending(new ApiError('Unavailable', `The Longhand worker stopped unexpectedly (${reason}); try again.`));
    this.#ready.reject(new ApiError('Unavailable', `The Longhand worker stopped unexpectedly (${reason}).`));
    this.#ready = deferred<BackendInfo>();
    this.#options.onCrash({ reason, runId });

    const now = Date.now();
    const window = this.#options.crashWindowMs ?? 60_000;
    this.#crashes = [...this.#crashes.filter((t) => now - t < window), now];
    if (this.#crashes.length > (this.#options.maxCrashes ?? 5)) {
      this.#state = 'broken';
      this.#brokenReason = reason;
      this.#ready.reject(this.#brokenError());
      this.#options.onLog?.('error', `The worker stopped ${this.#crashes.length} times in a row; not restarting it (${reason}).`);
      return;
    }
    const delays = this.#options.restartDelaysMs ?? [100, 1000, 5000];
    const delay = delays[Math.min(this.#crashes.length - 1, delays.length - 1)] ?? 1000;
    this.#state = 'restarting';
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = null;
      if (this.#state === 'restarting') this.#spawn();
    }, delay);
  }

  #brokenError(): ApiError {
    return new ApiError('Unavailable', `The Longhand worker keeps stopping (${this.#brokenReason}); restart Longhand.`);
  }

  #failPending(error: ApiError): void {
    const all = [...this.#pending.values()];
    this.#pending.clear();
    for (const pending of all) pending.reject(error);
  }

  #post(message: HostMessage): void {
    if (!this.#channel) throw new ApiError('Unavailable', 'The Longhand worker is restarting; try again in a moment.');
    this.#channel.post(message);
  }
}
