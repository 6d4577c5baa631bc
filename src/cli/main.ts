/**
 * The `longhand` command line: one commander program whose subcommands live in ./commands, each
 * registered here explicitly (no side-effect imports). Commands return an exit code; nothing calls
 * process.exit so that tests can run `main()` in-process.
 */
import { Command, CommanderError } from 'commander';
import { CliError, type CliIo, nodeIo } from './io.js';
import { registerCorpus } from './commands/corpus.js';
import { registerDoctor } from './commands/doctor.js';
import { registerBench } from './commands/bench.js';
import { registerGenerate } from './commands/generate.js';
import { registerScore } from './commands/score.js';
import { registerSuggest } from './commands/suggest.js';
import { registerWeb } from './commands/web.js';
import { registerTrain } from './commands/train.js';
// seq2seq commands (train seq2seq is a subcommand of train, so it registers after registerTrain)
import { registerTrainSeq2seq } from './commands/trainSeq2seq.js';
import { registerSummarize } from './commands/summarize.js';
import { registerReply } from './commands/reply.js';
import { registerEval } from './commands/eval.js';
import { registerPairs } from './commands/pairs.js';

import type { Register } from './io.js';

export type { Register };

const registrations: Register[] = [registerCorpus, registerDoctor, registerBench, registerGenerate, registerScore, registerSuggest, registerWeb, registerTrain,
  registerTrainSeq2seq, registerSummarize, registerReply, registerEval, registerPairs];

export async function main(argv: string[], io: CliIo = nodeIo()): Promise<number> {
  let exitCode = 0;
  const program = new Command('longhand')
    .description('Longhand: an offline writing assistant that learns from your own writing.')
    .version(await packageVersion(), '-V, --version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .showHelpAfterError(false);
  for (const register of registrations) register(program, io, (code) => (exitCode = code));
  try {
    await program.parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof CliError) {
      io.err(`longhand: ${error.message}\n`);
      return error.exitCode;
    }
    io.err(`longhand: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
  return exitCode;
}

async function packageVersion(): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const raw = await readFile(new URL('../../package.json', import.meta.url), 'utf8');
  return (JSON.parse(raw) as { version: string }).version;
}
