/**
 * How good the Training pane's time estimates are (docs/performance.md, "Time estimates"): the service's own
 * runs.estimate against the wall-clock time of the run it then starts, before and after this machine's speed
 * is calibrated by a first run.
 *
 *   npx tsx scripts/bench-estimate.ts [--text FILE] [--backend wasm|cpu] [--steps 40] [--json FILE]
 *
 * Starts the service in this process on a temporary LONGHAND_HOME (the shipped starter installed as on a first
 * run), imports FILE (default: the opening of The Time Machine, test/fixtures/text) as a corpus, then for each
 * case: asks runs.estimate, starts the run with the same input, and times it from "running" to "finished" (the
 * run's own elapsed time too). The cases, in order:
 *   1. adapt the starter, --steps steps          (documented speed: nothing measured yet)
 *   2. adapt the starter, 2 × --steps steps      (measured: case 1 calibrated this size)
 *   3. a new Small model, 3 × --steps steps      (scaled from case 1's size, by cost per token)
 *   4. a new Small model, 3 × --steps steps      (measured: case 3 calibrated it)
 * Prints one line per case and one JSON object.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ApiInput, RunEstimate } from '../src/contract/index.js';
import { createApiClient, createLocalTransport } from '../src/contract/index.js';
import { createService } from '../src/service/index.js';

const argv = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : fallback;
};
const ROOT = path.resolve(import.meta.dirname, '..');
const TEXT = opt('text', path.join(ROOT, 'test/fixtures/text/time-machine-opening.txt'));
const BACKEND = opt('backend', 'wasm');
const STEPS = Number(opt('steps', '40'));
const JSON_OUT = opt('json', '');
const log = (message: string) => process.stderr.write(`${message}\n`);

interface CaseResult {
  case: string;
  steps: number;
  estimate: RunEstimate;
  /** From the run's "running" event to its "finished" one (what the writer waits, queue aside). */
  wallSeconds: number;
  /** The run's own elapsed time (its progress). */
  runSeconds: number;
  /** estimate / wall. */
  ratio: number | null;
}

async function main(): Promise<void> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'longhand-bench-estimate-'));
  const service = createService({ dataDir: home, mode: 'cli', workerEnv: { LONGHAND_BACKEND: BACKEND }, log: () => undefined });
  const statusAt = new Map<string, number>();
  service.events.subscribe((e) => {
    if (e.name === 'run.status') statusAt.set(`${e.payload.runId}:${e.payload.status}`, performance.now());
  });
  await service.boot();
  await service.worker.ready();
  const api = createApiClient(createLocalTransport(service.handlers));
  try {
    const text = fs.readFileSync(TEXT);
    const corpusId = (await api.corpora.importFiles({ corpus: 'Bench', files: [{ name: path.basename(TEXT), contentBase64: text.toString('base64') }] })).corpus.id;
    const adapt = (steps: number): ApiInput<'runs.start'> => ({ kind: 'lm', corpusId, preset: 'quick-adapt', config: { from: { kind: 'starter' }, budget: { steps } } });
    const fresh = (steps: number): ApiInput<'runs.start'> => ({ kind: 'lm', corpusId, preset: 'small', config: { budget: { steps } } });
    const cases: [string, number, ApiInput<'runs.start'>][] = [
      ['adapt the starter (nothing measured)', STEPS, adapt(STEPS)],
      ['adapt the starter (measured)', 2 * STEPS, adapt(2 * STEPS)],
      ['new Small model (scaled)', 3 * STEPS, fresh(3 * STEPS)],
      ['new Small model (measured)', 3 * STEPS, fresh(3 * STEPS)],
    ];
    const results: CaseResult[] = [];
    for (const [name, steps, input] of cases) {
      const estimate = await api.runs.estimate(input);
      const run = await api.runs.start(input);
      const done = await waitFor(() => statusAt.get(`${run.id}:finished`) ?? (statusAt.has(`${run.id}:failed`) ? -1 : undefined));
      if (done < 0) throw new Error(`run ${run.id} failed: ${(await api.runs.get({ runId: run.id })).run.error}`);
      const wallSeconds = (done - statusAt.get(`${run.id}:running`)!) / 1000;
      const runSeconds = (await api.runs.get({ runId: run.id })).run.progress?.elapsedSeconds ?? NaN;
      const ratio = estimate.seconds === null ? null : estimate.seconds / wallSeconds;
      results.push({ case: name, steps, estimate, wallSeconds, runSeconds, ratio });
      log(`${name}: ${steps} steps, estimated ${estimate.seconds ?? '—'} s (${estimate.basis}, ${estimate.tokensPerSecond} tokens/s), took ${wallSeconds.toFixed(1)} s (run ${runSeconds.toFixed(1)} s)${ratio === null ? '' : `, estimate/actual ${ratio.toFixed(2)}`}`);
    }
    const report = { backend: BACKEND, text: path.basename(TEXT), load_avg_1m: os.loadavg()[0], results };
    process.stdout.write(`${JSON.stringify(report)}\n`);
    if (JSON_OUT) fs.writeFileSync(JSON_OUT, JSON.stringify(report, null, 2));
  } finally {
    api.close();
    await service.shutdown();
    fs.rmSync(home, { recursive: true, force: true });
  }
}

async function waitFor<T>(read: () => T | undefined, timeoutMs = 30 * 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

await main();
