/**
 * system.report and presets.list: what the worker found about compute backends (it owns TensorFlow.js, so the
 * report comes from there), the data directory, versions, and presets with time estimates for this machine.
 */
import { readFileSync } from 'node:fs';
import type { ApiHandlers, LmConfig, Seq2seqModelConfig, SystemReport } from '../contract/index.js';
import { sqliteVersion } from '../store/index.js';
import type { BackendInfo } from '../worker/protocol.js';
import type { ServiceContext } from './context.js';
import { notFound } from './errors.js';
import { lmDataSize } from './estimate.js';
import type { PresetCatalog } from './presets.js';
import { STARTER_DIALOGUE_MODEL, STARTER_MODEL, starterRecord } from './starter.js';
import type { ThroughputBook } from './throughput.js';

export type ServiceMode = SystemReport['mode'];

/** How long a report waits for a worker that is still starting (loading TensorFlow.js). */
const READY_WAIT_MS = 15_000;

export async function backendInfo(ctx: ServiceContext): Promise<BackendInfo | null> {
  const timeout = new Promise<null>((resolve) => setTimeout(() => resolve(null), READY_WAIT_MS).unref());
  return (await Promise.race([ctx.worker.ready().catch(() => null), timeout])) ?? ctx.worker.backend;
}

export function packageVersion(): string {
  try {
    const raw = readFileSync(new URL('../../package.json', import.meta.url), 'utf8');
    return (JSON.parse(raw) as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

export interface SystemDeps {
  mode: ServiceMode;
  version: string;
  presets: PresetCatalog;
  throughput: ThroughputBook;
  /** Whether this build ships a starter language model that runs can start from. */
  hasStarter: boolean;
  /** Whether it ships a starter dialogue model that encoder–decoder runs for dialogue can start from. */
  hasDialogueStarter: boolean;
  nativeBinding?: string;
}

export function systemHandlers(ctx: ServiceContext, deps: SystemDeps): Pick<ApiHandlers, 'system.report' | 'presets.list'> {
  return {
    'system.report': async () => {
      const info = await backendInfo(ctx);
      const versions: Record<string, string> = { longhand: deps.version, node: process.versions.node };
      if (process.versions.electron) versions.electron = process.versions.electron;
      if (info?.tfjs) versions.tfjs = info.tfjs;
      const sqlite = await sqliteVersion(deps.nativeBinding).catch(() => null);
      if (sqlite) versions.sqlite = sqlite;
      return {
        backend: {
          chosen: info?.chosen ?? null,
          candidates: (info?.candidates ?? []).map((c) => ({
            name: c.name,
            ok: c.ok === true,
            status: c.name === info?.chosen ? 'in-use' : c.ok === true ? 'available' : c.ok === false ? 'unavailable' : 'untried',
            reason: c.name === info?.chosen && info.warning ? `${c.reason} (${info.warning})` : c.reason,
          })),
        },
        dataDir: ctx.dataDir,
        versions,
        mode: deps.mode,
        ...(info?.training ? { training: { threads: info.training.threads, cores: info.training.cores, parallelism: info.training.text } } : {}),
      };
    },
    'presets.list': async ({ kind, corpusId }) => {
      let corpus: { characters: number; words: number } | undefined;
      if (corpusId !== undefined) {
        if (!ctx.store.corpora.get(corpusId)) throw notFound('corpus', corpusId);
        corpus = ctx.store.corpora.stats(corpusId);
      }
      const info = await backendInfo(ctx);
      const unavailable = new Set((info?.candidates ?? []).filter((c) => c.ok === false).map((c) => c.name));
      // Language models are estimated for the corpus's characters; encoder–decoders for typical pairs (what a
      // corpus yields depends on the task: the Training pane asks runs.estimate for the run it would start).
      const sizeFor = (k: 'lm' | 'seq2seq', config: LmConfig | Seq2seqModelConfig) => (corpus && k === 'lm' ? lmDataSize(config as LmConfig, corpus) : undefined);
      const estimator = {
        backend: info?.chosen ?? null,
        unavailable,
        speed: (k: 'lm' | 'seq2seq', config: LmConfig | Seq2seqModelConfig, backend: string) =>
          deps.throughput.speed(k, config, backend, deps.presets.documented(k, config, backend)),
      };
      // The starters' copies in this library, while they are still there (the writer may have deleted them).
      const record = starterRecord(ctx.store);
      const installed = (id: number | null | undefined) => (id != null && ctx.store.checkpoints.get(id) ? id : null);
      return {
        presets: deps.presets.list(kind, sizeFor, estimator),
        backend: info?.chosen ?? null,
        starter: deps.hasStarter ? { name: STARTER_MODEL, checkpointId: installed(record?.checkpointId) } : null,
        dialogueStarter: deps.hasDialogueStarter ? { name: STARTER_DIALOGUE_MODEL, checkpointId: installed(record?.dialogueCheckpointId) } : null,
      };
    },
  };
}
