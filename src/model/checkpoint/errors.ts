/**
 * The one error type checkpoint code throws for anything a user (or a crash, or a disk) can cause: a missing or
 * changed file, a model Longhand cannot run, metadata it cannot read. The message is one line that names the
 * directory and the file; `code` lets callers (service, CLI) react without parsing the message.
 */

export type CheckpointErrorCode =
  /** The directory, or a file it needs, is not there. */
  | 'missing'
  /** A file's bytes differ from the manifest in longhand.json, or the whole checkpoint from the recorded sha256. */
  | 'changed'
  /** A weight file is shorter or longer than its manifest says. */
  | 'truncated'
  /** A JSON file does not parse, or does not have the expected shape. */
  | 'invalid'
  /** The model is a valid TF.js model, but not one Longhand can run. */
  | 'unsupported'
  /** Files that are each fine but do not belong together (tokenizer vs embedding, metadata vs topology). */
  | 'mismatch'
  /** Writing failed (the previous checkpoint, if any, is untouched). */
  | 'write-failed';

export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';

  constructor(
    readonly code: CheckpointErrorCode,
    message: string,
    /** The checkpoint directory concerned. */
    readonly dir: string,
    /** The file inside it, when one file is to blame. */
    readonly file?: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
