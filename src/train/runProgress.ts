/**
 * A run's latest progress in its row, so the app shows it for runs it did not start (`longhand train` in a
 * terminal): at most once a second, and always the final report.
 */
import type { Store } from '../store/index.js';
import type { TrainingProgress } from './task.js';

export class RunProgressRecorder {
  #savedAt = 0;

  constructor(
    private readonly store: Store,
    private readonly runId: number,
  ) {}

  save(p: TrainingProgress): void {
    const now = Date.now();
    if (!p.final && now - this.#savedAt < 1000) return;
    this.#savedAt = now;
    const finite = (v: number | null) => (v !== null && Number.isFinite(v) ? v : null);
    this.store.runs.setProgress(this.runId, {
      step: p.step,
      totalSteps: p.totalSteps,
      epoch: p.epoch,
      trainLoss: finite(p.trainLoss),
      valLoss: finite(p.valLoss),
      bestValLoss: finite(p.bestValLoss),
      tokensPerSec: finite(p.tokensPerSec),
      elapsedSeconds: p.elapsedSeconds,
      etaSeconds: finite(p.etaSeconds),
    });
  }
}
