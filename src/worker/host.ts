/**
 * The service's handle on the worker: starts it, waits for it to be ready, makes calls of the worker table
 * (./table.ts) — typed by method, their results and events validated — cancels and steers them, and restarts
 * the worker when it dies: calls in flight (a training job among them) then fail with Unavailable. After too
 * many deaths in a short time it stops restarting and every call says why.
 */
import { ApiError, zodMessage } from '../contract/errors.js';
import type { SpawnWorker, WorkerChannel, WorkerExit } from './channel.js';
import { type BackendInfo, type HostMessage, WorkerMessage } from './protocol.js';
import { type Control, type WorkerEvent, type WorkerInput, type WorkerMethod, type WorkerOutput, workerTable } from './table.js';

export interface WorkerHostOptions {
  spawn: SpawnWorker;
  init?: Omit<Extract<HostMessage, { type: 'init' }>, 'type'>;
  /** The worker died (its calls in flight were failed with Unavailable). */
  onCrash?(crash: { reason: string }): void;
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

export interface CallOptions<M extends WorkerMethod> {
  signal?: AbortSignal;
  /** The call's id (to steer it with `control`); one is made up when absent. */
  id?: string;
  /** Each event the call sends, validated. */
  onEvent?: (event: WorkerEvent<M>) => void;
}

interface Pending {
  method: WorkerMethod;
  resolve(output: unknown): void;
  reject(error: ApiError): void;
  /** Gets events already validated against the method's event schema. */
  onEvent?: (event: unknown) => void;
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

  /** Calls `method` in the worker; resolves with its validated result, rejects with an ApiError. */
  async call<M extends WorkerMethod>(method: M, input: WorkerInput<M>, options: CallOptions<M> = {}): Promise<WorkerOutput<M>> {
    const { signal } = options;
    if (signal?.aborted) throw new ApiError('Cancelled', 'Cancelled.');
    await this.ready();
    const id = options.id ?? `call-${++this.#counter}`;
    if (this.#pending.has(id)) throw new ApiError('Conflict', `A worker call ${id} is already running.`);
    return new Promise<WorkerOutput<M>>((resolve, reject) => {
      const abort = () => {
        if (!this.#pending.has(id)) return;
        this.#post({ type: 'cancel', id });
        // A training job answers a cancel with its own result (how it ended); other calls end here.
        if (method === 'train') return;
        this.#pending.delete(id);
        reject(new ApiError('Cancelled', 'Cancelled.'));
      };
      const finish = <T>(fn: (value: T) => void) => (value: T) => {
        signal?.removeEventListener('abort', abort);
        fn(value);
      };
      this.#pending.set(id, {
        method,
        resolve: finish(resolve as (value: unknown) => void),
        reject: finish(reject),
        ...(options.onEvent ? { onEvent: options.onEvent as (event: unknown) => void } : {}),
      });
      signal?.addEventListener('abort', abort, { once: true });
      try {
        this.#post({ type: 'call', id, method, input });
      } catch (error) {
        this.#pending.delete(id);
        finish(reject)(error as ApiError);
      }
    });
  }

  /** Steers a running call (a training job: pause, resume, interrupt); nothing when it is not running. */
  control(id: string, action: Control): void {
    if (this.#pending.has(id) && this.#channel) this.#post({ type: 'control', id, action });
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
        if (message.error) return pending.reject(new ApiError(message.error.name, message.error.message));
        const output = workerTable[pending.method].output.safeParse(message.output);
        if (output.success) pending.resolve(output.data);
        else pending.reject(new ApiError('Internal', zodMessage(output.error, `the worker's ${pending.method} result`)));
        return;
      }
      case 'event': {
        const pending = this.#pending.get(message.id);
        if (!pending?.onEvent) return;
        const event = workerTable[pending.method].event.safeParse(message.event);
        if (event.success) pending.onEvent(event.data);
        else this.#options.onLog?.('error', zodMessage(event.error, `an event of the worker's ${pending.method} call`));
        return;
      }
      case 'log':
        this.#options.onLog?.(message.level, message.message);
        return;
    }
  }

  #died(exit: WorkerExit, channel: WorkerChannel | null): void {
    if (channel !== null && this.#channel !== channel) return; // an old worker, already dealt with
    if (this.#state === 'stopped') return;
    if (this.#readyTimer) clearTimeout(this.#readyTimer);
    this.#channel = null;
    const reason = exit.reason || `exit code ${exit.code}`;
    this.#failPending(new ApiError('Unavailable', `The Longhand worker stopped unexpectedly (${reason}).`));
    this.#ready.reject(new ApiError('Unavailable', `The Longhand worker stopped unexpectedly (${reason}).`));
    this.#ready = deferred<BackendInfo>();
    this.#options.onCrash?.({ reason });

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
