/** The errors training raises for problems a user can cause, and the one-line form every message takes. */

/**
 * Bad input for a run (no usable text or pairs, text too short, data that changed since the run started): the
 * run cannot train, and the message (one line) says why.
 */
export class SetupError extends Error {
  override name = 'SetupError';
}

/** A checkpoint whose files are intact but which cannot be resumed from (no training state). */
export class UnusableCheckpointError extends Error {
  override name = 'UnusableCheckpointError';
}

/** The first line of an error's message. */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.split('\n')[0]!.trim();
}
