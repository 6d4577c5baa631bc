/** Sequence-pair types shared by the readers, writers, dataset preparation and pair mining. */

/** One training example for an encoder–decoder model: `source` → `target`. */
export interface Pair {
  source: string;
  target: string;
  id?: string;
}

export type PairFormat = 'jsonl' | 'tsv';

export type PairProblemKind =
  | 'invalid-json'
  | 'not-object'
  | 'missing-field'
  | 'not-string'
  | 'empty-side'
  | 'column-count'
  | 'blank-line';

/** One malformed line: 1-based line number and what is wrong with it. */
export interface PairProblem {
  line: number;
  kind: PairProblemKind;
  message: string;
}

/**
 * A pairs file with malformed lines. Nothing is skipped silently: the whole read fails and lists the
 * first `problems.length` problems (of `total`) with their line numbers.
 */
export class PairFileError extends Error {
  readonly file: string;
  readonly problems: readonly PairProblem[];
  readonly total: number;

  constructor(file: string, problems: readonly PairProblem[], total: number) {
    const shown = problems.map((p) => `line ${p.line}: ${p.message}`).join('; ');
    const more = total > problems.length ? `; and ${total - problems.length} more` : '';
    super(`${file}: ${total} malformed line${total === 1 ? '' : 's'} (${shown}${more})`);
    this.name = 'PairFileError';
    this.file = file;
    this.problems = problems;
    this.total = total;
  }
}
