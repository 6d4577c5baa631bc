/**
 * Is a summarizer's margin over the lead cut to the same length more than the luck of the test articles?
 * A paired bootstrap over the articles of one `longhand eval` run (docs/performance.md, "BBC summarization").
 *
 *   longhand eval --model M --pairs FILE --examples 100000 --json > EVAL.json
 *   npx tsx scripts/rouge-bootstrap.ts --eval EVAL.json --pairs FILE [--resamples 10000] [--seed 1]
 *
 * Per article it scores the model's summary and the lead of the same length exactly as `longhand eval` does
 * (rouge_score-compatible F1, Porter stemmer, Lsum on sentences; `leadWords`), then resamples the articles with
 * replacement and reports, per ROUGE type, the mean difference, its 2.5 / 97.5 percentiles and on how many
 * articles the model's summary scores higher. Prints one JSON line.
 */
import { readFileSync } from 'node:fs';
import { hasHeadline, leadWords } from '../src/generate/seq2seq/evaluate.js';
import { rougeScore } from '../src/eval/rouge.js';
import type { RougeType } from '../src/eval/rouge.js';
import { Rng } from '../src/model/rng.js';
import { readPairsFile } from '../src/text/pairs/index.js';

const argv = process.argv.slice(2);
const opt = (name: string, fallback?: string): string => {
  const i = argv.indexOf(`--${name}`);
  const value = i === -1 ? fallback : argv[i + 1];
  if (value === undefined) throw new Error(`--${name} is required`);
  return value;
};

const TYPES: RougeType[] = ['rouge1', 'rouge2', 'rougeL', 'rougeLsum'];

interface EvalJson {
  pairs: number;
  skipped: number;
  examples: { source: string; output: string }[];
}

async function main(): Promise<void> {
  const report = JSON.parse(readFileSync(opt('eval'), 'utf8')) as EvalJson;
  const pairs = await readPairsFile(opt('pairs'));
  if (report.skipped > 0) throw new Error(`the eval skipped ${report.skipped} pairs; their order cannot be matched to the file`);
  if (report.examples.length !== pairs.length) {
    throw new Error(`the eval quotes ${report.examples.length} of ${pairs.length} pairs: run it with --examples ${pairs.length}`);
  }
  const wordCount = (text: string): number => text.split(/\s+/).filter(Boolean).length;
  const diffs: Record<RougeType, number[]> = { rouge1: [], rouge2: [], rougeL: [], rougeLsum: [] };
  pairs.forEach((p, i) => {
    const { source, output } = report.examples[i]!;
    if (!p.source.startsWith(source)) throw new Error(`pair ${i + 1} of the file is not the eval's pair ${i + 1}`);
    const lead = leadWords(p.source, wordCount(output), { skipHeadline: hasHeadline(p.source) });
    const options = { useStemmer: true, splitSummaries: true, types: TYPES };
    const model = rougeScore(p.target, output, options);
    const baseline = rougeScore(p.target, lead, options);
    for (const t of TYPES) diffs[t].push(model[t]!.fmeasure - baseline[t]!.fmeasure);
  });

  const resamples = Number(opt('resamples', '10000'));
  const rng = new Rng(Number(opt('seed', '1')));
  const n = pairs.length;
  const means: Record<RougeType, number[]> = { rouge1: [], rouge2: [], rougeL: [], rougeLsum: [] };
  for (let r = 0; r < resamples; r++) {
    const picks = Array.from({ length: n }, () => Math.floor(rng.next() * n));
    for (const t of TYPES) means[t].push(picks.reduce((s, k) => s + diffs[t][k]!, 0) / n);
  }
  const percentile = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  const out: Record<string, unknown> = { articles: n, resamples };
  for (const t of TYPES) {
    const sorted = [...means[t]].sort((a, b) => a - b);
    out[t] = {
      margin: diffs[t].reduce((s, d) => s + d, 0) / n,
      low: percentile(sorted, 0.025),
      high: percentile(sorted, 0.975),
      modelBetter: diffs[t].filter((d) => d > 0).length,
      leadBetter: diffs[t].filter((d) => d < 0).length,
    };
  }
  console.log(JSON.stringify(out));
}

main().catch((err: unknown) => {
  console.error((err as Error).message);
  process.exit(1);
});
