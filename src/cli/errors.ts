/**
 * Errors a user can cause — a bad file or checkpoint, an unknown run, settings out of range, characters a model
 * lacks — as the CLI's one-line CliError (exit 1, or 2 for settings); anything else is a fault and keeps its
 * stack. Matched by class name so that this module need not load the modules that throw them.
 */
import { CliError } from './io.js';

const USER_ERRORS = new Set([
  'CheckpointError',
  'ImportError',
  'ModelNotFoundError',
  'PairFileError',
  'RangeError',
  'RunLockedError',
  'Seq2seqInputError',
  'SetupError',
  'TokenizerJsonError',
  'TrainingError',
  'UnknownTokensError',
]);

export function toCliError(error: unknown): unknown {
  if (error instanceof CliError) return error;
  if (error instanceof Error && error.name === 'SettingsError') return new CliError(firstLine(error.message), 2);
  if (error instanceof Error && USER_ERRORS.has(error.name)) return new CliError(firstLine(error.message));
  return error;
}

/** Runs `fn`, turning what it throws into CLI errors. */
export async function asCliError<T>(fn: () => T | Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toCliError(error);
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0]!.trim();
}
