/**
 * `longhand score --model DIR|RUN --text FILE`: how well a model predicts a text (src/generate/score.ts for
 * what each number means). The file is read as UTF-8 and normalised like an imported document (BOM dropped,
 * CRLF → LF), so a corpus file scores as the model saw it in training. --json prints exactly
 * `{"tokens", "nll", "perplexity", "bits_per_char"}` plus `predicted_tokens`, `predicted_chars`, `model`.
 */
import type { Command } from 'commander';
import { useBackend } from '../compute.js';
import { asCliError } from '../errors.js';
import { readText } from '../input.js';
import type { CliIo, Register } from '../io.js';
import { withLanguageModel } from '../modelRef.js';

export const registerScore: Register = (program: Command, io: CliIo, setExit) => {
  program
    .command('score')
    .description("Score a text with a trained language model: loss, perplexity and bits per character.")
    .requiredOption('--model <dir|run>', 'checkpoint directory, or a training run id (its best checkpoint)')
    .requiredOption('--text <file>', 'UTF-8 text file to score')
    .option('--json', 'print one JSON object')
    .action(async (options: { model: string; text: string; json?: boolean }) => {
      const text = await readText(options.text);
      await useBackend('auto', io);
      const { score } = await import('../../generate/score.js');
      const result = await withLanguageModel(options.model, io, async (handle) => ({
        ...(await asCliError(() => score(handle.model, handle.tokenizer, text))),
        model: handle.source.dir ?? options.model,
      }));
      if (options.json) {
        io.out(`${JSON.stringify(result)}\n`);
      } else {
        io.out(
          [
            `${options.text}: ${result.tokens} tokens (${result.predicted_tokens} predicted, ${result.predicted_chars} characters)`,
            `  loss:            ${result.nll.toFixed(4)} nats/token`,
            `  perplexity:      ${result.perplexity.toFixed(3)}`,
            `  bits/character:  ${result.bits_per_char.toFixed(4)}`,
            '',
          ].join('\n'),
        );
      }
      setExit(0);
    });
};
