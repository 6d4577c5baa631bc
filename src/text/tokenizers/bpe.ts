/**
 * Byte-pair-encoding tokenizer over characters (not bytes): the base alphabet is every character of the
 * training text plus `<unk>`, pieces are cut GPT-2 style (a space belongs to the word after it, so " the" can
 * become one token and merges never cross words), and encoding applies the learned merges in rank order.
 * Text over the alphabet round-trips exactly; characters outside it become `<unk>` (or throw, on request).
 */
import { MAX_BPE_VOCAB, mergePair, pairKey, trainBpeMerges } from './bpeTrain.js';
import { bpePieces } from './pretokenize.js';
import {
  type BpeTokenizerJson,
  type DecodeOptions,
  type EncodeOptions,
  type Tokenizer,
  TokenizerJsonError,
  UNK,
  UnknownTokensError,
  quote,
} from './types.js';
import { checkSpecials, checkSpecialsPrefix, codePointLength, decodeIds, idIndex, optionError, withUnk } from './vocab.js';

export const DEFAULT_BPE_VOCAB = 2000;
const CACHE_LIMIT = 50_000;

export class BpeTokenizer implements Tokenizer {
  readonly level = 'bpe' as const;
  readonly tokens: readonly string[];
  readonly specials: readonly string[];
  readonly merges: readonly (readonly [number, number])[];
  readonly unkId: number;
  private readonly index: Map<string, number>;
  private readonly charIds = new Map<string, number>();
  /** pair key → merge rank */
  private readonly ranks = new Map<number, number>();
  private readonly firstMergeId: number;
  private readonly cache = new Map<string, number[]>();

  constructor(specials: readonly string[], tokens: readonly string[], merges: readonly (readonly [number, number])[]) {
    checkSpecials(specials, 'bpe');
    if (!specials.includes(UNK)) throw new TokenizerJsonError(`bpe: the specials must include ${quote(UNK)}`);
    checkSpecialsPrefix('bpe', specials, tokens);
    if (tokens.length > MAX_BPE_VOCAB) throw new TokenizerJsonError(`bpe: more than ${MAX_BPE_VOCAB} tokens`);
    this.firstMergeId = tokens.length - merges.length;
    if (this.firstMergeId < specials.length) {
      throw new TokenizerJsonError(`bpe: ${merges.length} merges but only ${tokens.length - specials.length} non-special tokens`);
    }
    for (let id = specials.length; id < this.firstMergeId; id += 1) {
      const ch = tokens[id] as string;
      if (codePointLength(ch) !== 1) throw new TokenizerJsonError(`bpe: alphabet token tokens[${id}] ${quote(ch)} must be one character`);
      const first = this.charIds.get(ch);
      if (first !== undefined) throw new TokenizerJsonError(`bpe: ${quote(ch)} appears twice in the alphabet (tokens[${first}] and tokens[${id}])`);
      this.charIds.set(ch, id);
    }
    merges.forEach(([left, right], rank) => {
      const id = this.firstMergeId + rank;
      const ok = (part: number) => Number.isInteger(part) && part >= specials.length && part < id;
      if (!ok(left) || !ok(right)) {
        throw new TokenizerJsonError(`bpe: merges[${rank}] = [${left}, ${right}] must join two non-special tokens made before token ${id}`);
      }
      if (tokens[id] !== (tokens[left] as string) + (tokens[right] as string)) {
        throw new TokenizerJsonError(`bpe: tokens[${id}] ${quote(tokens[id] as string)} is not tokens[${left}] + tokens[${right}] as merges[${rank}] says`);
      }
      const key = pairKey(left, right);
      if (this.ranks.has(key)) throw new TokenizerJsonError(`bpe: merges[${rank}] repeats merges[${this.ranks.get(key)}]`);
      this.ranks.set(key, rank);
    });
    this.specials = [...specials];
    this.tokens = [...tokens];
    this.merges = merges.map(([left, right]) => [left, right] as const);
    this.index = idIndex(this.tokens);
    this.unkId = specials.indexOf(UNK);
  }

  static train(
    texts: string | readonly string[],
    options: { specials?: readonly string[]; vocabSize?: number; minFrequency?: number } = {},
  ): BpeTokenizer {
    const specials = withUnk(checkSpecials(options.specials ?? [], 'bpe', optionError));
    const target = options.vocabSize ?? DEFAULT_BPE_VOCAB;
    const minFrequency = options.minFrequency ?? 2;
    if (!Number.isInteger(target) || target < 1 || target > MAX_BPE_VOCAB) {
      throw optionError(`bpe vocabSize must be an integer from 1 to ${MAX_BPE_VOCAB}, got ${target}`);
    }
    if (!Number.isInteger(minFrequency) || minFrequency < 1) throw optionError(`bpe minFrequency must be a positive integer, got ${minFrequency}`);
    const { alphabet, merges } = trainBpeMerges(typeof texts === 'string' ? [texts] : texts, specials.length, target, minFrequency);
    const tokens = [...specials, ...alphabet];
    for (const [left, right] of merges) tokens.push((tokens[left] as string) + (tokens[right] as string));
    return new BpeTokenizer(specials, tokens, merges);
  }

  get vocabSize(): number {
    return this.tokens.length;
  }

  idOf(token: string): number | undefined {
    return this.index.get(token);
  }

  encode(text: string, options: EncodeOptions = {}): number[] {
    const ids: number[] = [];
    let unknown: Set<string> | undefined;
    for (const piece of bpePieces(text)) {
      let pieceIds = this.cache.get(piece);
      if (!pieceIds) {
        const symbols: number[] = [];
        let clean = true;
        for (const ch of piece) {
          const id = this.charIds.get(ch);
          if (id === undefined) {
            (unknown ??= new Set()).add(ch);
            clean = false;
          }
          symbols.push(id ?? this.unkId);
        }
        pieceIds = this.applyMerges(symbols);
        // Pieces with unknown characters are not cached so that every call reports them.
        if (clean) {
          if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
          this.cache.set(piece, pieceIds);
        }
      }
      for (const id of pieceIds) ids.push(id);
    }
    if (unknown && options.onUnknown === 'throw') throw new UnknownTokensError('characters', [...unknown]);
    return ids;
  }

  decode(ids: ArrayLike<number>, options?: DecodeOptions): string {
    return decodeIds(this.tokens, this.specials.length, ids, options);
  }

  toJSON(): BpeTokenizerJson {
    return {
      level: 'bpe',
      specials: [...this.specials],
      tokens: [...this.tokens],
      merges: this.merges.map(([left, right]) => [left, right]),
    };
  }

  /**
   * Repeatedly merges the lowest-ranked pair present. Equivalent to replaying training's merges in order: a
   * merge can never create a pair of lower rank, because lower ranks only join tokens that existed earlier.
   */
  private applyMerges(symbols: number[]): number[] {
    let word = symbols;
    while (word.length > 1) {
      let bestRank = Infinity;
      for (let i = 0; i + 1 < word.length; i += 1) {
        const rank = this.ranks.get(pairKey(word[i] as number, word[i + 1] as number));
        if (rank !== undefined && rank < bestRank) bestRank = rank;
      }
      if (bestRank === Infinity) break;
      const [left, right] = this.merges[bestRank] as readonly [number, number];
      word = mergePair(word, left, right, this.firstMergeId + bestRank);
    }
    return word;
  }
}
