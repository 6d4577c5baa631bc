/**
 * `longhand doctor [--json]`: what this machine gives Longhand — the compute backend chosen and why each better
 * one was not, the versions that matter for bug reports, and where the data lives with how much room is left.
 * Exit 0 when a compute backend works, 1 when none does (the report is printed either way).
 */
import { readFile, stat, statfs } from 'node:fs/promises';
import path from 'node:path';
import type { Command } from 'commander';
import { type BackendReport, type CandidateReport, ComputeBackendError } from '../../compute/backends.js';
import { tfVersions } from '../../compute/versions.js';
import { resolveDataDir } from '../../store/dataDir.js';
import { type ParallelismReport, parallelismReport } from '../../train/parallel/report.js';
import { sqliteVersion } from '../../store/sqliteVersion.js';
import type { CliIo } from '../io.js';
import type { Register } from '../io.js';

export interface DoctorReport {
  ok: boolean;
  backend: BackendReport['backend'] | null;
  tfBackend: BackendReport['tfBackend'] | null;
  forced: boolean;
  warning: string | null;
  /** Why no backend works; null when one does. */
  error: string | null;
  candidates: CandidateReport[];
  dataDir: string;
  dataDirExists: boolean;
  /** Bytes available to this user on the data directory's file system (measured on its nearest existing ancestor). */
  freeBytes: number | null;
  versions: {
    longhand: string | null;
    node: string;
    electron: string | null;
    tfjs: string | null;
    backendPackage: { name: string; version: string | null } | null;
    sqlite: string | null;
  };
  /** Training threads and which parallelism runs them (null when LONGHAND_THREADS is invalid: see problems). */
  training: ParallelismReport | null;
  /** Things that could not be checked (SQLite failed to load, disk space unreadable); not fatal. */
  problems: string[];
}

export const registerDoctor: Register = (program: Command, io: CliIo, setExit) => {
  program
    .command('doctor')
    .description('Check the compute backend, versions and data directory.')
    .option('--json', 'print one JSON object')
    .action(async (options: { json?: boolean }) => {
      const report = await doctorReport(io.env);
      io.out(options.json ? `${JSON.stringify(report)}\n` : formatDoctor(report));
      if (!report.ok) {
        if (!options.json) io.err(`longhand: ${report.error ?? 'no compute backend works'}\n`);
        setExit(1);
      }
    });
};

export async function doctorReport(env: NodeJS.ProcessEnv): Promise<DoctorReport> {
  const problems: string[] = [];
  let backend: BackendReport | undefined;
  let error: string | null = null;
  let candidates: CandidateReport[] = [];
  let forced = false;
  try {
    // Imported here, not at the top: TensorFlow.js takes a while to load and other commands may not need it.
    const { initCompute } = await import('../../compute/backend.js');
    backend = await initCompute({ env });
    candidates = backend.candidates;
    forced = backend.forced;
  } catch (failure) {
    if (!(failure instanceof ComputeBackendError)) throw failure;
    error = failure.message;
    candidates = failure.candidates;
    forced = failure.forced;
  }

  const dataDir = resolveDataDir({ env });
  const dataDirExists = await exists(dataDir);
  const freeBytes = await freeSpace(dataDir).catch((failure: unknown) => {
    problems.push(`free space unknown: ${message(failure)}`);
    return null;
  });
  const sqlite = await sqliteVersion().catch((failure: unknown) => {
    problems.push(`SQLite unavailable: ${message(failure)}`);
    return null;
  });

  let training: ParallelismReport | null = null;
  try {
    training = parallelismReport(backend?.tfBackend ?? null, env);
  } catch (failure) {
    problems.push(message(failure));
  }

  return {
    ok: backend !== undefined,
    backend: backend?.backend ?? null,
    tfBackend: backend?.tfBackend ?? null,
    forced,
    warning: backend?.warning ?? null,
    error,
    candidates,
    dataDir,
    dataDirExists,
    freeBytes,
    versions: {
      longhand: await longhandVersion().catch(() => null),
      node: process.versions.node,
      electron: process.versions.electron ?? null,
      ...tfVersions(backend?.backend),
      sqlite,
    },
    training,
    problems,
  };
}

export function formatDoctor(report: DoctorReport): string {
  const lines: string[] = [];
  lines.push(`Longhand ${report.versions.longhand ?? '(unknown version)'}`, '');
  lines.push(
    report.backend
      ? `Compute backend: ${report.backend} (TensorFlow.js "${report.tfBackend}" backend${report.forced ? ', forced by LONGHAND_BACKEND' : ''})`
      : 'Compute backend: none works (the reason is on stderr)',
  );
  const width = Math.max(0, ...report.candidates.map((c) => c.name.length));
  for (const candidate of report.candidates) {
    const mark = candidate.ok === true ? 'ok' : candidate.ok === false ? 'no' : '--';
    lines.push(`  ${mark}  ${candidate.name.padEnd(width)}  ${candidate.reason}`);
  }
  if (report.warning) lines.push(`  Warning: ${report.warning}`);
  if (report.training) lines.push('', `Training threads: ${report.training.threads} of ${report.training.cores} cores — ${report.training.text}`);

  const v = report.versions;
  const backendPackage = v.backendPackage ? `, ${v.backendPackage.name} ${v.backendPackage.version ?? '?'}` : '';
  lines.push(
    '',
    `Versions: Node ${v.node}${v.electron ? `, Electron ${v.electron}` : ''}, TensorFlow.js ${v.tfjs ?? '?'}${backendPackage}, SQLite ${v.sqlite ?? 'unavailable'}`,
    '',
    `Data directory: ${report.dataDir}${report.dataDirExists ? '' : ' (not created yet)'}`,
    `Free space: ${report.freeBytes === null ? 'unknown' : formatBytes(report.freeBytes)}`,
  );
  for (const problem of report.problems) lines.push(`Problem: ${problem}`);
  return `${lines.join('\n')}\n`;
}

export function formatBytes(bytes: number): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1000;
    unit += 1;
  }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** Free bytes for this user on the file system that holds `dir`, or would hold it once created. */
export async function freeSpace(dir: string): Promise<number> {
  let probe = path.resolve(dir);
  while (!(await exists(probe))) {
    const parent = path.dirname(probe);
    if (parent === probe) break;
    probe = parent;
  }
  const stats = await statfs(probe);
  return stats.bavail * stats.bsize;
}

async function longhandVersion(): Promise<string> {
  const raw = await readFile(new URL('../../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(raw) as { version: string }).version;
}

async function exists(file: string): Promise<boolean> {
  return stat(file).then(
    () => true,
    () => false,
  );
}

function message(error: unknown): string {
  return error instanceof Error ? error.message.split('\n')[0] ?? error.message : String(error);
}
