/**
 * `longhand reply --model DIR|RUN TEXT [--json]`: a dialogue reply from a seq2seq model, decoded as the
 * Dialogue pane decodes (REPLY_DECODING), with seed 0 (the same message gives the same reply); `--temperature 0`
 * decodes with beam search. --json adds the tokens and the attention matrix.
 */
import type { Command } from 'commander';
import { REPLY_DECODING } from '../../contract/schemas/decoding.js';
import { useBackend } from '../compute.js';
import { toCliError } from '../errors.js';
import { CliError, type CliIo, type Register } from '../io.js';
import { withSeq2seqModel } from '../modelRef.js';
import { nonNegative, positiveInt as int } from '../options.js';

interface ReplyCliOptions {
  model: string;
  temperature: number;
  seed: number;
  topK: number;
  beam: number;
  blockNgram: number;
  maxTokens?: number;
  json?: boolean;
}

export const registerReply: Register = (program: Command, io: CliIo, setExit) => {
  program
    .command('reply')
    .description('Reply to a message with a trained seq2seq dialogue model.')
    .argument('<text...>', 'the message')
    .requiredOption('--model <dir|run>', 'seq2seq checkpoint directory, or a training run id (its best checkpoint)')
    .option('--temperature <t>', 'sampling temperature; 0 decodes with beam search', nonNegative, REPLY_DECODING.temperature)
    .option('--seed <n>', 'sampling seed', (v) => int(v, 0), 0)
    .option('--top-k <k>', 'sample among the k most likely tokens (0: all)', (v) => int(v, 0), REPLY_DECODING.topK)
    .option('--beam <n>', 'beam width when --temperature is 0', (v) => int(v), REPLY_DECODING.beam)
    .option('--block-ngram <n>', 'never repeat an n-gram within the reply (0: off)', (v) => int(v, 0), REPLY_DECODING.blockNgram)
    .option('--max-tokens <n>', "longest reply in tokens (default: the model's target length)", (v) => int(v))
    .option('--json', 'print one JSON object with tokens and attention')
    .action(async (words: string[], o: ReplyCliOptions) => {
      const message = words.join(' ');
      if (message.trim() === '') throw new CliError('write a message to reply to');
      await useBackend('auto', io);
      const { reply } = await import('../../generate/seq2seq/index.js');
      await withSeq2seqModel(o.model, io, async (handle) => {
        const result = (() => {
          try {
            return reply(handle, message, {
              temperature: o.temperature,
              seed: o.seed,
              topK: o.topK,
              beam: o.beam,
              blockNgram: o.blockNgram,
              ...(o.maxTokens !== undefined ? { maxTokens: o.maxTokens } : {}),
            });
          } catch (error) {
            throw toCliError(error);
          }
        })();
        io.out(o.json ? `${JSON.stringify({ ...result, model: o.model, task: handle.task })}\n` : `${result.reply}\n`);
      });
      setExit(0);
    });
};
