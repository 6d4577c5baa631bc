/**
 * Suggestions a writer would accept (docs/performance.md): the editor's suggestion function
 * (src/generate/suggest.ts) on held-out prose cut at random points, per model.
 *
 *   npx tsx scripts/bench-suggest.ts [--model starter|DIR]… [--tune FILE] [--report FILE]… [--cuts 150]
 *       [--loops 60] [--seed 1] [--report-from 0] [--json FILE]
 *
 * The books are novels the models never saw (default: /work/starter/prose/heldout, Great Expectations to tune on,
 * My Ántonia to report on), their hard-wrapped lines joined into paragraphs as a writer types them. In each book,
 * --cuts points of each kind are drawn (seeded): inside a word, right after a word, after a space; the text up to
 * the point (its last 3,000 characters) is what the writer has typed, the text after it what they will type.
 *
 * Per model:
 * 1. tune: the policy's thresholds on the --tune book, from one decoding per cut point (both branches after
 *    letters, no threshold), by grid search: the most characters saved per cut point with ExactMatch ≥ 45 %, a
 *    third of ghosts right to the end, and at most 2 % of finished words broken (letters glued onto them);
 * 2. report: on the --report books (from --report-from of each on: 0.9 reports on the last tenth, for a model
 *    fine-tuned on the first 90 %), the shipped policy (SUGGEST_POLICY) and the tuned one: how often a ghost is
 *    shown, ExactMatch when shown, characters saved, whole ghosts right, words per ghost — by kind of cut point;
 * 3. loops: from --loops cut points, Tab pressed four times (each time the ghost is taken and a new one asked
 *    for, as in the editor), with the shipped policy, and with no confidence bar (a ghost whenever there is a
 *    word) with and without the loop cut; the accepted text loops when a phrase repeats back to back or 4 words
 *    are said again. The books' own text at the same points, for scale;
 * 4. examples: the first ghosts shown on the report book, and ghosts after sentences of modern prose.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { initCompute } from '../src/compute/backend.js';
import { type CutOutcome, type CutPoint, CUT_KINDS, cutPoints, figures, loops } from '../src/eval/suggestions.js';
import { type ModelHandle, type RawSuggestions, SUGGEST_POLICY, type SuggestPolicy, choose, loadModel, suggest } from '../src/generate/index.js';
import { Rng } from '../src/model/rng.js';
import { ROOT } from '../test/e2e/renderer.js';

const HELDOUT = '/work/starter/prose/heldout';
const { values } = parseArgs({
  options: {
    model: { type: 'string', multiple: true, default: ['starter'] },
    tune: { type: 'string', default: path.join(HELDOUT, 'dickens-great-expectations.txt') },
    report: { type: 'string', multiple: true, default: [path.join(HELDOUT, 'cather-my-antonia.txt')] },
    cuts: { type: 'string', default: '150' },
    loops: { type: 'string', default: '60' },
    seed: { type: 'string', default: '1' },
    'report-from': { type: 'string', default: '0' },
    json: { type: 'string' },
  },
});
const CUTS = Number(values.cuts);
const LOOP_CUTS = Number(values.loops);
const SEED = Number(values.seed);
/** What the writer has typed before the cursor (the model reads its last 512 tokens). */
const TYPED_CHARS = 3000;
const TRUTH_CHARS = 80;
/** Alternatives the editor asks for (the first is the ghost). */
const EDITOR_N = 3;
const log = (message: string) => process.stderr.write(`${message}\n`);
/** No confidence bar: a ghost whenever the model has a whole word (what the editor did before this policy). */
const ALWAYS_SHOW: SuggestPolicy = { ...SUGGEST_POLICY, firstWordMin: 0, completionMin: 0, nextWordMin: 0, completeWordMin: 0.5, finishedWordMax: 0.5 };

const MODERN = [
  'It was late when Martha finally closed the door behind her and',
  'She scrolled through the photos from the wedding and',
  'When the train finally pulled into the station, Anna',
  'He poured himself a cup of coffee and sat down at the',
  'The rain had not stopped for three days, and the',
  'I had never seen my father so',
  'They walked along the river in silence until',
  '"I don\u2019t know what you mean," she said, and',
];

/** A novel as a writer types it: hard-wrapped lines joined, paragraphs kept. */
function readBook(file: string): string {
  return fs.readFileSync(file, 'utf8').replace(/\r\n?/g, '\n').replace(/([^\n])\n(?!\n)/g, '$1 ');
}

function modelDir(ref: string): string {
  if (ref === 'starter') return path.join(ROOT, 'resources', 'starter', 'model');
  // A checkpoint of a training run that is still going may be replaced: work on a copy.
  const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-suggest-model-'));
  for (const file of fs.readdirSync(ref)) fs.copyFileSync(path.join(ref, file), path.join(copy, file));
  return copy;
}

interface Decoded {
  cut: CutPoint;
  before: string;
  truth: string;
  raw: RawSuggestions;
  ms: number;
}

/** Cut points from `fromFraction` of the text on (e.g. 0.9: the last tenth, which a model fine-tuned on the first 90 % never saw). */
async function decodeAll(handle: ModelHandle, text: string, label: string, fromFraction = 0): Promise<Decoded[]> {
  const rng = new Rng(SEED);
  const cuts = cutPoints(text, CUTS, () => rng.next(), Math.max(TYPED_CHARS, Math.floor(fromFraction * text.length)), text.length - TRUTH_CHARS);
  const out: Decoded[] = [];
  for (const cut of cuts) {
    const before = text.slice(cut.at - TYPED_CHARS, cut.at);
    const result = await suggest(handle, { before, n: EDITOR_N }, { explore: true, policy: { ...SUGGEST_POLICY, firstWordMin: 0, completionMin: 0, nextWordMin: 0 } });
    out.push({ cut, before, truth: text.slice(cut.at, cut.at + TRUTH_CHARS), raw: result.raw, ms: result.tookMs });
    if (out.length % 50 === 0) log(`  ${label}: ${out.length}/${cuts.length} cut points`);
  }
  return out;
}

function outcomes(decoded: readonly Decoded[], policy: SuggestPolicy): CutOutcome[] {
  return decoded.map((d) => ({ kind: d.cut.kind, truth: d.truth, suggestion: choose(d.raw, d.before, policy, EDITOR_N)[0]?.text ?? '' }));
}

function tune(decoded: readonly Decoded[]): { policy: SuggestPolicy; figures: ReturnType<typeof figures> } {
  let best: { policy: SuggestPolicy; figures: ReturnType<typeof figures> } | null = null;
  for (const firstWordMin of [0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.4, 0.5])
    for (const completionMin of [0.05, 0.1, 0.2, 0.3, 0.4, 0.5])
      for (const nextWordMin of [0.1, 0.2, 0.3, 0.5, 0.7])
        for (const completeWordMin of [0.5, 0.7, 0.8, 0.9, 0.95])
          for (const finishedWordMax of [0.1, 0.2, 0.3, 0.5]) {
            const policy = { ...SUGGEST_POLICY, firstWordMin, completionMin, nextWordMin, completeWordMin, finishedWordMax };
            const f = figures(outcomes(decoded, policy));
            if (f.exactMatch < 0.45 || f.wholeRight < 1 / 3 || f.brokeFinishedWord > 0.02) continue;
            if (!best || f.savedPerCut > best.figures.savedPerCut) best = { policy, figures: f };
          }
  if (!best) throw new Error('no policy in the grid reaches ExactMatch ≥ 45 %, a third of ghosts right to the end, ≤ 2 % finished words broken');
  return best;
}

function byKind(decoded: readonly Decoded[], policy: SuggestPolicy) {
  const all = outcomes(decoded, policy);
  return {
    all: figures(all),
    ...Object.fromEntries(CUT_KINDS.map((kind) => [kind, figures(all.filter((o) => o.kind === kind))])),
  };
}

/** The writer presses Tab four times: each ghost is taken and a new one asked for. Returns what was accepted. */
async function tabFourTimes(handle: ModelHandle, before: string, policy: SuggestPolicy): Promise<{ accepted: string; tabs: number }> {
  let accepted = '';
  let tabs = 0;
  for (; tabs < 4; tabs++) {
    const [ghost] = (await suggest(handle, { before: before + accepted, n: EDITOR_N }, { policy })).alternatives;
    if (!ghost) break;
    accepted += ghost.text;
  }
  return { accepted, tabs };
}

/** Tab four times from each of the first `count` word-end and after-space cut points: does the accepted text loop? */
async function loopRate(handle: ModelHandle, decoded: readonly Decoded[], policy: SuggestPolicy) {
  const starts = decoded.filter((d) => d.cut.kind !== 'mid-word').slice(0, LOOP_CUTS);
  let looped = 0;
  let natural = 0;
  let tabs = 0;
  const examples: string[] = [];
  for (const d of starts) {
    const { accepted, tabs: taken } = await tabFourTimes(handle, d.before, policy);
    tabs += taken;
    if (loops(d.before, accepted)) {
      looped++;
      if (examples.length < 3) examples.push(`…${d.before.slice(-40)}[${accepted}]`);
    }
    if (loops(d.before, d.truth.slice(0, Math.max(accepted.length, 1)))) natural++;
  }
  return { starts: starts.length, tabsTaken: tabs, loopRate: looped / starts.length, bookOwnRate: natural / starts.length, examples };
}

const pct = (x: number) => `${(100 * x).toFixed(1)} %`;

const backend = await initCompute({ env: { ...process.env, LONGHAND_BACKEND: process.env.LONGHAND_BACKEND ?? 'wasm' } });
log(`backend ${backend.backend}`);
const report: Record<string, unknown>[] = [];
for (const ref of values.model) {
  const dir = modelDir(ref);
  const handle = await loadModel(dir);
  const name = ref === 'starter' ? 'starter (prose)' : ref;
  log(`${name}: ${handle.source.meta?.step ?? '?'} steps, valLoss ${String(handle.source.meta?.metrics?.valLoss ?? '?')}`);
  const tuneText = readBook(values.tune);
  const tuneDecoded = await decodeAll(handle, tuneText, `tune ${path.basename(values.tune)}`);
  const tuned = tune(tuneDecoded);
  log(`  tuned: ${JSON.stringify(tuned.policy)} → ${JSON.stringify(tuned.figures)}`);
  const books: Record<string, unknown> = {};
  let firstReport: Decoded[] = [];
  for (const file of values.report) {
    const decoded = await decodeAll(handle, readBook(file), `report ${path.basename(file)}`, Number(values['report-from']));
    if (!firstReport.length) firstReport = decoded;
    const ms = decoded.map((d) => d.ms).sort((a, b) => a - b);
    books[path.basename(file)] = {
      shipped: byKind(decoded, SUGGEST_POLICY),
      tuned: byKind(decoded, tuned.policy),
      decodeMsP50: ms[Math.floor(ms.length / 2)],
    };
  }
  const loopsOn = await loopRate(handle, firstReport, SUGGEST_POLICY);
  const loopsAlways = await loopRate(handle, firstReport, ALWAYS_SHOW);
  const loopsOff = await loopRate(handle, firstReport, { ...ALWAYS_SHOW, cutLoops: false });
  const examples = firstReport
    .map((d) => ({ d, ghost: choose(d.raw, d.before, SUGGEST_POLICY, EDITOR_N)[0]?.text }))
    .filter((x) => x.ghost)
    .filter((_, i) => i % 7 === 0)
    .slice(0, 10)
    .map(({ d, ghost }) => ({ kind: d.cut.kind, before: d.before.slice(-60), ghost, truth: d.truth.slice(0, 30) }));
  const modern: { before: string; ghost: string | null; tabFourTimes: string; alwaysShown: string; alwaysShownWithoutLoopCut: string }[] = [];
  for (const before of MODERN) {
    modern.push({
      before,
      ghost: (await suggest(handle, { before, n: EDITOR_N })).alternatives[0]?.text ?? null,
      tabFourTimes: (await tabFourTimes(handle, before, SUGGEST_POLICY)).accepted,
      alwaysShown: (await tabFourTimes(handle, before, ALWAYS_SHOW)).accepted,
      alwaysShownWithoutLoopCut: (await tabFourTimes(handle, before, { ...ALWAYS_SHOW, cutLoops: false })).accepted,
    });
  }
  const entry = {
    model: name,
    dir: ref === 'starter' ? dir : ref,
    step: handle.source.meta?.step ?? null,
    valLoss: handle.source.meta?.metrics?.valLoss ?? null,
    cutsPerKind: CUTS,
    reportFrom: Number(values['report-from']),
    seed: SEED,
    tune: { book: path.basename(values.tune), policy: tuned.policy, figures: tuned.figures },
    books,
    loops: { shipped: loopsOn, alwaysShown: loopsAlways, alwaysShownWithoutLoopCut: loopsOff },
    examples,
    modern,
  };
  report.push(entry);
  handle.dispose();
  if (ref !== 'starter') fs.rmSync(dir, { recursive: true, force: true });
  process.stdout.write(`${JSON.stringify(entry)}\n`);
  for (const [book, figs] of Object.entries(books) as [string, { shipped: ReturnType<typeof byKind>; tuned: ReturnType<typeof byKind> }][]) {
    for (const which of ['shipped', 'tuned'] as const) {
      const f = figs[which].all;
      log(`  ${book} ${which}: shown ${pct(f.shown)}, ExactMatch ${pct(f.exactMatch)}, saved ${f.savedPerCut.toFixed(2)} chars/cut, whole ${pct(f.wholeRight)}, ${f.wordsPerGhost.toFixed(2)} words, broke ${pct(f.brokeFinishedWord)} of finished words`);
    }
  }
  log(
    `  loops (Tab ×4 from ${loopsOn.starts} points): ${pct(loopsOn.loopRate)} shipped, ${pct(loopsAlways.loopRate)} always shown, ` +
      `${pct(loopsOff.loopRate)} always shown without the loop cut; the book itself ${pct(loopsOn.bookOwnRate)}`,
  );
}
if (values.json) fs.writeFileSync(values.json, `${JSON.stringify(report, null, 2)}\n`);
