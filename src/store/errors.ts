/** Errors the store raises for conditions a user or caller can cause; each message is one line. */

export class StoreError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StoreError';
  }
}

/** The database was written by a newer Longhand. It is left exactly as found. */
export class DatabaseTooNewError extends StoreError {
  constructor(
    readonly file: string,
    readonly foundVersion: number,
    readonly supportedVersion: number,
  ) {
    super(
      `${file} has schema version ${foundVersion}, but this Longhand understands only up to version ` +
        `${supportedVersion}: it was written by a newer Longhand. Update Longhand to open it (the file was not changed).`,
    );
    this.name = 'DatabaseTooNewError';
  }
}

export class InvalidTransitionError extends StoreError {
  constructor(
    readonly runId: number,
    readonly from: string,
    readonly to: string,
  ) {
    super(`run ${runId} cannot go from ${from} to ${to}`);
    this.name = 'InvalidTransitionError';
  }
}

/** A row that is not there (a run, a corpus, a draft, a checkpoint by id). */
export class NotFoundError extends StoreError {
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}

/** A name another row already has (corpus names are unique). */
export class NameTakenError extends StoreError {
  constructor(message: string) {
    super(message);
    this.name = 'NameTakenError';
  }
}
