/**
 * The reverse-task benchmark (docs/performance.md, "Training that survives"): `longhand train seq2seq` from the
 * defaults of each task, on fresh seeds, must learn to reverse 5–12 symbols of 10 to ≥ 95 % exact match within
 * 4 minutes, and never diverge.
 *
 *   npm run bench:reverse -- [--tasks summarize,dialogue] [--seeds 101,102,103] [--minutes 4] [--pairs 20000]
 *       [--held-out 500] [--goal 0.95] [--backend wasm]
 *
 * For each seed: 20 000 training pairs (src/text/pairs/reverse.ts, that seed) and 500 held-out ones (another
 * stream, none in training), written as JSONL; then for each task the real command in a child process,
 *
 *   longhand train seq2seq --task TASK --pairs reverse.jsonl --minutes 4 --seed SEED --out MODEL --json
 *
 * (its own LONGHAND_HOME; validation is the default hashed share of the pairs), and greedy exact match of the
 * exported best checkpoint on the held-out pairs. One JSON line per run, then a summary line.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initCompute } from '../src/compute/backend.js';
import { tf } from '../src/compute/tf.js';
import { generate, loadSeq2seq } from '../src/generate/seq2seq/index.js';
import { exactMatch, reversePairs, writePairsFile } from '../src/text/pairs/index.js';

const argv = process.argv.slice(2);
const opt = (name: string, fallback: string): string => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 && argv[i + 1] !== undefined ? argv[i + 1]! : fallback;
};
const tasks = opt('tasks', 'summarize,dialogue').split(',');
const seeds = opt('seeds', '101,102,103').split(',').map(Number);
const minutes = opt('minutes', '4');
const goal = Number(opt('goal', '0.95'));
const backend = opt('backend', 'wasm');
const shape = { minLength: 5, maxLength: 12, symbols: 10 };
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

await initCompute({ env: { ...process.env, LONGHAND_BACKEND: backend } });
await tf.ready();

const work = mkdtempSync(path.join(os.tmpdir(), 'longhand-bench-reverse-'));
const rows: { task: string; seed: number; exact: number; outcome: string; rollbacks: number }[] = [];
try {
  for (const seed of seeds) {
    const train = reversePairs({ ...shape, count: Number(opt('pairs', '20000')), seed });
    const held = reversePairs({ ...shape, count: Number(opt('held-out', '500')), seed: seed + 1_000_000, exclude: new Set(train.map((p) => p.source)) });
    const pairsFile = path.join(work, `reverse-${seed}.jsonl`);
    await writePairsFile(pairsFile, train);
    for (const task of tasks) {
      const out = path.join(work, `model-${task}-${seed}`);
      const args = ['bin/longhand.mjs', 'train', 'seq2seq', '--task', task, '--pairs', pairsFile, '--minutes', minutes, '--seed', String(seed), '--out', out, '--backend', backend, '--json'];
      process.stderr.write(`longhand ${args.slice(1).join(' ')}\n`);
      const started = Date.now();
      const child = spawnSync(process.execPath, args, { cwd: root, env: { ...process.env, LONGHAND_HOME: path.join(work, `home-${task}-${seed}`) }, encoding: 'utf8', maxBuffer: 1 << 28 });
      const lines = child.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
      const result = lines.at(-1) ?? {};
      const rollbacks = lines.filter((l) => l.type === 'rolledBack');
      let exact = 0;
      if (result.outDir) {
        const model = await loadSeq2seq(out);
        exact = exactMatch(held, held.map((p) => generate(model, p.source, { strategy: 'greedy' }).text));
        model.dispose();
      }
      const best = result.bestCheckpoint as { step: number } | null | undefined;
      const row = {
        task,
        seed,
        exit: child.status,
        outcome: String(result.outcome ?? 'none'),
        status: result.status,
        reason: result.reason,
        steps: result.step,
        rollbacks: rollbacks.length,
        rolledBack: rollbacks.map((r) => ({ from: r.fromStep, to: r.toStep, reason: r.reason })),
        trainLoss: result.trainLoss,
        bestValLoss: result.bestValLoss,
        bestCheckpointStep: best?.step ?? null,
        exact_match: exact,
        reached: exact >= goal,
        wall_seconds: Math.round((Date.now() - started) / 1000),
        load_avg_1m: Number(os.loadavg()[0]!.toFixed(2)),
      };
      rows.push({ task, seed, exact, outcome: row.outcome, rollbacks: rollbacks.length });
      process.stdout.write(`${JSON.stringify(row)}\n`);
      if (child.status !== 0) process.stderr.write(child.stderr);
    }
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
const all = rows.every((r) => r.exact >= goal && r.outcome === 'completed');
process.stdout.write(`${JSON.stringify({ summary: true, goal, runs: rows.length, reached: rows.filter((r) => r.exact >= goal).length, diverged: rows.filter((r) => r.outcome === 'diverged').length, rollbacks: rows.reduce((n, r) => n + r.rollbacks, 0), min_exact_match: Math.min(...rows.map((r) => r.exact)), all_reached: all })}\n`);
process.exitCode = all ? 0 : 1;
