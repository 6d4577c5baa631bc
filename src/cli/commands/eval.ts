/**
 * `longhand eval --model DIR|RUN --pairs FILE [--task summarize|dialogue] [--json]`: scores a seq2seq model on
 * pairs with the baseline in the same report: ROUGE-1/2/L/Lsum F1 of the summaries and of lead-1/lead-3 and the
 * lead cut to the length of each summary (`lead =length`), or
 * BLEU of the replies and of echoing the message; perplexity of the references either way. The task defaults
 * to the one the model was trained for. Decoding: as the Summarizer and Dialogue panes decode
 * (src/contract/schemas/decoding.ts), with the flags of `longhand summarize` and `longhand reply` to try others
 * (the i-th pair's reply is sampled with seed i, so a report is reproducible).
 */
import type { Command } from 'commander';
import { REPLY_DECODING, SUMMARY_DECODING } from '../../contract/schemas/decoding.js';
import type { Seq2seqEvalReport } from '../../generate/seq2seq/evaluate.js';
import { useBackend } from '../compute.js';
import { toCliError } from '../errors.js';
import { CliError, type CliIo, type Register } from '../io.js';
import { withSeq2seqModel } from '../modelRef.js';
import { nonNegative, positiveInt as int } from '../options.js';

interface EvalCliOptions {
  model: string;
  pairs: string;
  task?: 'summarize' | 'dialogue';
  beam?: number;
  minLength?: number;
  maxLength?: number;
  lengthPenalty?: number;
  temperature?: number;
  topK?: number;
  blockNgram?: number;
  limit?: number;
  examples?: number;
  json?: boolean;
}

export const registerEval: Register = (program: Command, io: CliIo, setExit) => {
  program
    .command('eval')
    .description('Evaluate a seq2seq model on pairs: ROUGE (summaries) or BLEU and perplexity (dialogue), with baselines.')
    .requiredOption('--model <dir|run>', 'seq2seq checkpoint directory, or a training run id (its best checkpoint)')
    .requiredOption('--pairs <file>', 'JSONL or TSV pairs (source → reference)')
    .option('--task <task>', 'summarize or dialogue (default: what the model was trained for)')
    .option('--beam <n>', `beam width (default ${SUMMARY_DECODING.beam} for summaries; ${REPLY_DECODING.beam} for replies when --temperature is 0)`, (v) => int(v))
    .option('--min-length <n>', 'minimum summary tokens (default: as long as the model\'s training summaries relative to their sources)', (v) => int(v, 0))
    .option('--max-length <n>', "maximum output tokens (default: the model's target length)", (v) => int(v))
    .option('--length-penalty <a>', `Wu et al.'s length penalty α for beam search (0: none) (default ${SUMMARY_DECODING.lengthPenalty})`, nonNegative)
    .option('--temperature <t>', `replies: sampling temperature, 0 for beam search (default ${REPLY_DECODING.temperature})`, nonNegative)
    .option('--top-k <k>', `replies: sample among the k most likely tokens, 0 all (default ${REPLY_DECODING.topK})`, (v) => int(v, 0))
    .option('--block-ngram <n>', `never repeat an n-gram, 0 off (default ${SUMMARY_DECODING.blockNgram} summaries, ${REPLY_DECODING.blockNgram} replies)`, (v) => int(v, 0))
    .option('--limit <n>', 'evaluate only the first n pairs', (v) => int(v))
    .option('--examples <n>', 'quote the first n pairs with their outputs in the report (default 3)', (v) => int(v, 0))
    .option('--json', 'print one JSON object')
    .action(async (o: EvalCliOptions) => {
      if (o.task !== undefined && o.task !== 'summarize' && o.task !== 'dialogue') throw new CliError(`--task must be summarize or dialogue (got ${o.task})`, 2);
      const { readPairsFile } = await import('../../text/pairs/index.js');
      let pairs = await readPairsFile(o.pairs).catch((error: unknown) => {
        throw (error as NodeJS.ErrnoException).code === 'ENOENT' ? new CliError(`no such file: ${o.pairs}`) : new CliError((error as Error).message);
      });
      if (o.limit !== undefined) pairs = pairs.slice(0, o.limit);
      await useBackend('auto', io);
      const { evaluateSeq2seq } = await import('../../generate/seq2seq/evaluate.js');
      const { replySearch, summarySearch } = await import('../../generate/seq2seq/index.js');
      await withSeq2seqModel(o.model, io, async (handle) => {
        const task = o.task ?? handle.task ?? 'summarize';
        const report = (() => {
          try {
            return evaluateSeq2seq(handle, pairs, {
              task,
              ...(o.examples !== undefined ? { examples: o.examples } : {}),
              decoding:
                task === 'summarize'
                  ? summarySearch({ beam: o.beam, lengthPenalty: o.lengthPenalty, minLength: o.minLength, maxLength: o.maxLength, blockNgram: o.blockNgram }, handle)
                  : replySearch({ temperature: o.temperature, topK: o.topK, beam: o.beam, lengthPenalty: o.lengthPenalty, maxTokens: o.maxLength, blockNgram: o.blockNgram }),
            });
          } catch (error) {
            throw toCliError(error);
          }
        })();
        io.out(o.json ? `${JSON.stringify({ checkpoint: o.model, ...report })}\n` : formatReport(report));
      });
      setExit(0);
    });
};

function formatReport(r: Seq2seqEvalReport): string {
  const pct = (x: number) => (100 * x).toFixed(2);
  const lines = [`${r.task} · ${r.pairs} pairs${r.skipped ? ` (${r.skipped} skipped: empty source)` : ''} · ${r.seconds.toFixed(1)} s`];
  if (r.task === 'summarize') {
    lines.push('              ROUGE-1  ROUGE-2  ROUGE-L  ROUGE-Lsum  (F1 ×100)');
    const row = (name: string, x: NonNullable<Seq2seqEvalReport['model']['rouge']>) =>
      `${name.padEnd(12)}  ${pct(x.rouge1).padStart(7)}  ${pct(x.rouge2).padStart(7)}  ${pct(x.rougeL).padStart(7)}  ${pct(x.rougeLsum).padStart(10)}`;
    lines.push(row('model', r.model.rouge!));
    for (const [name, b] of Object.entries(r.baselines)) if (b.rouge) lines.push(row(name === 'leadMatched' ? 'lead =length' : name.replace('lead', 'lead-'), b.rouge));
  } else {
    lines.push('                BLEU-1  BLEU-2  BLEU-4  distinct-1  distinct-2  (BLEU: sacrebleu 13a, exp smoothing)');
    const row = (name: string, d: NonNullable<Seq2seqEvalReport['model']['dialogue']>) =>
      `${name.padEnd(14)}  ${d.bleu1.toFixed(2).padStart(6)}  ${d.bleu2.toFixed(2).padStart(6)}  ${d.bleu4.toFixed(2).padStart(6)}  ${d.distinct1.toFixed(3).padStart(10)}  ${d.distinct2.toFixed(3).padStart(10)}`;
    lines.push(row('model', r.model.dialogue!));
    lines.push(row('echo', r.baselines['echo']!.dialogue!));
    lines.push(row('most frequent', r.baselines['mostFrequent']!.dialogue!));
    lines.push(`(most frequent reply: ${JSON.stringify(r.baselines['mostFrequent']!.reply)})`);
  }
  lines.push(`perplexity    ${r.perplexity.toFixed(2)} (${r.referenceTokens} reference tokens)`);
  lines.push(`mean output length ${r.model.meanLength.toFixed(1)} tokens`);
  return `${lines.join('\n')}\n`;
}
