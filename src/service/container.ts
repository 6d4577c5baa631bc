/**
 * The application service: one container built in written order with an explicit lifecycle, implementing every
 * method of the contract. `boot()` opens the store in the data directory, marks runs that were in progress when
 * Longhand last stopped as interrupted, cleans up half-written checkpoints, loads the presets and starts the
 * worker; `shutdown()` interrupts the run in progress (resumable), stops the worker and closes the database.
 *
 * Transports (Electron IPC, the browser-mode WebSocket, the CLI's in-process transport) each get their own
 * request handler from `createRequestHandler()` and forward `events`.
 */
import { existsSync, promises as fs } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequestHandler, type ApiHandlers, type RequestHandler } from '../contract/index.js';
import { METADATA_FILE, cleanStaleTemporaries } from '../model/checkpoint/directory.js';
import { INTERRUPTED_REASON, openStore, type RunRow, type Store } from '../store/index.js';
import { runProgressOf } from '../train/recorder.js';
import { RunLockedError, acquireRunLock } from '../train/runLock.js';
import type { SpawnWorker } from '../worker/channel.js';
import { WorkerHost } from '../worker/host.js';
import { threadWorkerSpawner } from '../worker/threads.js';
import { checkpointHandlers } from './checkpoints.js';
import type { ServiceContext } from './context.js';
import { corporaHandlers } from './corpora.js';
import { documentHandlers } from './documents.js';
import { EventBus } from './events.js';
import { generateHandlers } from './generate.js';
import { toRun } from './mapping.js';
import { PresetCatalog } from './presets.js';
import { RunData } from './runData.js';
import { DEFAULT_STARTER_DIR, installStarterCorpus, starterModelDir, type StarterModelName } from './starter.js';
import { ThroughputBook } from './throughput.js';

export { DEFAULT_STARTER_DIR };
import { runHandlers } from './runs.js';
import { SettingsService, settingsHandlers } from './settings.js';
import { backendInfo, packageVersion, systemHandlers, type ServiceMode } from './system.js';
import { TrainingScheduler } from './training.js';

export interface ServiceOptions {
  /** The data directory (longhand.sqlite, models/), e.g. `resolveDataDir()`. */
  dataDir: string;
  mode: ServiceMode;
  /** How the worker is started (default: a worker_threads Worker; Electron passes a utilityProcess). */
  spawnWorker?: SpawnWorker;
  /** Environment for the worker's backend selection (e.g. LONGHAND_BACKEND). */
  workerEnv?: Record<string, string>;
  /** Test only: a module whose `jobs` replace the worker's built-in jobs (see src/worker/jobs.ts). */
  workerJobsModule?: string;
  /** Where the preset JSON files are (default: resources/presets of this checkout). */
  presetsDir?: string;
  /** The starter corpus and model installed on first run (default: resources/starter of this checkout); null for none. */
  starterDir?: string | null;
  /** better-sqlite3 addon for Electron's ABI (see scripts/electron-native.mjs). */
  nativeBinding?: string;
  version?: string;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
  /** Worker restart policy (tests shorten it). */
  workerRestartDelaysMs?: number[];
}

export interface Service {
  readonly dataDir: string;
  readonly events: EventBus;
  /** Valid between boot() and shutdown(). */
  readonly handlers: ApiHandlers;
  readonly store: Store;
  readonly worker: WorkerHost;
  readonly training: TrainingScheduler;
  boot(): Promise<void>;
  shutdown(): Promise<void>;
  /** A request handler for one connection (its in-flight requests are cancelled together when it closes). */
  createRequestHandler(): RequestHandler;
}

export const DEFAULT_PRESETS_DIR = fileURLToPath(new URL('../../resources/presets/', import.meta.url));

export function createService(options: ServiceOptions): Service {
  const log = options.log ?? ((level, message) => (level === 'info' ? undefined : console.error(`longhand: ${message}`)));
  const events = new EventBus();
  let store: Store | null = null;
  let worker: WorkerHost | null = null;
  let training: TrainingScheduler | null = null;
  let handlers: ApiHandlers | null = null;
  let state: 'new' | 'booting' | 'up' | 'down' = 'new';
  let starterInstall: Promise<void> = Promise.resolve();

  const need = <T>(value: T | null, what: string): T => {
    if (value === null) throw new Error(`The service is not running (${what} used before boot()).`);
    return value;
  };

  async function boot(): Promise<void> {
    if (state !== 'new') throw new Error('A service boots once.');
    state = 'booting';
    const dataDir = path.resolve(options.dataDir);
    store = openStore(dataDir, { nativeBinding: options.nativeBinding });
    const interrupted = markInterrupted(store);
    if (interrupted.length) log('info', `${interrupted.length} run(s) were interrupted when Longhand last stopped`);
    await cleanModels(store.modelsDir, log);
    const presets = await PresetCatalog.load(options.presetsDir ?? DEFAULT_PRESETS_DIR, (m) => log('error', m));

    const ctxStore = store;
    const ctx: ServiceContext = {
      store: ctxStore,
      dataDir,
      events,
      get worker() {
        return need(worker, 'worker');
      },
      log,
    };
    const settings = new SettingsService(ctxStore);
    const starterDir = options.starterDir === undefined ? DEFAULT_STARTER_DIR : options.starterDir;
    const ships = (name: StarterModelName, file: string) => starterDir !== null && existsSync(path.join(starterModelDir(name, starterDir), file));
    const hasStarter = ships('starter', 'model.json');
    // A seq2seq checkpoint has no model.json: its description is Longhand's own.
    const hasDialogueStarter = ships('starter-dialogue', METADATA_FILE);
    const throughput = new ThroughputBook(ctxStore);
    recordThroughput(ctx, throughput);
    const scheduler = new TrainingScheduler(ctx, (ids) => settings.forgetCheckpoints(ids));
    training = scheduler;
    worker = new WorkerHost({
      spawn: options.spawnWorker ?? threadWorkerSpawner(),
      init: {
        ...(options.workerJobsModule ? { jobsModule: options.workerJobsModule } : {}),
        ...(options.workerEnv ? { env: options.workerEnv } : {}),
      },
      onCrash: ({ reason }) => log('error', `the worker stopped unexpectedly (${reason}); restarting it`),
      onReady: () => scheduler.kick(),
      onLog: (level, message) => log(level, `worker: ${message}`),
      ...(options.workerRestartDelaysMs ? { restartDelaysMs: options.workerRestartDelaysMs } : {}),
    });
    handlers = {
      ...corporaHandlers(ctx),
      ...documentHandlers(ctx),
      ...runHandlers(ctx, {
        presets,
        training: scheduler,
        throughput,
        data: new RunData(ctxStore),
        starterDir: hasStarter || hasDialogueStarter ? starterDir : null,
        backend: async () => (await backendInfo(ctx))?.chosen ?? null,
      }),
      ...checkpointHandlers(ctx, settings),
      ...generateHandlers(ctx, settings),
      ...settingsHandlers(settings),
      ...systemHandlers(ctx, { mode: options.mode, version: options.version ?? packageVersion(), presets, throughput, hasStarter, hasDialogueStarter, nativeBinding: options.nativeBinding }),
    };
    const installModel = starterDir ? await installStarterCorpus(ctxStore, settings, handlers, starterDir, (m) => log('info', m)) : null;
    worker.start();
    if (installModel) starterInstall = worker.ready().then(installModel, () => {});
    state = 'up';
  }

  async function shutdown(): Promise<void> {
    if (state === 'down' || state === 'new') {
      state = 'down';
      return;
    }
    state = 'down';
    await starterInstall;
    await training?.shutdown();
    await worker?.shutdown();
    store?.close();
  }

  return {
    get dataDir() {
      return path.resolve(options.dataDir);
    },
    events,
    get handlers() {
      return need(handlers, 'handlers');
    },
    get store() {
      return need(store, 'store');
    },
    get worker() {
      return need(worker, 'worker');
    },
    get training() {
      return need(training, 'training');
    },
    boot,
    shutdown,
    createRequestHandler: () =>
      createRequestHandler(need(handlers, 'handlers'), {
        onInternalError: (error, method) => log('error', `${method}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`),
      }),
  };
}

/**
 * Runs left running or paused by a Longhand that stopped become interrupted (resumable) — except one that
 * `longhand train` is training right now in another process (its run lock is held by a live process).
 */
function markInterrupted(store: Store): RunRow[] {
  const stuck = store.runs.list({ status: ['running', 'paused'] });
  const trainedElsewhere = (run: RunRow) => {
    try {
      acquireRunLock(path.join(store.modelsDir, String(run.id)), run.id).release();
      return false;
    } catch (error) {
      return error instanceof RunLockedError;
    }
  };
  const alive = stuck.filter(trainedElsewhere);
  if (alive.length === 0) return store.runs.markInterruptedRuns();
  return stuck.filter((run) => !alive.includes(run)).map((run) => store.runs.transition(run.id, 'interrupted', { error: INTERRUPTED_REASON }));
}

/**
 * Finishes checkpoint writes a crash interrupted: models/ itself (imports) and every models/<run>/ (training)
 * may hold `.tmp-` or `.old-` directories.
 */
async function cleanModels(modelsDir: string, log: NonNullable<ServiceOptions['log']>): Promise<void> {
  const dirs = [modelsDir];
  try {
    for (const entry of await fs.readdir(modelsDir, { withFileTypes: true })) {
      if (entry.isDirectory() && !entry.name.startsWith('.')) dirs.push(path.join(modelsDir, entry.name));
    }
  } catch {
    return;
  }
  for (const dir of dirs) {
    try {
      const { removed, restored } = await cleanStaleTemporaries(dir);
      for (const r of restored) log('info', `restored checkpoint ${r} after an interrupted write`);
      if (removed.length) log('info', `removed ${removed.length} incomplete checkpoint folder(s) in ${dir}`);
    } catch (error) {
      log('warn', `could not clean ${dir}: ${(error as Error).message}`);
    }
  }
}

/** Every run that ends calibrates the training speed of its model size here (./throughput.ts). */
function recordThroughput(ctx: ServiceContext, book: ThroughputBook): void {
  const ended = new Set<string>(['finished', 'failed', 'cancelled', 'interrupted']);
  ctx.events.subscribe((event) => {
    if (event.name !== 'run.status' || !ended.has(event.payload.status)) return;
    const row = ctx.store.runs.get(event.payload.runId);
    if (!row) return;
    try {
      const run = toRun(row, runProgressOf(ctx.store.runs.progress(row.id)));
      book.record(run, run.progress);
    } catch (error) {
      ctx.log('warn', `could not record the training speed of run ${row.id}: ${(error as Error).message}`);
    }
  });
}
