/** Reading what a command is given: `--input FILE` or standard input for `-`, and UTF-8 text files. */
import { promises as fs } from 'node:fs';
import { normaliseText } from '../text/import/normalise.js';
import { CliError } from './io.js';

export async function readInput(input: string): Promise<string> {
  if (input === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  }
  try {
    return await fs.readFile(input, 'utf8');
  } catch (error) {
    throw readProblem(input, error);
  }
}

/** A UTF-8 text file, normalised like an imported document (BOM dropped, CRLF → LF). */
export async function readText(file: string): Promise<string> {
  let bytes: Buffer;
  try {
    bytes = await fs.readFile(file);
  } catch (error) {
    throw readProblem(file, error);
  }
  try {
    return normaliseText(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new CliError(`${file} is not UTF-8 text`);
  }
}

function readProblem(file: string, error: unknown): CliError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return new CliError(`no such file: ${file}`);
  if (code === 'EISDIR') return new CliError(`${file} is a directory, not a text file`);
  return new CliError(`cannot read ${file}: ${(error as Error).message}`);
}
