/**
 * `longhand summarize --model DIR|RUN (--input FILE | -) [--beam N] [--json]`: a summary from a seq2seq model.
 * Plain output is the summary; --json prints one object with the summary, the source and summary tokens and
 * the attention matrix (attention[i][j]: weight of source token j for summary token i), as the summarizer
 * pane draws it.
 */
import { SUMMARY_DECODING } from '../../contract/schemas/decoding.js';
import type { Command } from 'commander';
import { useBackend } from '../compute.js';
import { toCliError } from '../errors.js';
import { readInput } from '../input.js';
import { CliError, type CliIo, type Register } from '../io.js';
import { withSeq2seqModel } from '../modelRef.js';
import { nonNegative, positiveInt as int } from '../options.js';

interface SummarizeCliOptions {
  model: string;
  input: string;
  beam: number;
  minLength?: number;
  maxLength?: number;
  lengthPenalty: number;
  coveragePenalty: number;
  blockNgram: number;
  json?: boolean;
}

export const registerSummarize: Register = (program: Command, io: CliIo, setExit) => {
  program
    .command('summarize')
    .description('Summarize a text with a trained seq2seq model.')
    .requiredOption('--model <dir|run>', 'seq2seq checkpoint directory, or a training run id (its best checkpoint)')
    .requiredOption('--input <file>', 'the text to summarize; - reads standard input')
    .option('--beam <n>', 'beam width; 1 is greedy', (v) => int(v), SUMMARY_DECODING.beam)
    .option('--min-length <n>', "minimum summary tokens (default: as long as the model's training summaries relative to their sources)", (v) => int(v, 0))
    .option('--max-length <n>', "maximum summary tokens (default: the model's target length)", (v) => int(v))
    .option('--length-penalty <a>', "Wu et al.'s length penalty α (0: none)", nonNegative, SUMMARY_DECODING.lengthPenalty)
    .option('--coverage-penalty <b>', "Wu et al.'s coverage penalty β (0: none)", nonNegative, 0)
    .option('--block-ngram <n>', 'never repeat an n-gram (0: off)', (v) => int(v, 0), SUMMARY_DECODING.blockNgram)
    .option('--json', 'print one JSON object with tokens and attention')
    .action(async (o: SummarizeCliOptions) => {
      const text = await readInput(o.input);
      if (text.trim() === '') throw new CliError('the input is empty: give some text to summarize');
      await useBackend('auto', io);
      const { summarize } = await import('../../generate/seq2seq/index.js');
      await withSeq2seqModel(o.model, io, async (handle) => {
        const started = performance.now();
        const result = (() => {
          try {
            return summarize(handle, text, {
              beam: o.beam,
              lengthPenalty: o.lengthPenalty,
              coveragePenalty: o.coveragePenalty,
              blockNgram: o.blockNgram,
              ...(o.minLength !== undefined ? { minLength: o.minLength } : {}),
              ...(o.maxLength !== undefined ? { maxLength: o.maxLength } : {}),
            });
          } catch (error) {
            throw toCliError(error);
          }
        })();
        const ms = performance.now() - started;
        if (o.json) io.out(`${JSON.stringify({ ...result, model: o.model, task: handle.task, ms: Math.round(ms) })}\n`);
        else io.out(`${result.summary}\n`);
        if (!o.json && result.truncated) io.err(`longhand: the text was longer than the model reads (${handle.model.config.maxSourceLen} tokens); only its start was summarized\n`);
      });
      setExit(0);
    });
};
