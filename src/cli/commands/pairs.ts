/**
 * `longhand pairs --corpus NAME --rule RULE [--out FILE] [--json]`: the pairs one mining rule finds in a
 * corpus, so a writer can see what an encoder–decoder model would learn from it.
 *
 * Pairs are mined exactly as a training run on the corpus mines them (documents in the same order, ids
 * `d<k>:<rule>:<line>`), and written as JSON Lines — `id`, `source`, `target`, `rule`, `line`, the
 * `document`'s title and, for scripts, the two `speakers` — which `longhand train seq2seq --pairs` reads
 * back. An `--out` ending in `.tsv` gets source and target only. Without `--out` the pairs go to stdout
 * and the count to stderr, so the output can be piped; with `--out` the count is printed (as one JSON
 * object with `--json`). A corpus with no pairs for the rule is not an error: the count says so.
 */
import { Option } from 'commander';
import { formatJsonl, formatTsv, writeTextAtomic } from '../../text/pairs/write.js';
import { MINE_RULES, minePairs, type MineRule, type MinedPair } from '../../text/pairs/mine.js';
import { CliError } from '../io.js';
import type { Register } from '../io.js';
import { mustFind, withStore } from '../store.js';

interface PairsOptions {
  corpus: string;
  rule: MineRule;
  out?: string;
  json?: boolean;
}

type ExportedPair = MinedPair & { document: string };

export const registerPairs: Register = (program, io) => {
  program
    .command('pairs')
    .description('write the pairs a mining rule finds in a corpus, as JSON Lines (what a summarizer or dialogue model would learn from)')
    .requiredOption('-c, --corpus <name>', 'corpus to mine')
    .addOption(new Option('-r, --rule <rule>', 'mining rule').choices(MINE_RULES).makeOptionMandatory())
    .option('-o, --out <file>', 'write to this file (.jsonl, or .tsv for source and target only) instead of stdout')
    .option('--json', 'print the summary as one JSON object (with --out)')
    .action(async (opts: PairsOptions) => {
      await withStore(io, async (store) => {
        const corpus = mustFind(store, opts.corpus);
        const documents = store.documents.listWithText(corpus.id);
        const perDocument: { document: string; pairs: number }[] = [];
        const pairs: ExportedPair[] = [];
        documents.forEach((doc, i) => {
          // The same document ids as a training run's mining (src/worker/seq2seqMining.ts).
          const mined = minePairs(doc.text, { docId: `d${i + 1}`, rules: [opts.rule] });
          perDocument.push({ document: doc.title, pairs: mined.length });
          for (const p of mined) pairs.push({ ...p, document: doc.title });
        });

        const summary = { corpus: corpus.name, rule: opts.rule, documents: documents.length, pairs: pairs.length, out: opts.out ?? null, perDocument };
        const sentence = `${count(pairs.length, `${opts.rule} pair`)} from corpus "${corpus.name}" (${count(documents.length, 'document')})`;
        if (opts.out === undefined) {
          io.out(formatJsonl(pairs));
          if (!opts.json) io.err(`${sentence}\n`);
          return;
        }
        const text = opts.out.toLowerCase().endsWith('.tsv') ? formatTsv(pairs) : formatJsonl(pairs);
        try {
          await writeTextAtomic(opts.out, text);
        } catch (error) {
          throw new CliError(`cannot write ${opts.out}: ${error instanceof Error ? error.message : String(error)}`);
        }
        io.out(opts.json ? `${JSON.stringify(summary)}\n` : `wrote ${sentence} to ${opts.out}\n`);
      });
    });
};

const numberFormat = new Intl.NumberFormat('en-US');
const count = (n: number, noun: string): string => `${numberFormat.format(n)} ${noun}${n === 1 ? '' : 's'}`;
