/**
 * What `longhand train` prints while a run trains, for both model kinds: JSON lines with --json (one
 * `{"type":"progress",…}` per report, then `{"type":"result",…}`), one redrawn line on a terminal, or a line per
 * evaluation and each sample otherwise; then a summary with where the best checkpoint is.
 */
import type { RunStatus } from '../store/index.js';
import type { JobEvent, JobProgress } from '../train/jobSpec.js';
import type { TrainingResult } from '../train/trainRun.js';
import type { CliIo } from './io.js';

export interface TrainView {
  onEvent(event: JobEvent): void;
  onStatus(status: { status: RunStatus }): void;
  finish(result: TrainingResult): void;
}

export function trainView(io: CliIo, json: boolean): TrainView {
  if (json) {
    return {
      onEvent: (e) => {
        if (e.type === 'progress') io.out(`${JSON.stringify({ type: 'progress', ...e.progress })}\n`);
        else if (e.type === 'rolledBack') io.out(`${JSON.stringify(e)}\n`);
      },
      onStatus: () => undefined,
      finish: (r) => io.out(`${JSON.stringify({ type: 'result', ...r })}\n`),
    };
  }
  let drawn = false;
  const clear = () => {
    if (drawn) io.out('\r\x1b[K');
    drawn = false;
  };
  return {
    onEvent: (e) => {
      if (e.type === 'rolledBack') {
        clear();
        io.err(`longhand: ${e.reason}; back to step ${e.toStep}, learning rate × ${e.lrScale}\n`);
      }
      if (e.type !== 'progress') return;
      const p = e.progress;
      if (io.isTty) {
        clear();
        if (p.sample !== undefined) io.out(`── sample at step ${p.step} ──\n${p.sample.trimEnd()}\n`);
        if (!p.final) {
          io.out(progressLine(p));
          drawn = true;
        }
      } else if (p.evaluated || p.final) {
        io.out(`${progressLine(p)}\n`);
      } else if (p.sample !== undefined) {
        io.out(`sample at step ${p.step}:\n${p.sample.trimEnd()}\n`);
      }
    },
    onStatus: (s) => {
      if (s.status === 'paused' || s.status === 'interrupted' || s.status === 'cancelled') {
        clear();
        io.err(`longhand: run ${s.status}\n`);
      }
    },
    finish: (r) => {
      clear();
      for (const warning of r.warnings) io.err(`longhand: ${warning}\n`);
      io.out(summary(r));
      if (r.error) io.err(`longhand: run ${r.runId} failed: ${r.error}\n`);
    },
  };
}

function progressLine(p: JobProgress): string {
  const parts = [`step ${p.step}${p.totalSteps !== null ? `/${p.totalSteps}` : ''}`];
  if (p.totalSteps) parts.push(bar(p.step / p.totalSteps));
  if (p.epoch !== null) parts.push(`epoch ${p.epoch.toFixed(2)}`);
  if (p.trainLoss !== null) parts.push(`loss ${p.trainLoss.toFixed(3)}`);
  if (p.valLoss !== null) parts.push(`val ${p.valLoss.toFixed(3)}`);
  if (p.tokensPerSec !== null) parts.push(`${Math.round(p.tokensPerSec)} tok/s`);
  parts.push(`elapsed ${duration(p.elapsedSeconds)}`);
  if (p.etaSeconds !== null && !p.final) parts.push(`ETA ${duration(p.etaSeconds)}`);
  return parts.join('  ');
}

function summary(r: TrainingResult): string {
  const lines = [`run ${r.runId} ${r.status}${r.reason && r.status === 'finished' ? ` (${r.reason})` : ''} on ${r.backend}${(r.replicas ?? 1) > 1 ? ` × ${r.replicas} threads` : ''}: step ${r.step}, epoch ${r.epoch.toFixed(2)}, ${duration(r.elapsedSeconds)}`];
  const losses = [
    r.trainLoss !== null ? `train ${r.trainLoss.toFixed(4)}` : null,
    r.finalValLoss !== null ? `validation ${r.finalValLoss.toFixed(4)}` : null,
    r.bestValLoss !== null ? `best validation ${r.bestValLoss.toFixed(4)} (perplexity ${Math.exp(r.bestValLoss).toFixed(2)})` : null,
    r.testLoss !== null ? `test ${r.testLoss.toFixed(4)}` : null,
  ].filter(Boolean);
  if (losses.length) lines.push(`loss (nats/token): ${losses.join(', ')}`);
  if (r.bestCheckpoint) lines.push(`best checkpoint: step ${r.bestCheckpoint.step}, ${r.bestCheckpoint.dir}`);
  if (r.outDir) lines.push(`copied to ${r.outDir}`);
  if (r.status === 'interrupted' || r.status === 'failed') lines.push(`resume with: longhand train --resume ${r.runId}`);
  return `${lines.join('\n')}\n`;
}

function bar(fraction: number, width = 20): string {
  const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

export function duration(seconds: number): string {
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h > 0 ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}
