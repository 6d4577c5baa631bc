/**
 * A stateful generation session: the model's recurrent state after reading some text, and its logits for the
 * next token. Priming reads the text once, one `step` per token; after that every new token costs one `step`
 * — the window is never fed again.
 *
 * For the editor, `extend(text)` takes the whole text before the cursor each time and feeds only what changed:
 * when the text grew, just the new tokens; when the last few tokens changed (a backspace, a word-level or BPE
 * token re-cut by the next keystroke), it rewinds to a state kept for each of the last `rewindTokens`
 * positions and feeds from there; anything else (an edit further back, a jump elsewhere) re-primes on the
 * last `contextTokens` tokens. Whatever the path, the state is the one a fresh prime of the same window gives.
 *
 * Characters the vocabulary lacks are mapped or dropped (./encode.ts), never refused. Tensors: the session
 * owns its state and snapshots; `dispose()` frees them. `fork()` gives an independent copy for generating.
 */
import { tf } from '../compute/tf.js';
import type { LanguageModel } from '../model/languageModel.js';
import type { LayerState } from '../model/types.js';
import type { Tokenizer } from '../text/tokenizers/index.js';
import { type UnknownInput, encodeLenient, mergeUnknown } from './encode.js';

export interface SessionOptions {
  /** Tokens of context a (re)prime reads: the last N tokens of the text. Default 512. */
  contextTokens?: number;
  /** Recent positions whose state is kept so that an edit near the end rewinds instead of re-priming. Default 16. */
  rewindTokens?: number;
}

export type SyncMode = 'primed' | 'extended' | 'rewound' | 'unchanged';

export interface SyncReport {
  mode: SyncMode;
  /** Tokens fed to the model by this call. */
  fed: number;
  /** Characters or words of the window the vocabulary lacks, and what became of them. */
  unknown: UnknownInput | null;
}

export const DEFAULT_CONTEXT_TOKENS = 512;
export const DEFAULT_REWIND_TOKENS = 16;
/** Characters per token assumed when cutting a long text's tail before encoding it (word/BPE). */
const CHARS_PER_TOKEN = 8;

interface Snapshot {
  /** The state after the first `position` tokens of the window. */
  position: number;
  state: LayerState[];
  logits: Float32Array;
}

export class Session {
  readonly contextTokens: number;
  readonly rewindTokens: number;
  private state: LayerState[];
  private nextLogits: Float32Array;
  /** Token ids of the window text; ids[fedFrom..position) are what the state has read. */
  private ids: number[] = [];
  private fedFrom = 0;
  private position = 0;
  private raw = '';
  private windowStart = 0;
  private snapshots: Snapshot[] = [];
  private unknownInput: UnknownInput | null = null;
  private disposed = false;

  constructor(
    readonly model: LanguageModel,
    readonly tokenizer: Tokenizer,
    options: SessionOptions = {},
  ) {
    this.contextTokens = options.contextTokens ?? DEFAULT_CONTEXT_TOKENS;
    this.rewindTokens = options.rewindTokens ?? DEFAULT_REWIND_TOKENS;
    if (!Number.isInteger(this.contextTokens) || this.contextTokens < 1) throw new RangeError(`contextTokens must be a positive integer (got ${this.contextTokens})`);
    if (!Number.isInteger(this.rewindTokens) || this.rewindTokens < 0) throw new RangeError(`rewindTokens must be a non-negative integer (got ${this.rewindTokens})`);
    if (tokenizer.vocabSize !== model.config.vocabSize) {
      throw new Error(`the tokenizer has ${tokenizer.vocabSize} tokens but the model's vocabulary is ${model.config.vocabSize}`);
    }
    this.state = model.zeroState(1);
    this.nextLogits = emptyContextLogits(model);
  }

  /** Logits [V] for the next token (do not modify). */
  get logits(): Float32Array {
    return this.nextLogits;
  }

  /** The recurrent state, batch 1 (borrowed: valid until the session changes). */
  get recurrentState(): readonly LayerState[] {
    return this.state;
  }

  /** The text the state stands for (the window is its tail). */
  get text(): string {
    return this.raw;
  }

  /** Token ids of the window, the fed ones last. */
  get tokens(): readonly number[] {
    return this.ids;
  }

  /** Tokens the state has read since it was last primed. */
  get fedTokens(): number {
    return this.position - this.fedFrom;
  }

  /** Where in `text` the encoded window starts. */
  get contextStart(): number {
    return this.windowStart;
  }

  get unknown(): UnknownInput | null {
    return this.unknownInput;
  }

  /** Forgets everything and reads the last `contextTokens` tokens of `text`. */
  prime(text: string): SyncReport {
    this.checkAlive();
    this.reset();
    const window = this.encodeWindow(text);
    this.raw = text;
    this.windowStart = window.start;
    this.unknownInput = window.unknown;
    this.ids = window.ids;
    this.fedFrom = Math.max(0, this.ids.length - this.contextTokens);
    this.position = this.fedFrom;
    this.run();
    return { mode: 'primed', fed: this.position - this.fedFrom, unknown: this.unknownInput };
  }

  /** Brings the session to `text` (the whole text before the cursor), feeding as little as possible. */
  extend(text: string): SyncReport {
    this.checkAlive();
    if (text === this.raw) return { mode: 'unchanged', fed: 0, unknown: this.unknownInput };
    const common = commonPrefixLength(this.raw, text);
    if (common < this.windowStart) return this.prime(text);
    let ids: number[];
    let unknown: UnknownInput | null;
    if (common === this.raw.length && this.tokenizer.level === 'char' && !endsInHighSurrogate(this.raw)) {
      // Characters encode one by one: only the addition needs encoding.
      const added = encodeLenient(this.tokenizer, text.slice(common));
      ids = this.ids.concat(added.ids);
      unknown = mergeUnknown(this.unknownInput, added.unknown);
    } else {
      // Word and BPE tokens can be re-cut by what follows them: encode the window again and compare.
      ({ ids, unknown } = encodeLenient(this.tokenizer, text.slice(this.windowStart)));
    }
    if (ids.length - this.fedFrom > 2 * this.contextTokens) return this.prime(text);
    const same = commonPrefixLength(this.ids, ids);
    let mode: SyncMode = 'extended';
    if (same < this.ids.length) {
      if (same < this.fedFrom || !this.rewind(same)) return this.prime(text);
      mode = 'rewound';
    }
    const before = this.position;
    this.raw = text;
    this.ids = ids;
    this.unknownInput = unknown;
    this.run();
    return { mode, fed: this.position - before, unknown };
  }

  /** Appends text the writer added: `extend(text + added)`. */
  append(added: string): SyncReport {
    return this.extend(this.raw + added);
  }

  /** Appends tokens (generated ones): one `step` each. */
  feed(ids: readonly number[]): void {
    this.checkAlive();
    for (const id of ids) {
      if (!(Number.isInteger(id) && id >= 0 && id < this.tokenizer.vocabSize)) throw new RangeError(`token id ${id} is outside the vocabulary`);
    }
    this.raw += this.tokenizer.decode(ids);
    this.ids.push(...ids);
    this.run();
  }

  /** An independent copy of the current state (no rewind history), for generating without moving this one. */
  fork(options: { rewindTokens?: number } = {}): Session {
    this.checkAlive();
    const copy = Object.create(Session.prototype) as Session;
    Object.assign(copy, {
      ...this,
      rewindTokens: options.rewindTokens ?? 0,
      state: this.state.map(cloneLayerState),
      ids: [...this.ids],
      snapshots: [],
      disposed: false,
    });
    return copy;
  }

  dispose(): void {
    if (this.disposed) return;
    this.reset();
    disposeState(this.state);
    this.disposed = true;
  }

  /**
   * Feeds ids[position..] through `step`, reading logits and keeping snapshots only for the last
   * `rewindTokens` (≥ 1). At batch 1, `step` (JS elementwise work, embedding·W table lookup) measured faster
   * than a chunked `forward` on wasm (docs/performance.md, "Generation"), so priming uses it too.
   */
  private run(): void {
    const end = this.ids.length;
    const quietUntil = Math.max(this.position, end - Math.max(1, this.rewindTokens));
    while (this.position < quietUntil) {
      const out = this.model.step([this.ids[this.position]!], this.state);
      out.logits.dispose();
      disposeState(this.state);
      this.state = out.state;
      this.position += 1;
    }
    while (this.position < end) this.stepOne(this.ids[this.position]!);
  }

  private stepOne(id: number): void {
    const out = this.model.step([id], this.state);
    const logits = Float32Array.from(out.logits.dataSync());
    out.logits.dispose();
    if (this.rewindTokens > 0) {
      this.snapshots.push({ position: this.position, state: this.state, logits: this.nextLogits });
      if (this.snapshots.length > this.rewindTokens) disposeState(this.snapshots.shift()!.state);
    } else {
      disposeState(this.state);
    }
    this.state = out.state;
    this.nextLogits = logits;
    this.position += 1;
  }

  /** Goes back to the state after `position` window tokens, if it was kept. */
  private rewind(position: number): boolean {
    const at = this.snapshots.findIndex((s) => s.position === position);
    if (at < 0) return false;
    const snapshot = this.snapshots[at]!;
    for (const later of this.snapshots.slice(at + 1)) disposeState(later.state);
    disposeState(this.state);
    this.snapshots = this.snapshots.slice(0, at);
    this.state = snapshot.state;
    this.nextLogits = snapshot.logits;
    this.position = position;
    this.ids = this.ids.slice(0, position);
    return true;
  }

  /** Back to the empty context: zero state, no snapshots, no tokens. */
  private reset(): void {
    for (const snapshot of this.snapshots) disposeState(snapshot.state);
    this.snapshots = [];
    disposeState(this.state);
    this.state = this.model.zeroState(1);
    this.nextLogits = emptyContextLogits(this.model);
    this.ids = [];
    this.fedFrom = 0;
    this.position = 0;
    this.raw = '';
    this.windowStart = 0;
    this.unknownInput = null;
  }

  /**
   * The tail of `text` to encode: all of it when short, else a tail long enough for `contextTokens` tokens,
   * cut where a whitespace run starts so that word and BPE pieces are cut as in the whole text.
   */
  private encodeWindow(text: string): { start: number; ids: number[]; unknown: UnknownInput | null } {
    const perToken = this.tokenizer.level === 'char' ? 2 : CHARS_PER_TOKEN;
    let start = Math.max(0, text.length - this.contextTokens * perToken);
    if (start > 0 && this.tokenizer.level !== 'char') {
      const boundary = text.slice(start).search(/\S\s/u);
      if (boundary >= 0) start += boundary + 1;
    }
    if (start > 0 && isLowSurrogate(text.charCodeAt(start))) start += 1;
    return { start, ...encodeLenient(this.tokenizer, text.slice(start)) };
  }

  private checkAlive(): void {
    if (this.disposed) throw new Error('this generation session was disposed');
  }
}

export function disposeState(state: readonly LayerState[]): void {
  tf.dispose(state.flatMap((s) => (s.c ? [s.h, s.c] : [s.h])));
}

export function cloneLayerState(s: LayerState): LayerState {
  return s.c ? { h: tf.clone(s.h), c: tf.clone(s.c) } : { h: tf.clone(s.h) };
}

/** Logits before any token: the zero state's output, i.e. the output layer's bias. */
function emptyContextLogits(model: LanguageModel): Float32Array {
  return Float32Array.from(model.weights.dense.bias.dataSync());
}

export function commonPrefixLength(a: string | readonly number[], b: string | readonly number[]): number {
  if (typeof a === 'string' && typeof b === 'string' && b.startsWith(a)) return a.length;
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a[i] === b[i]) i++;
  return i;
}

function endsInHighSurrogate(text: string): boolean {
  const code = text.charCodeAt(text.length - 1);
  return code >= 0xd800 && code <= 0xdbff;
}

function isLowSurrogate(code: number): boolean {
  return code >= 0xdc00 && code <= 0xdfff;
}
