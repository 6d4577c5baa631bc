/** Where CLI output goes, so commands can be tested in-process with captured streams. */
import type { Command } from 'commander';

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** True when stdout is a terminal (progress bars); false for pipes and tests. */
  isTty: boolean;
  env: NodeJS.ProcessEnv;
}

export function nodeIo(): CliIo {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    isTty: Boolean(process.stdout.isTTY),
    env: process.env,
  };
}

/** An error the user caused (bad file, unknown corpus): printed as one line, no stack trace. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = 'CliError';
  }
}

/** How a command module adds its commands to the program (src/cli/main.ts lists them). */
export type Register = (program: Command, io: CliIo, setExit: (code: number) => void) => void;
