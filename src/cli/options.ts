/**
 * Parsers for numeric options. They check only that a value is a number (or an integer): the bounds of a
 * training setting live in the contract's schemas, which the settings are checked against once assembled.
 */
import { InvalidArgumentError } from 'commander';

export function integer(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isInteger(n)) throw new InvalidArgumentError('expected an integer.');
  return n;
}

export function number(value: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('expected a number.');
  return n;
}

/** An integer of at least `min` (counts that are not training settings: --resume RUN, beam widths…). */
export function positiveInt(value: string, min = 1): number {
  const n = integer(value);
  if (n < min) throw new InvalidArgumentError(`expected an integer ≥ ${min}.`);
  return n;
}

export function nonNegative(value: string): number {
  const n = number(value);
  if (n < 0) throw new InvalidArgumentError('expected a number ≥ 0.');
  return n;
}
