/**
 * The training loop's clock and budget: active training time across sessions (pauses left out), how far along
 * the budget is (steps or wall-clock minutes), and the ETA. The loop's state carries `elapsedMs`, so a resumed
 * run continues the same clock; once training ends the clock stops (the final evaluation and checkpoint are not
 * training time).
 */
import type { Budget } from './task.js';

/** Steps the budget allows, when it is counted in steps (null for minutes). */
export function budgetSteps(budget: Budget, stepsPerEpoch: number): number | null {
  if ('steps' in budget) return budget.steps;
  if ('epochs' in budget) return Math.max(1, Math.round(budget.epochs * stepsPerEpoch));
  return null;
}

export class LoopClock {
  readonly totalSteps: number | null;
  private readonly budgetMs: number | null;
  private readonly sessionStart: number;
  private pausedMs = 0;
  private endedAt: number | null = null;

  constructor(
    private readonly now: () => number,
    budget: Budget,
    stepsPerEpoch: number,
    /** Training time before this session (a resumed run's). */
    private readonly elapsedBefore: number,
  ) {
    this.totalSteps = budgetSteps(budget, stepsPerEpoch);
    this.budgetMs = 'minutes' in budget ? budget.minutes * 60_000 : null;
    this.sessionStart = now();
  }

  /** Active training time so far, milliseconds, across sessions. */
  elapsed(): number {
    return this.endedAt ?? this.elapsedBefore + (this.now() - this.sessionStart - this.pausedMs);
  }

  /** Training time of this session. */
  sessionElapsed(): number {
    return this.elapsed() - this.elapsedBefore;
  }

  /** Time spent waiting in a pause does not count. */
  addPause(ms: number): void {
    this.pausedMs += ms;
  }

  /** Training is over: the clock stops here. */
  stop(): void {
    this.endedAt = this.elapsed();
  }

  /** Whether the budget is used up after `step` steps. */
  spent(step: number): boolean {
    if (this.totalSteps !== null) return step >= this.totalSteps;
    return this.elapsed() >= this.budgetMs!;
  }

  /** Whether `step` is the budget's last step (known only for step and epoch budgets). */
  isLastStep(step: number): boolean {
    return this.totalSteps !== null && step >= this.totalSteps;
  }

  /** Fraction of the budget used, in [0, 1]: what the learning-rate decay follows. */
  fraction(step: number): number {
    if (this.totalSteps !== null) return Math.min(1, step / this.totalSteps);
    return Math.min(1, this.elapsed() / this.budgetMs!);
  }

  /** Seconds left: from the clock for a minutes budget, from this session's pace for a step budget. */
  etaSeconds(step: number, sessionSteps: number): number | null {
    if (this.budgetMs !== null) return Math.max(0, (this.budgetMs - this.elapsed()) / 1000);
    if (sessionSteps < 2) return null;
    const perStep = this.sessionElapsed() / sessionSteps;
    return Math.max(0, ((this.totalSteps! - step) * perStep) / 1000);
  }
}
