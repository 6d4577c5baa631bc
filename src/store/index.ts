/** The store's public surface: open the database, its repositories and row types. SQL stays in this folder. */
export { openDatabase, openStore, BUSY_TIMEOUT_MS, type Store, type OpenOptions } from './store.js';
export { resolveDataDir, DATABASE_FILE, MODELS_DIR } from './dataDir.js';
export { DatabaseTooNewError, InvalidTransitionError, NameTakenError, NotFoundError, StoreError } from './errors.js';
export { LATEST_VERSION } from './migrations/index.js';
export { RUN_TRANSITIONS, TERMINAL_STATUSES, INTERRUPTED_REASON, canTransition } from './runs.js';
export type { CorporaRepo } from './corpora.js';
export type { DocumentsRepo } from './documents.js';
export type { RunsRepo, RunFilter, TransitionOptions } from './runs.js';
export type { MetricsRepo, MetricFilter } from './metrics.js';
export type { CheckpointsRepo } from './checkpoints.js';
export type { DraftsRepo } from './drafts.js';
export type { SettingsRepo } from './settings.js';
export type { RunSamplesRepo, RunSampleRow } from './samples.js';
export * from './types.js';
export { sqliteVersion } from './sqliteVersion.js';
