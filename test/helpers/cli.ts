import type { CliIo } from '../../src/cli/io.js';

export interface CapturedIo extends CliIo {
  stdout(): string;
  stderr(): string;
}

/** A CliIo that records output, for running `main()` in-process. */
export function captureIo(env: NodeJS.ProcessEnv = process.env): CapturedIo {
  let out = '';
  let err = '';
  return {
    out: (text) => void (out += text),
    err: (text) => void (err += text),
    isTty: false,
    env,
    stdout: () => out,
    stderr: () => err,
  };
}
