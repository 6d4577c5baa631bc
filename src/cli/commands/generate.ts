/**
 * `longhand generate --model DIR|RUN`: continues a prime with a trained language model. Sampling by default
 * (temperature 0.8, seeded: `--seed` repeats a text on the same backend; without it a random seed is used and
 * reported by --json); `--temperature 0` is greedy; `--beam N` prints the N best continuations by beam search.
 * `--stop word|sentence|line` ends the text at the first such boundary. Plain output is the prime followed by
 * the generated text; --json prints `{text, tokens, seed, model, …}` where `text` is the continuation only.
 */
import type { Command } from 'commander';
import type { StopAt } from '../../generate/stop.js';
import { useBackend } from '../compute.js';
import { asCliError } from '../errors.js';
import { CliError, type CliIo, type Register } from '../io.js';
import { withLanguageModel } from '../modelRef.js';

interface GenerateCliOptions {
  model: string;
  prime: string;
  length: string;
  temperature: string;
  topK?: string;
  topP?: string;
  repetitionPenalty?: string;
  beam?: string;
  seed?: string;
  stop?: string;
  json?: boolean;
}

const STOPS = ['word', 'sentence', 'line'] as const;

export const registerGenerate: Register = (program: Command, io: CliIo, setExit) => {
  program
    .command('generate')
    .description('Generate text with a trained language model.')
    .requiredOption('--model <dir|run>', 'checkpoint directory, or a training run id (its best checkpoint)')
    .option('--prime <text>', 'text to continue', '')
    .option('--length <n>', 'maximum tokens to generate', '200')
    .option('--temperature <t>', 'sampling temperature; 0 is greedy', '0.8')
    .option('--top-k <k>', 'sample from the k most likely tokens only')
    .option('--top-p <p>', 'sample from the smallest set of tokens whose probability reaches p')
    .option('--repetition-penalty <x>', 'penalise the last 64 tokens (CTRL-style; 1 = off)')
    .option('--beam <n>', 'beam search: the n best continuations (ignores the sampling options)')
    .option('--seed <s>', 'random seed: the same seed gives the same text on the same backend')
    .option('--stop <unit>', 'stop at the end of a word, sentence or line')
    .option('--json', 'print one JSON object')
    .action(async (options: GenerateCliOptions) => {
      const parsed = parseOptions(options);
      await useBackend('auto', io);
      const { generate, beamSearch, Session, encodeForScoring } = await import('../../generate/index.js');
      await withLanguageModel(options.model, io, async (handle) => {
        // The prime is the user's own text: unknown characters are an error here, not silently changed.
        await asCliError(() => encodeForScoring(handle.tokenizer, options.prime));
        const session = new Session(handle.model, handle.tokenizer);
        try {
          session.prime(options.prime);
          const stop = { maxTokens: parsed.length, stopAt: parsed.stop };
          const model = handle.source.dir ?? options.model;
          if (parsed.beam !== undefined) {
            const results = await beamSearch(session, { ...stop, n: parsed.beam });
            const best = results[0] ?? { text: '', tokens: [] as number[] };
            if (options.json) {
              const alternatives = results.map((r) => ({ text: r.text, score: r.score, logProb: r.logProb, tokens: r.tokens.length, stopReason: r.stopReason }));
              io.out(`${JSON.stringify({ text: best.text, tokens: best.tokens.length, seed: null, model, sha256: handle.source.sha256, prime: options.prime, alternatives })}\n`);
            } else {
              io.out(`${options.prime}${best.text}\n`);
              results.slice(1).forEach((r, i) => io.out(`--- alternative ${i + 2} (score ${r.score.toFixed(3)}) ---\n${options.prime}${r.text}\n`));
            }
          } else {
            const result = await generate(session, { ...stop, ...parsed.sampling });
            if (options.json) {
              io.out(`${JSON.stringify({ text: result.text, tokens: result.tokens.length, seed: result.seed, model, sha256: handle.source.sha256, prime: options.prime, stopReason: result.stopReason, logProb: result.logProb })}\n`);
            } else {
              io.out(`${options.prime}${result.text}\n`);
            }
          }
        } finally {
          session.dispose();
        }
      });
      setExit(0);
    });
};

function parseOptions(options: GenerateCliOptions) {
  const int = (name: string, value: string, min: number) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new CliError(`--${name} must be an integer ≥ ${min} (got ${value})`);
    return n;
  };
  const num = (name: string, value: string, ok: (n: number) => boolean, what: string) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isFinite(n) || !ok(n)) throw new CliError(`--${name} must be ${what} (got ${value})`);
    return n;
  };
  if (options.stop !== undefined && !(STOPS as readonly string[]).includes(options.stop)) {
    throw new CliError(`--stop must be one of ${STOPS.join(', ')} (got ${options.stop})`);
  }
  const sampling = {
    temperature: num('temperature', options.temperature, (n) => n >= 0, 'a number ≥ 0'),
    ...(options.topK !== undefined ? { topK: int('top-k', options.topK, 1) } : {}),
    ...(options.topP !== undefined ? { topP: num('top-p', options.topP, (n) => n > 0 && n <= 1, 'in (0, 1]') } : {}),
    ...(options.repetitionPenalty !== undefined ? { repetitionPenalty: num('repetition-penalty', options.repetitionPenalty, (n) => n > 0, 'a positive number') } : {}),
    ...(options.seed !== undefined ? { seed: int('seed', options.seed, 0) } : {}),
  };
  return {
    length: int('length', options.length, 1),
    stop: (options.stop ?? null) as StopAt | null,
    beam: options.beam !== undefined ? int('beam', options.beam, 1) : undefined,
    sampling,
  };
}
