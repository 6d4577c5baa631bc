/**
 * Chart data in uPlot's aligned layout: one shared x array (steps, ascending) and one y array per series, with
 * null where a series has no point at that step. Pure, so models and tests use it without a canvas.
 */
export type Aligned = [number[], ...(number | null)[][]];

export interface Points {
  steps: readonly number[];
  values: readonly (number | null)[];
}

/** Merges several series onto the union of their steps. */
export function alignSeries(series: readonly Points[]): Aligned {
  const steps = [...new Set(series.flatMap((s) => s.steps))].sort((a, b) => a - b);
  const index = new Map(steps.map((step, i) => [step, i]));
  const ys = series.map((s) => {
    const y: (number | null)[] = new Array<number | null>(steps.length).fill(null);
    s.steps.forEach((step, i) => {
      const v = s.values[i];
      y[index.get(step)!] = v === undefined || v === null || !Number.isFinite(v) ? null : v;
    });
    return y;
  });
  return [steps, ...ys];
}

/**
 * A growing loss curve fed by progress events: train and validation values per step. `version` changes on
 * every update so a chart can redraw without the arrays themselves being reactive (they can get long).
 */
export class LossCurve {
  steps: number[] = [];
  train: (number | null)[] = [];
  validation: (number | null)[] = [];

  /** Adds or updates the point at `step`; points must arrive in step order (older ones are ignored). */
  add(step: number, train: number | null | undefined, validation?: number | null): boolean {
    const last = this.steps.length - 1;
    const clean = (v: number | null | undefined) => (v === undefined || v === null || !Number.isFinite(v) ? null : v);
    if (last >= 0 && step < this.steps[last]!) return false;
    if (last >= 0 && step === this.steps[last]) {
      if (train !== undefined) this.train[last] = clean(train);
      if (validation !== undefined) this.validation[last] = clean(validation);
      return true;
    }
    this.steps.push(step);
    this.train.push(clean(train));
    this.validation.push(clean(validation));
    return true;
  }

  replace(data: Aligned): void {
    this.steps = [...data[0]];
    this.train = [...(data[1] ?? data[0].map(() => null))];
    this.validation = [...(data[2] ?? data[0].map(() => null))];
  }

  get data(): Aligned {
    return [this.steps, this.train, this.validation];
  }

  get length(): number {
    return this.steps.length;
  }
}

/** Tick spacings for a step axis: 1, 2, 5, 10, 20, 50… — whole numbers only, as steps are. */
export const STEP_INCREMENTS: number[] = Array.from({ length: 13 }, (_, e) => [1, 2, 5].map((m) => m * 10 ** e)).flat();

const stepFormat = new Intl.NumberFormat('en', { maximumFractionDigits: 3 });

/** A step tick's label: "1", "2,500" (a fraction would show as one, never rounded away). */
export const stepLabel = (step: number): string => stepFormat.format(step);

