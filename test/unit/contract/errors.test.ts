import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ApiError, toErrorShape, zodMessage } from '../../../src/contract/index.js';

describe('errors', () => {
  it.each([
    [new ApiError('Conflict', 'A run is active.'), { name: 'Conflict', message: 'A run is active.' }],
    [Object.assign(new Error('x'), { name: 'AbortError' }), { name: 'Cancelled', message: 'Cancelled.' }],
    [{ name: 'NotFound', message: 'No draft 4.' }, { name: 'NotFound', message: 'No draft 4.' }],
    [{ name: 'EACCES', message: 'denied' }, { name: 'Internal', message: 'Unexpected error.' }],
    [new Error('disk\nfull'), { name: 'Internal', message: 'disk full' }],
    ['plain string', { name: 'Internal', message: 'plain string' }],
    [undefined, { name: 'Internal', message: 'Unexpected error.' }],
  ])('shapes %s', (input, expected) => {
    expect(toErrorShape(input)).toEqual(expected);
  });

  it('keeps messages to one bounded line', () => {
    const { message } = toErrorShape(new Error('a'.repeat(5000)));
    expect(message.length).toBeLessThanOrEqual(1000);
    expect(message).not.toContain('\n');
  });

  it('turns zod errors into ValidationError with the path', () => {
    const r = z.object({ a: z.array(z.object({ b: z.int() })) }).safeParse({ a: [{ b: 1 }, { b: 'x' }] });
    expect(r.success).toBe(false);
    if (r.success) return;
    expect(toErrorShape(r.error)).toEqual({ name: 'ValidationError', message: expect.stringMatching(/^a\[1\]\.b: Invalid input: expected \w+, received string$/) });
    expect(zodMessage(r.error, 'm')).toMatch(/^m a\[1\]\.b: /);
  });
});
