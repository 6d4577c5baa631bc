/** What every repository is built from: the open connection and the clock for timestamps. */
import type { Database } from 'better-sqlite3';
import type { Clock } from './types.js';

export interface RepoContext {
  db: Database;
  now: Clock;
}

export const isoNow = (ctx: RepoContext): string => ctx.now().toISOString();
