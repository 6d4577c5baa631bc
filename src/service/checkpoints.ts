/**
 * checkpoints.*: listing and deleting saved models, exporting one to a folder (verified, then copied through
 * the atomic checkpoint writer and verified again), and importing a Longhand checkpoint or a TF.js Layers model:
 * the worker loads it to be sure it runs, then Longhand copies it under models/<run>/<step> (so it owns a
 * verified copy) and records it as a finished run of its own.
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { ApiError, type ApiHandlers, type Checkpoint } from '../contract/index.js';
import { writeCheckpointDir } from '../model/checkpoint/directory.js';
import { isCheckpointFileName } from '../model/checkpoint/manifest.js';
import { LM_DEFAULTS, SEQ2SEQ_DEFAULTS } from '../train/config.js';
import { verifyCheckpointDir } from '../model/checkpoint/verify.js';
import type { CheckpointRow, RunRow } from '../store/index.js';
import type { ServiceContext } from './context.js';
import { conflict, invalid, mapErrors, notFound } from './errors.js';
import { pathProblem } from './importing.js';
import { toCheckpoint } from './mapping.js';
import type { SettingsService } from './settings.js';

type CheckpointHandlers = Pick<ApiHandlers, 'checkpoints.list' | 'checkpoints.delete' | 'checkpoints.export' | 'checkpoints.import'>;

/** Largest checkpoint Longhand copies on import or export (it is read into memory to be written atomically). */
export const MAX_CHECKPOINT_BYTES = 2 * 1024 * 1024 * 1024;

const ACTIVE = new Set(['queued', 'running', 'paused']);

/** A folder name made from a run name: letters, digits, dot, dash and underscore only. */
export function safeFolderName(name: string): string {
  const cleaned = name.normalize('NFKD').replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+|[-.]+$/g, '');
  return (cleaned || 'checkpoint').slice(0, 80);
}

async function exists(file: string): Promise<boolean> {
  return fs.lstat(file).then(() => true, () => false);
}

async function readFiles(dir: string, names: readonly string[]): Promise<Record<string, Uint8Array>> {
  const files: Record<string, Uint8Array> = {};
  let total = 0;
  for (const name of names) {
    if (!isCheckpointFileName(name)) throw invalid(`"${name}" is not a checkpoint file name.`);
    const file = path.join(dir, name);
    const stat = await fs.stat(file).catch(() => null);
    if (!stat?.isFile()) throw invalid(`${file} is missing or not a regular file.`);
    total += stat.size;
    if (total > MAX_CHECKPOINT_BYTES) throw invalid(`The checkpoint in ${dir} is larger than 2 GiB; Longhand does not copy it.`);
    files[name] = await fs.readFile(file);
  }
  return files;
}

async function existingFolder(folder: string, what: string): Promise<string> {
  const problem = pathProblem(folder);
  if (problem) throw invalid(`The ${what} ${folder} ${problem}.`);
  const stat = await fs.stat(folder).catch(() => null);
  if (!stat) throw invalid(`The ${what} ${folder} does not exist.`);
  if (!stat.isDirectory()) throw invalid(`The ${what} ${folder} is not a folder.`);
  return path.resolve(folder);
}

export function checkpointHandlers(ctx: ServiceContext, settings: SettingsService): CheckpointHandlers {
  const { store, dataDir } = ctx;
  const absolute = (row: CheckpointRow) => path.resolve(dataDir, row.path);
  const mustGet = (id: number): { row: CheckpointRow; run: RunRow } => {
    const row = store.checkpoints.get(id);
    const run = row && store.runs.get(row.runId);
    if (!row || !run) throw notFound('checkpoint', id);
    return { row, run };
  };

  return {
    'checkpoints.list': ({ runId, kind, task }) => {
      let runs: RunRow[];
      if (runId !== undefined) {
        const run = store.runs.get(runId);
        if (!run) throw notFound('run', runId);
        runs = [run];
      } else runs = store.runs.list(kind ? { kind } : {});
      const checkpoints: Checkpoint[] = [];
      for (const run of runs) {
        if (kind && run.kind !== kind) continue;
        for (const row of store.checkpoints.listByRun(run.id)) {
          const c = toCheckpoint(row, run);
          if (task && c.task !== task) continue;
          checkpoints.push(c);
        }
      }
      return { checkpoints: checkpoints.sort((a, b) => b.id - a.id) };
    },

    'checkpoints.delete': mapErrors(async ({ checkpointId }) => {
      const { row, run } = mustGet(checkpointId);
      if (ACTIVE.has(run.status)) throw conflict(`Run "${run.name}" is ${run.status}; cancel it or wait before deleting its checkpoints.`);
      store.transaction(() => {
        settings.forgetCheckpoints([row.id]);
        store.checkpoints.remove(row.id);
      });
      const dir = absolute(row);
      const inside = path.relative(store.modelsDir, dir);
      if (inside && !inside.startsWith('..') && !path.isAbsolute(inside)) await fs.rm(dir, { recursive: true, force: true });
      return { deleted: true as const };
    }),

    'checkpoints.export': mapErrors(async ({ checkpointId, folder }, { signal }) => {
      const { row, run } = mustGet(checkpointId);
      const into = await existingFolder(folder, 'export folder');
      const source = absolute(row);
      const digest = await verifyCheckpointDir(source, row.sha256);
      const files = await readFiles(source, Object.keys(digest.files));
      if (signal.aborted) throw new ApiError('Cancelled', 'The export was cancelled.');
      const base = safeFolderName(`${run.name}-step-${row.step}`);
      let target = path.join(into, base);
      for (let n = 2; await exists(target); n++) target = path.join(into, `${base}-${n}`);
      await writeCheckpointDir(target, files);
      try {
        await verifyCheckpointDir(target, row.sha256);
      } catch (error) {
        await fs.rm(target, { recursive: true, force: true });
        throw new ApiError('Internal', `The exported copy in ${target} did not verify (${(error as Error).message}); it was removed.`);
      }
      return { path: target };
    }),

    'checkpoints.import': mapErrors(async ({ path: given, name }, { signal }) => {
      const problem = pathProblem(given);
      if (problem) throw invalid(`The path ${given} ${problem}.`);
      const stat = await fs.stat(given).catch(() => null);
      if (!stat) throw invalid(`${given} does not exist.`);
      let dir = path.resolve(given);
      if (stat.isFile()) {
        if (path.basename(dir) !== 'model.json') throw invalid(`Choose a checkpoint folder or its model.json, not ${path.basename(dir)}.`);
        dir = path.dirname(dir);
      } else if (!stat.isDirectory()) throw invalid(`${given} is not a folder.`);

      const info = await ctx.worker.call('inspect', { dir }, { signal });
      const files = await readFiles(dir, info.files);
      if (signal.aborted) throw new ApiError('Cancelled', 'The import was cancelled.');

      // The model's sizes as the files say, over the defaults of its kind: an imported run was not trained here,
      // and its sizes may be outside what Longhand trains (the listing repairs them for display).
      const config = {
        ...(info.kind === 'lm' ? LM_DEFAULTS : SEQ2SEQ_DEFAULTS[info.task ?? 'summarize']),
        budget: { steps: Math.max(1, info.step) },
        ...info.config,
        ...(info.kind === 'seq2seq' ? { task: info.task ?? 'summarize' } : {}),
      };
      const run = store.transaction(() => {
        const created = store.runs.create({ kind: info.kind, name: name ?? (path.basename(dir) || 'Imported model'), corpusId: null, config });
        store.runs.transition(created.id, 'running');
        return store.runs.transition(created.id, 'finished');
      });
      const target = path.join(store.modelsDir, String(run.id), String(info.step));
      let added: CheckpointRow;
      try {
        const digest = await writeCheckpointDir(target, files);
        await verifyCheckpointDir(target, digest.sha256);
        added = store.checkpoints.add({
          runId: run.id,
          step: info.step,
          path: path.relative(dataDir, target).split(path.sep).join('/'),
          sha256: digest.sha256,
          bytes: digest.bytes,
          metrics: Object.fromEntries(Object.entries(info.metrics).map(([k, v]) => [k, typeof v === 'number' && Number.isFinite(v) ? v : null])),
          isBest: true,
        });
      } catch (error) {
        store.runs.remove(run.id);
        await fs.rm(path.dirname(target), { recursive: true, force: true });
        throw error;
      }
      ctx.events.emit({ name: 'run.status', payload: { runId: run.id, status: 'finished' } });
      ctx.events.emit({ name: 'run.checkpoint', payload: { runId: run.id, checkpointId: added.id, step: added.step, isBest: added.isBest, isLast: added.isLast } });
      return toCheckpoint(added, run);
    }),
  };
}
