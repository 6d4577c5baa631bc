/** Every migration in order. The last one's version is the schema version this Longhand writes. */
import { migration001 } from './001-initial.js';
import { migration002 } from './002-drafts.js';
import { migration003 } from './003-service.js';
import { migration004 } from './004-run-config-shape.js';
import type { Migration } from './types.js';

export type { Migration } from './types.js';

export const MIGRATIONS: readonly Migration[] = [migration001, migration002, migration003, migration004];

export const LATEST_VERSION = MIGRATIONS.at(-1)?.version ?? 0;
