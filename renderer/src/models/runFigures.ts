/**
 * What a run card shows. Its figures come from the latest progress when there is one, and otherwise from what
 * the run left behind: its stored loss curve and its checkpoints' metrics (an imported model such as the
 * starter has a checkpoint and nothing else; a run that failed early may have neither). Its progress bar moves
 * only while a run is running and how far it has got is unknown: a finished, failed or paused run never shows
 * a moving bar.
 */
import type { Checkpoint, EventPayload, Run } from '../lib/api.js';
import type { Aligned } from '../lib/series.js';

export type Progress = EventPayload<'run.progress'>;

export interface RunFigures {
  step: number;
  totalSteps: number | null;
  epoch: number | null;
  trainLoss: number | null;
  valLoss: number | null;
  /** Only known from live progress. */
  tokensPerSec: number | null;
  elapsedSeconds: number | null;
  etaSeconds: number | null;
}

const last = (values: readonly (number | null)[] | undefined): number | null => {
  for (let i = (values?.length ?? 0) - 1; i >= 0; i--) {
    const v = values![i];
    if (v !== null && v !== undefined && Number.isFinite(v)) return v;
  }
  return null;
};

const metric = (checkpoint: Checkpoint | undefined, ...names: string[]): number | null => {
  for (const name of names) {
    const v = checkpoint?.metrics[name];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return null;
};

/** The run's figures, or null when nothing is known yet (before its first step). */
export function runFigures(progress: Progress | null, curve: Aligned, checkpoints: readonly Checkpoint[]): RunFigures | null {
  // The checkpoint at the latest step carries the figures the run ended with (checkpoint metrics are
  // written by the training loop as trainLoss/valLoss; older or imported ones may use "validation.loss").
  const latest = [...checkpoints].sort((a, b) => b.step - a.step)[0];
  const curveStep = curve[0].length ? curve[0][curve[0].length - 1]! : null;
  const step = progress?.step ?? maxOf(curveStep, latest?.step ?? null);
  if (step === null) return null;
  return {
    step,
    totalSteps: progress?.totalSteps ?? null,
    epoch: progress?.epoch ?? metric(latest, 'epoch'),
    trainLoss: finite(progress?.trainLoss) ?? last(curve[1]) ?? metric(latest, 'trainLoss', 'train.loss'),
    valLoss: finite(progress?.valLoss) ?? last(curve[2]) ?? metric(latest, 'valLoss', 'validation.loss'),
    tokensPerSec: progress?.tokensPerSec ?? null,
    elapsedSeconds: progress?.elapsedSeconds ?? null,
    etaSeconds: progress?.etaSeconds ?? null,
  };
}

const finite = (v: number | null | undefined): number | null => (v === null || v === undefined || !Number.isFinite(v) ? null : v);
const maxOf = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.max(a, b));

export type ProgressBar = { kind: 'value'; value: number } | { kind: 'moving' } | { kind: 'none' };

/** The run's bar: how far along it is (0–1), moving while a running run's share is unknown, or none at all. */
export function progressBar(run: Run | null, progress: Progress | null): ProgressBar {
  if (!run) return { kind: 'none' };
  if (run.status === 'finished') return { kind: 'value', value: 1 };
  if (run.status === 'queued') return { kind: 'value', value: 0 };
  const fraction = progressFraction(progress);
  if (fraction !== null) return { kind: 'value', value: fraction };
  return run.status === 'running' ? { kind: 'moving' } : { kind: 'none' };
}

/** How far along a run is (0–1) from its progress, or null when that cannot be told. */
export function progressFraction(progress: Progress | null): number | null {
  if (!progress) return null;
  if (progress.totalSteps) return Math.min(1, progress.step / progress.totalSteps);
  if (progress.etaSeconds !== null && progress.elapsedSeconds + progress.etaSeconds > 0) {
    return Math.min(1, progress.elapsedSeconds / (progress.elapsedSeconds + progress.etaSeconds));
  }
  return null;
}

/** What the card says when there are no figures: waiting, or why there never will be. */
export function noFiguresText(run: Run): string {
  switch (run.status) {
    case 'queued':
    case 'running':
      return 'Waiting for the first step…';
    case 'paused':
      return 'Paused before its first step.';
    case 'failed':
      return 'Failed before its first step.';
    case 'cancelled':
      return 'Cancelled before its first step.';
    case 'interrupted':
      return 'Interrupted before its first step; it can be resumed.';
    case 'finished':
      return 'No figures were recorded for this run.';
  }
}
