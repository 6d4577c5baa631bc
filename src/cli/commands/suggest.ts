/**
 * `longhand suggest --model M --before TEXT [--n N] [--json]`: the editor's ghost text for TEXT (the text before
 * the cursor), computed by the very function the editor's completion uses (src/generate/suggest.ts), so the
 * suggestion policy can be tried and measured from a shell. Plain output: one suggestion a line (nothing when the
 * policy shows nothing, and why on stderr). --json prints one object: the suggestions with their scores and
 * first-word probabilities, why none was shown, and what the policy decided from (the cursor's word state, the
 * probability that a half-typed word goes on, the candidate first words).
 */
import type { Command } from 'commander';
import { useBackend } from '../compute.js';
import { CliError, type CliIo, type Register } from '../io.js';
import { withLanguageModel } from '../modelRef.js';

interface SuggestCliOptions {
  model: string;
  before: string;
  n: string;
  json?: boolean;
}

/** The editor's maximum (contract: generate.complete's n). */
const MAX_ALTERNATIVES = 8;

export const registerSuggest: Register = (program: Command, io: CliIo, setExit) => {
  program
    .command('suggest')
    .description("The editor's ghost text for a text (the text before the cursor), with the editor's own policy.")
    .requiredOption('--model <dir|run>', 'checkpoint directory, starter, or a training run id (its best checkpoint)')
    .requiredOption('--before <text>', 'the text before the cursor')
    .option('--n <n>', `suggestions wanted (1–${MAX_ALTERNATIVES})`, '1')
    .option('--json', 'print one JSON object')
    .action(async (options: SuggestCliOptions) => {
      const n = Number(options.n);
      if (!Number.isInteger(n) || n < 1 || n > MAX_ALTERNATIVES) throw new CliError(`--n must be an integer from 1 to ${MAX_ALTERNATIVES} (got ${options.n})`);
      await useBackend('auto', io);
      const { suggest, SUGGEST_POLICY, whyNothing } = await import('../../generate/index.js');
      await withLanguageModel(options.model, io, async (handle) => {
        const result = await suggest(handle, { before: options.before, n });
        const why = whyNothing(result.raw, result.alternatives.length, SUGGEST_POLICY);
        if (options.json) {
          const firstWords = Object.fromEntries(
            Object.entries(result.raw.branches).map(([branch, candidates]) => [
              branch,
              candidates.map((c) => ({ text: c.words[0]!.text, probability: Math.exp(c.words[0]!.logProb) })),
            ]),
          );
          io.out(
            `${JSON.stringify({
              before: options.before,
              alternatives: result.alternatives,
              shown: result.alternatives.length > 0,
              why,
              state: result.raw.state,
              continueProb: result.raw.continueProb,
              firstWords,
              unknown: result.unknown,
              tookMs: Number(result.tookMs.toFixed(2)),
              model: handle.source.dir ?? options.model,
            })}\n`,
          );
        } else {
          for (const alternative of result.alternatives) io.out(`${alternative.text}\n`);
          if (why) io.err(`no suggestion: ${why}\n`);
        }
      });
      setExit(0);
    });
};
