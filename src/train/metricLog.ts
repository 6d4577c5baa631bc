/**
 * The metric points a run records, batched: the mean train loss, gradient norm, learning rate and throughput
 * over every `logEvery` steps (the running sums live in the loop's state, so a resumed run continues the same
 * windows), each evaluation's figures, and the test at the end. Points go out in batches — before every
 * checkpoint (so the points up to the step a resume starts from are stored first), every few seconds, and at
 * the end.
 */
import type { MetricPoint } from '../store/index.js';
import type { EvaluationResult, LoopState } from './task.js';

const FLUSH_EVERY_MS = 5000;
const FLUSH_AT_POINTS = 500;

export class MetricLog {
  private pending: MetricPoint[] = [];
  private lastFlush: number;

  constructor(
    private readonly now: () => number,
    private readonly send: ((points: MetricPoint[]) => void) | undefined,
  ) {
    this.lastFlush = now();
  }

  /** Adds a step to the window; every `logEvery` steps the window's means become points. */
  trainStep(s: LoopState, r: { loss: number; gradNorm: number }, lr: number, tokensPerSec: number | null, logEvery: number): void {
    s.window.loss += r.loss;
    s.window.gradNorm += r.gradNorm;
    s.window.count++;
    if (s.step % logEvery !== 0) return;
    const n = s.window.count;
    this.add(s.step, 'train', 'loss', s.window.loss / n);
    this.add(s.step, 'train', 'grad_norm', s.window.gradNorm / n);
    this.add(s.step, 'train', 'lr', lr);
    if (tokensPerSec !== null) this.add(s.step, 'train', 'tokens_per_s', tokensPerSec);
    s.window = { loss: 0, gradNorm: 0, count: 0 };
  }

  /** The loss of the step that ended training (a divergence), outside the windows. */
  lastLoss(step: number, loss: number): void {
    this.add(step, 'train', 'loss', loss);
  }

  evaluation(step: number, split: 'validation' | 'test', result: EvaluationResult): void {
    this.add(step, split, 'loss', result.loss);
    for (const [name, value] of Object.entries(result.metrics)) this.add(step, split, name, value);
  }

  /** Sends the pending points when enough time or points gathered. */
  maybeFlush(): void {
    if (this.now() - this.lastFlush > FLUSH_EVERY_MS || this.pending.length >= FLUSH_AT_POINTS) this.flush();
  }

  flush(): void {
    this.lastFlush = this.now();
    if (this.pending.length === 0) return;
    const batch = this.pending;
    this.pending = [];
    this.send?.(batch);
  }

  private add(step: number, split: MetricPoint['split'], name: string, value: number): void {
    this.pending.push({ step, split, name, value });
  }
}
