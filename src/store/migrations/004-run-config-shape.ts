/**
 * Migration 4: one stored shape for a run's config. Before the CLI and the app shared one training path, the
 * CLI stored a language model's split as a tuple `split: [train, validation, test]`; the contract's shape (what
 * every run now stores, and what a resume reads) has `validationFraction` and `testFraction`. Without this, an
 * interrupted CLI run from an older Longhand would resume on a different split.
 */
import type { Migration } from './types.js';

export const migration004: Migration = {
  version: 4,
  name: 'run-config-shape',
  sql: `
UPDATE runs
SET config = json_remove(
  json_set(config,
    '$.validationFraction', json_extract(config, '$.split[1]'),
    '$.testFraction', json_extract(config, '$.split[2]')),
  '$.split')
WHERE kind = 'lm'
  AND json_type(config, '$.split') = 'array'
  AND json_array_length(config, '$.split') = 3;
`,
};
