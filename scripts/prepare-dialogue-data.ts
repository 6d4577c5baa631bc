/**
 * Prepares (does not train) the data of a starter dialogue model: the prose-dialogue pairs of every novel in
 * a folder, split by book (src/text/pairs/novelDialogue.ts), written as train/valid/test JSONL.
 *
 *   npx tsx scripts/prepare-dialogue-data.ts OUT_DIR [--books /work/shared/data/gutenberg-prose]
 *       [--valid montgomery-anne-of-green-gables,burnett-secret-garden]
 *       [--test wilde-picture-of-dorian-gray,carroll-alices-adventures-in-wonderland]
 *       [--max-words N] [--samples 20] [--seed 1] [--next-sentences]
 *
 * Default held-out books: four authors with one book each in the folder (so no author of a held-out book
 * is read in training), about 8 % of the pairs each for validation and test, and both quote styles in each
 * (Anne and Dorian Gray in double quotes, Alice in single; The Secret Garden adds Yorkshire dialect):
 * validation measures replies in voices the model has never read. Prints per-book counts, the split sizes,
 * the distribution of source and target lengths in words, and `--samples` random pairs; writes the same as
 * `OUT_DIR/report.json`. With `--next-sentences` it also writes `OUT_DIR/pretrain.jsonl`, the next-sentence
 * pairs of the training books (what the starter dialogue model reads before the dialogue; resources/README.md).
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { DIALOGUE_SPLITS, prepareNovelDialogue, wordsIn, type NovelPair } from '../src/text/pairs/novelDialogue.js';

const DEFAULT_VALID = ['montgomery-anne-of-green-gables', 'burnett-secret-garden'];
const DEFAULT_TEST = ['wilde-picture-of-dorian-gray', 'carroll-alices-adventures-in-wonderland'];

const argv = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = argv.indexOf(`--${name}`);
  return i === -1 ? undefined : argv[i + 1];
};
const list = (name: string, fallback: string[]): string[] => opt(name)?.split(',').map((s) => s.trim()).filter(Boolean) ?? fallback;
const outDir = argv[0];
if (!outDir || outDir.startsWith('--')) {
  process.stderr.write('usage: npx tsx scripts/prepare-dialogue-data.ts OUT_DIR [--books DIR] [--valid a,b] [--test c,d] [--max-words N] [--samples 20] [--seed 1] [--next-sentences]\n');
  process.exit(2);
}
const maxWords = opt('max-words');

const prepared = await prepareNovelDialogue(opt('books') ?? '/work/shared/data/gutenberg-prose', outDir, {
  valid: list('valid', DEFAULT_VALID),
  test: list('test', DEFAULT_TEST),
  ...(maxWords !== undefined ? { maxWords: Number(maxWords) } : {}),
  nextSentences: argv.includes('--next-sentences'),
});

/** Nearest-rank percentiles of word counts. */
function lengths(values: number[]): Record<string, number> {
  const sorted = [...values].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? 0;
  const mean = sorted.reduce((s, v) => s + v, 0) / Math.max(1, sorted.length);
  const within = (n: number): number => Math.round((1000 * sorted.filter((v) => v <= n).length) / Math.max(1, sorted.length)) / 10;
  return { min: at(0), p10: at(0.1), p25: at(0.25), median: at(0.5), p75: at(0.75), p90: at(0.9), p95: at(0.95), p99: at(0.99), max: sorted[sorted.length - 1] ?? 0, mean: Math.round(mean * 10) / 10, 'pct<=20': within(20), 'pct<=40': within(40) };
}

// A seeded generator (mulberry32), so the quoted samples are the same on every run.
let state = Number(opt('seed') ?? 1) >>> 0;
const random = (): number => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const all: (NovelPair & { split: string })[] = DIALOGUE_SPLITS.flatMap((split) => prepared.pairs[split].map((p) => ({ ...p, split })));
const samples: typeof all = [];
const picked = new Set<number>();
while (samples.length < Math.min(Number(opt('samples') ?? 20), all.length)) {
  const k = Math.floor(random() * all.length);
  if (picked.has(k)) continue;
  picked.add(k);
  samples.push(all[k]!);
}

const report = {
  books: prepared.books,
  splits: Object.fromEntries(
    DIALOGUE_SPLITS.map((split) => [
      split,
      {
        books: prepared.books.filter((b) => b.split === split).map((b) => b.book),
        pairs: prepared.pairs[split].length,
        duplicatesDropped: prepared.duplicates[split],
        tooLongDropped: prepared.tooLong[split],
        sourceWords: lengths(prepared.pairs[split].map((p) => wordsIn(p.source))),
        targetWords: lengths(prepared.pairs[split].map((p) => wordsIn(p.target))),
        file: prepared.files[split],
      },
    ]),
  ),
  ...(prepared.pretrain ? { pretrain: prepared.pretrain } : {}),
  samples: samples.map((p) => ({ split: p.split, id: p.id, source: p.source, target: p.target })),
};
await writeFile(path.join(outDir, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);

const out: string[] = ['book                                          split  pairs  (inner)'];
for (const b of prepared.books) out.push(`${b.book.padEnd(45)} ${b.split.padEnd(6)} ${String(b.pairs).padStart(5)}  ${b.inner ? `(${b.inner})` : ''}`);
out.push('');
for (const [split, s] of Object.entries(report.splits)) {
  out.push(`${split}: ${s.pairs} pairs from ${s.books.length} books (dropped: ${s.duplicatesDropped} duplicates, ${s.tooLongDropped} too long) → ${s.file}`);
  out.push(`  source words ${JSON.stringify(s.sourceWords)}`);
  out.push(`  target words ${JSON.stringify(s.targetWords)}`);
}
if (prepared.pretrain) out.push(`pretrain: ${prepared.pretrain.pairs} next-sentence pairs of the training books → ${prepared.pretrain.file}`);
out.push('', `${samples.length} random pairs:`);
for (const p of report.samples) out.push(`[${p.split}] ${p.id}`, `  > ${p.source}`, `  < ${p.target}`);
process.stdout.write(`${out.join('\n')}\n`);
