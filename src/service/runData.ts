/**
 * A run's data, checked when the run is queued (not after it waited its turn) and measured for its time
 * estimate: a language model's corpus (its characters, or words at the word and subword levels); an
 * encoder–decoder's pairs, read from their file or mined from the corpus exactly as the job will (a file that
 * cannot be read, or a corpus with no pairs for the task, is a one-line ValidationError before a run exists).
 *
 * Mining reads the whole corpus (a novel takes a few hundred milliseconds) and a pairs file can be long, so what
 * was found is kept per corpus state and task, or per file state (modification time and size).
 */
import { promises as fs } from 'node:fs';
import type { PairsSource, Seq2seqTask } from '../contract/index.js';
import type { Store } from '../store/index.js';
import { SetupError } from '../train/errors.js';
import { minedPairs } from '../train/seq2seq/mining.js';
import { type Pair, PairFileError, readPairsFile } from '../text/pairs/index.js';
import { invalid, sentence } from './errors.js';
import { pathProblem } from './importing.js';

/** Word-level tokens per word (punctuation is a token of its own); documented in resources/presets/README.md. */
export const TOKENS_PER_WORD = 1.3;

/** How much an encoder–decoder's pairs hold. */
export interface PairsSize {
  pairs: number;
  /** Target tokens over all pairs (each capped at the longest target the model reads, +1 for the end). */
  targetTokens(maxTargetLen: number): number;
}

const MAX_CACHED = 16;

export class RunData {
  readonly #store: Store;
  /** What was found per pairs file state, or per corpus state and task. */
  readonly #cache = new Map<string, PairsSize>();

  constructor(store: Store) {
    this.#store = store;
  }

  /** The pairs a run would train on, checked; ValidationError (one line) when there are none or they cannot be read. */
  async pairs(source: PairsSource, task: Seq2seqTask): Promise<PairsSize> {
    if (source.kind === 'file') {
      // A file is read again only when it changed (the Training pane asks for estimates as the form changes).
      const stamp = await Promise.all([source.path, source.validPath].map((f) => (f ? fs.stat(f).then((s) => `${s.mtimeMs}:${s.size}`, () => 'none') : '')));
      const key = `file|${source.path}|${source.validPath ?? ''}|${stamp.join('|')}`;
      const known = this.#cache.get(key);
      if (known) return known;
      const pairs = await readChecked(source.path);
      if (source.validPath) await readChecked(source.validPath);
      if (pairs.length === 0) throw invalid(`The pairs file ${source.path} holds no pairs.`);
      return this.#keep(key, sizeOf(pairs));
    }
    const corpus = this.#store.corpora.get(source.corpusId);
    const stats = this.#store.corpora.stats(source.corpusId);
    const key = `mined|${source.corpusId}|${task}|${stats.documents}|${stats.characters}|${stats.bytes}`;
    const known = this.#cache.get(key);
    if (known) return known;
    const documents = this.#store.documents.listWithText(source.corpusId).map((d) => d.text);
    let size: PairsSize;
    try {
      size = sizeOf(minedPairs(documents, task));
    } catch (error) {
      if (error instanceof SetupError) throw invalid(sentence(`${corpus ? `“${corpus.name}”: ` : ''}${error.message}`));
      throw error;
    }
    return this.#keep(key, size);
  }

  #keep(key: string, size: PairsSize): PairsSize {
    if (this.#cache.size >= MAX_CACHED) this.#cache.delete(this.#cache.keys().next().value!);
    this.#cache.set(key, size);
    return size;
  }
}

async function readChecked(file: string): Promise<Pair[]> {
  const problem = pathProblem(file);
  if (problem) throw invalid(`The pairs file ${file} ${problem}.`);
  const stat = await fs.stat(file).catch(() => null);
  if (!stat) throw invalid(`The pairs file ${file} does not exist.`);
  if (!stat.isFile()) throw invalid(`The pairs file ${file} is not a regular file.`);
  try {
    return await readPairsFile(file);
  } catch (error) {
    if (error instanceof PairFileError) throw invalid(sentence(`cannot read pairs from ${error.message.split('\n')[0]!}`));
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES') throw invalid(`The pairs file ${file} cannot be read (permission denied).`);
    throw error;
  }
}

/** Word-level token count of a text, roughly as the encoder–decoder's tokenizer cuts it. */
function wordTokens(text: string): number {
  return text.match(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu)?.length ?? 0;
}

function sizeOf(pairs: readonly Pair[]): PairsSize {
  const lengths = pairs.map((p) => wordTokens(p.target));
  return {
    pairs: pairs.length,
    targetTokens: (maxTargetLen) => lengths.reduce((sum, n) => sum + Math.min(n, maxTargetLen) + 1, 0),
  };
}
