/** Small display helpers: counts, sizes, durations, losses, error messages. Pure, DOM-free. */
import { isApiError, type RunEstimate, type RunStatus } from './api.js';

const integer = new Intl.NumberFormat('en', { maximumFractionDigits: 0 });

export const formatCount = (n: number): string => integer.format(n);

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value < 10 ? value.toFixed(1) : Math.round(value)} ${units[unit]}`;
}

/** "45 s", "3 min", "1 h 20 min", "2 d 3 h". */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  if (h < 48) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`;
  const d = Math.floor(h / 24);
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`;
}

export function formatEta(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return 'estimating time left…';
  if (seconds < 1) return 'almost done';
  return `about ${formatDuration(seconds)} left`;
}

export function formatLoss(loss: number | null | undefined): string {
  if (loss === null || loss === undefined) return '—';
  return loss.toFixed(3);
}

export function formatRate(tokensPerSec: number | null | undefined): string {
  if (tokensPerSec === null || tokensPerSec === undefined) return '—';
  return `${formatCount(tokensPerSec)} tokens/s`;
}

const ESTIMATE_BASIS: Record<NonNullable<RunEstimate['basis']>, string> = {
  measured: 'at the speed measured here',
  scaled: 'at a speed scaled from a run of another size here',
  documented: 'at a typical speed; your first run here measures this machine',
};

/**
 * A run's estimated time in words, as the panes that start runs show it: "about 12 min on wasm (at a typical
 * speed; …)". Null when there is no speed to go by.
 */
export function formatEstimate(estimate: RunEstimate | null): string | null {
  if (!estimate || estimate.seconds === null) return null;
  const on = estimate.backend ? ` on ${estimate.backend}` : '';
  const basis = estimate.basis ? ` (${ESTIMATE_BASIS[estimate.basis]})` : '';
  return `about ${formatDuration(estimate.seconds)}${on}${basis}`;
}

/** One line for any error: the service's message, or a plain fallback. */
export function errorText(error: unknown): string {
  if (isApiError(error)) return error.message;
  if (error instanceof Error && error.message) return error.message;
  return 'Something went wrong.';
}

export function formatDate(iso: string): string {
  const date = new Date(iso);
  if (Number.isNaN(date.getTime())) return iso;
  return date.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

const RUN_STATUS_TEXT: Record<RunStatus, string> = {
  queued: 'Queued',
  running: 'Running',
  paused: 'Paused',
  finished: 'Finished',
  failed: 'Failed',
  cancelled: 'Cancelled',
  interrupted: 'Interrupted (can be resumed)',
};

/** A run's status in words ("Interrupted (can be resumed)"). */
export const formatStatus = (status: RunStatus): string => RUN_STATUS_TEXT[status] ?? status;
