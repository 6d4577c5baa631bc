/**
 * Errors cross the boundary as `{ name, message }`: a closed set of names the renderer can act on and a one-line
 * message a writer can read. Anything else (a stack, a Node error code) stays on the service side.
 */
import { z } from 'zod';

export const ERROR_NAMES = ['ValidationError', 'NotFound', 'Conflict', 'Cancelled', 'Unavailable', 'Internal'] as const;
export const ErrorName = z.enum(ERROR_NAMES);
export type ErrorName = z.infer<typeof ErrorName>;

const MAX_MESSAGE = 1000;

export const ErrorShape = z.object({ name: ErrorName, message: z.string().max(MAX_MESSAGE * 2) });
export type ErrorShape = z.infer<typeof ErrorShape>;

export class ApiError extends Error {
  override readonly name: ErrorName;

  constructor(name: ErrorName, message: string) {
    super(message);
    this.name = name;
  }

  toJSON(): ErrorShape {
    return { name: this.name, message: this.message };
  }
}

export const isApiError = (e: unknown, name?: ErrorName): e is ApiError =>
  e instanceof ApiError && (name === undefined || e.name === name);

export const isCancelled = (e: unknown): boolean => isApiError(e, 'Cancelled');

function oneLine(s: string): string {
  const line = s.replace(/\s+/g, ' ').trim();
  return line.length > MAX_MESSAGE ? `${line.slice(0, MAX_MESSAGE - 1)}…` : line;
}

function pathText(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out;
}

type Issue = z.core.$ZodIssue;

/** In a failed union, the branch that came closest (fewest issues) says the most useful thing. */
function deepest(issue: Issue, prefix: readonly PropertyKey[]): { issue: Issue; path: PropertyKey[] } {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const best = [...issue.errors].sort((a, b) => a.length - b.length)[0];
    const first = best?.[0];
    if (first) return deepest(first, path);
  }
  return { issue, path };
}

/**
 * One clear line for a zod error: `files[0].name: must be a file name, not a path (and 2 more problems)`.
 * `subject` names what was checked, e.g. the method.
 */
export function zodMessage(error: z.ZodError, subject?: string): string {
  const [first] = error.issues;
  if (!first) return subject ? `${subject}: invalid input` : 'invalid input';
  const { issue, path } = deepest(first, []);
  const where = pathText(path);
  const more = error.issues.length - 1;
  const what = issue.code === 'unrecognized_keys' ? `unknown field ${issue.keys.map((k) => `"${k}"`).join(', ')}` : issue.message;
  const head = [subject, where].filter(Boolean).join(' ');
  return oneLine(`${head ? `${head}: ` : ''}${what}${more > 0 ? ` (and ${more} more problem${more > 1 ? 's' : ''})` : ''}`);
}

/** Any thrown value as the boundary shape. Unknown errors become Internal with their message only. */
export function toErrorShape(e: unknown): ErrorShape {
  if (e instanceof ApiError) return { name: e.name, message: oneLine(e.message) };
  if (e instanceof z.ZodError) return { name: 'ValidationError', message: zodMessage(e) };
  if (e instanceof Error && e.name === 'AbortError') return { name: 'Cancelled', message: 'Cancelled.' };
  const parsed = ErrorShape.safeParse(e);
  if (parsed.success) return { name: parsed.data.name, message: oneLine(parsed.data.message) };
  const message = e instanceof Error ? e.message : typeof e === 'string' ? e : 'Unexpected error.';
  return { name: 'Internal', message: oneLine(message) || 'Unexpected error.' };
}

export const toApiError = (e: unknown): ApiError => {
  if (e instanceof ApiError) return e;
  const shape = toErrorShape(e);
  return new ApiError(shape.name, shape.message);
};
