/** The shape of one schema migration. */
export interface Migration {
  /** The `PRAGMA user_version` the database has after this migration; 1, 2, 3… without gaps. */
  version: number;
  name: string;
  /** Plain SQL, run inside the migration's own transaction. */
  sql: string;
}
