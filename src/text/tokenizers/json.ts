/**
 * Reading `tokenizer.json` back: the shape is checked with zod, then the tokenizer's own constructor checks
 * the meaning (specials first, no duplicates, merges that add up). Any failure is a TokenizerJsonError whose
 * one-line message says where the problem is.
 */
import { z } from 'zod';
import { BpeTokenizer } from './bpe.js';
import { CharTokenizer } from './char.js';
import { type Tokenizer, type TokenizerJson, TokenizerJsonError, tokenizerLevels } from './types.js';
import { WordTokenizer } from './word.js';

const tokenList = z.array(z.string());
const id = z.number().int().nonnegative();

const tokenizerJsonSchema = z.discriminatedUnion('level', [
  z.object({ level: z.literal('char'), tokens: tokenList }),
  z.object({ level: z.literal('word'), specials: tokenList, tokens: tokenList }),
  z.object({ level: z.literal('bpe'), specials: tokenList, tokens: tokenList, merges: z.array(z.tuple([id, id])) }),
]);

/** Rebuilds a tokenizer from its JSON, given as text or already parsed. */
export function tokenizerFromJson(input: unknown): Tokenizer {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input);
    } catch (error) {
      throw new TokenizerJsonError(`not JSON (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  const json = parseTokenizerJson(value);
  switch (json.level) {
    case 'char':
      return new CharTokenizer(json.tokens);
    case 'word':
      return new WordTokenizer(json.specials, json.tokens);
    case 'bpe':
      return new BpeTokenizer(json.specials, json.tokens, json.merges);
  }
}

export function parseTokenizerJson(value: unknown): TokenizerJson {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new TokenizerJsonError(`expected an object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value}`);
  }
  const level = (value as { level?: unknown }).level;
  if (!tokenizerLevels.includes(level as never)) {
    throw new TokenizerJsonError(`"level" must be one of ${tokenizerLevels.map((l) => `"${l}"`).join(', ')}, got ${JSON.stringify(level) ?? 'nothing'}`);
  }
  const result = tokenizerJsonSchema.safeParse(value);
  if (!result.success) {
    const issues = result.error.issues.slice(0, 3).map((issue) => `${issuePath(issue.path)}: ${issue.message}`);
    const more = result.error.issues.length > 3 ? ` (and ${result.error.issues.length - 3} more)` : '';
    throw new TokenizerJsonError(`${level as string}: ${issues.join('; ')}${more}`);
  }
  return result.data;
}

function issuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part)), '') || '(root)';
}
