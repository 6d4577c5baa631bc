/**
 * Turning what the core throws into the contract's `{ name, message }`: store conflicts and impossible status
 * changes are Conflict, a refused file or checkpoint is ValidationError, a missing row is NotFound.
 */
import { ApiError } from '../contract/index.js';
import { CheckpointError } from '../model/checkpoint/errors.js';
import { InvalidTransitionError, NameTakenError, NotFoundError } from '../store/index.js';
import { ImportError } from '../text/import/index.js';

export const notFound = (what: string, id: number | string): ApiError =>
  new ApiError('NotFound', `There is no ${what} ${typeof id === 'number' ? `with id ${id}` : `"${id}"`}.`);

export const invalid = (message: string): ApiError => new ApiError('ValidationError', message);

export const conflict = (message: string): ApiError => new ApiError('Conflict', message);

/** Upper-cases the first letter and ends with a full stop: store and import messages are lower-case fragments. */
export function sentence(message: string): string {
  const text = message.trim();
  if (!text) return text;
  const first = text[0]!.toUpperCase() + text.slice(1);
  return /[.!?…]$/.test(first) ? first : `${first}.`;
}

export function toServiceError(error: unknown): unknown {
  if (error instanceof ApiError) return error;
  if (error instanceof InvalidTransitionError) return conflict(sentence(error.message));
  if (error instanceof NameTakenError) return conflict(sentence(error.message));
  if (error instanceof NotFoundError) return new ApiError('NotFound', sentence(error.message));
  if (error instanceof ImportError) return invalid(sentence(error.message));
  if (error instanceof CheckpointError) return invalid(sentence(error.message));
  return error;
}

/** Wraps a handler so core errors cross as contract errors. */
export function mapErrors<A extends unknown[], R>(fn: (...args: A) => R | Promise<R>): (...args: A) => Promise<R> {
  return async (...args: A) => {
    try {
      return await fn(...args);
    } catch (error) {
      throw toServiceError(error);
    }
  };
}
