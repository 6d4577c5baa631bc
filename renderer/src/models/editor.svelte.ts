/**
 * The editor's model: the open draft and the list of drafts, debounced autosave (serialised, never losing a
 * keystroke), "add to corpus", and completion requests — debounced after a pause in typing, one in flight at a
 * time, the stale one cancelled whenever the text changes.
 */
import { isApiError, isCancelled, LIMITS, type ApiClient, type CorpusSummary, type DraftSummary } from '../lib/api.js';
import { Debouncer } from '../lib/debounce.js';
import { errorText, plural } from '../lib/format.js';
import { countWords, deriveTitle } from '../lib/text.js';
import { DEFAULT_COMPLETION } from './settings.svelte.js';

export type SaveState = 'saved' | 'unsaved' | 'saving' | 'error';

export interface CompletionSettings {
  delayMs: number;
  alternatives: number;
  maxTokens: number;
}

export interface EditorModelOptions {
  autosaveMs?: number;
  completion?: () => CompletionSettings;
}

export const DEFAULT_CORPUS_NAME = 'Drafts';

/** Ghost text is one line (what is shown is exactly what Tab inserts): cut at the first newline, drop empties. */
export function cleanAlternatives(texts: readonly string[]): string[] {
  const out: string[] = [];
  for (const text of texts) {
    const line = text.split('\n')[0] ?? '';
    if (line.trim() && !out.includes(line)) out.push(line);
  }
  return out;
}

/** The context sent moves in steps of this many characters, so that its start stays put while the writer types. */
export const CONTEXT_STEP_CHARS = 1000;

/**
 * The text before the cursor as a completion sends it: all of it up to the limit, else its tail cut at a multiple
 * of CONTEXT_STEP_CHARS. The model's typing session is keyed by the text it read; a tail that moved one character
 * a keystroke would be a new text every time, and the session would re-read its whole window for each suggestion.
 */
export function completionContext(before: string, limit: number = LIMITS.completionContextChars): string {
  if (before.length <= limit) return before;
  return before.slice(Math.ceil((before.length - limit) / CONTEXT_STEP_CHARS) * CONTEXT_STEP_CHARS);
}

export class EditorModel {
  drafts = $state<DraftSummary[]>([]);
  draftId = $state<number | null>(null);
  text = $state('');
  selection = $state('');
  saveState = $state<SaveState>('saved');
  /** One line about the last action (saved elsewhere, added to corpus, …). */
  status = $state<string | null>(null);
  /** Bumped whenever another draft is loaded: the view replaces its document then. */
  loaded = $state(0);
  corpora = $state<CorpusSummary[]>([]);
  /** Where "Add to corpus" goes: a corpus id, or a name to create. */
  target = $state<number | string>(DEFAULT_CORPUS_NAME);
  adding = $state(false);
  completionError = $state<string | null>(null);
  /** Set when a save was refused because the draft changed elsewhere: the text is kept; "save as new" offered. */
  conflict = $state(false);
  wordCount = $derived(countWords(this.text));
  title = $derived(deriveTitle(this.text));

  readonly #api: ApiClient;
  readonly #autosaveMs: number;
  readonly #completion: () => CompletionSettings;
  readonly #autosave = new Debouncer();
  readonly #suggestTimer = new Debouncer();
  #controller: AbortController | null = null;
  #resolvePending: ((value: null) => void) | null = null;
  /** A generate.prepare in flight, and the newest text typed while it was (sent when it returns). */
  #preparing = false;
  #prepareNext: string | null = null;
  #saving: Promise<void> | null = null;
  #saveAgain = false;
  #updatedAt: string | null = null;

  constructor(api: ApiClient, options: EditorModelOptions = {}) {
    this.#api = api;
    this.#autosaveMs = options.autosaveMs ?? 800;
    this.#completion = options.completion ?? (() => DEFAULT_COMPLETION);
  }

  async load(): Promise<void> {
    await Promise.all([this.refreshDrafts(), this.loadCorpora()]);
    const latest = this.drafts[0];
    if (latest && this.draftId === null && !this.text) await this.open(latest.id);
  }

  async refreshDrafts(): Promise<void> {
    try {
      this.drafts = (await this.#api.documents.list()).documents;
    } catch (e) {
      this.status = `Could not list drafts: ${errorText(e)}`;
    }
  }

  async loadCorpora(): Promise<void> {
    try {
      this.corpora = (await this.#api.corpora.list()).corpora;
      if (typeof this.target === 'string') {
        const named = this.corpora.find((c) => c.name === this.target);
        if (named) this.target = named.id;
      }
    } catch {
      // The library pane reports this; adding to a corpus by name still works.
    }
  }

  /** Called by the view on every document change. */
  edit(text: string): void {
    if (text === this.text) return;
    this.text = text;
    this.saveState = 'unsaved';
    this.#autosave.schedule(() => void this.save(), this.#autosaveMs);
  }

  select(text: string): void {
    this.selection = text;
  }

  async open(id: number): Promise<void> {
    await this.flush();
    try {
      const draft = await this.#api.documents.open({ id });
      this.#load(draft.id, draft.text, draft.updatedAt);
    } catch (e) {
      this.status = `Could not open the draft: ${errorText(e)}`;
    }
  }

  async newDraft(): Promise<void> {
    await this.flush();
    this.#load(null, '', null);
  }

  async remove(id: number): Promise<void> {
    try {
      await this.#api.documents.delete({ id });
      this.drafts = this.drafts.filter((d) => d.id !== id);
      if (this.draftId === id) {
        this.#autosave.cancel();
        this.#load(null, '', null);
      }
      this.status = 'Draft deleted.';
    } catch (e) {
      this.status = `Could not delete the draft: ${errorText(e)}`;
    }
  }

  /** Saves now (serialised: a save during a save runs once more afterwards). */
  async save(): Promise<void> {
    this.#autosave.cancel();
    if (this.#saving) {
      this.#saveAgain = true;
      return this.#saving;
    }
    this.#saving = this.#saveOnce().finally(() => (this.#saving = null));
    await this.#saving;
    if (this.#saveAgain) {
      this.#saveAgain = false;
      if (this.saveState === 'unsaved') await this.save();
    }
  }

  /** Saves pending changes (before switching drafts, leaving, or adding to a corpus). */
  async flush(): Promise<void> {
    if (this.#saving) await this.#saving;
    if (this.saveState === 'unsaved' || this.#autosave.pending) await this.save();
  }

  /** After a conflict: keep what is on screen as a new draft. */
  async saveAsNew(): Promise<void> {
    this.draftId = null;
    this.#updatedAt = null;
    this.conflict = false;
    this.saveState = 'unsaved';
    await this.save();
  }

  async #saveOnce(): Promise<void> {
    if (this.saveState !== 'unsaved' && this.saveState !== 'error') return;
    if (this.conflict) return;
    const text = this.text;
    const title = deriveTitle(text);
    this.saveState = 'saving';
    try {
      let id = this.draftId;
      if (id === null) {
        if (!text.trim()) {
          this.saveState = 'saved';
          return;
        }
        const draft = await this.#api.documents.create({ title, text });
        id = draft.id;
        this.draftId = id;
        this.#updatedAt = draft.updatedAt;
      } else {
        const saved = await this.#api.documents.save({ id, title, text, expectedUpdatedAt: this.#updatedAt ?? undefined });
        this.#updatedAt = saved.updatedAt;
      }
      this.saveState = this.text === text ? 'saved' : 'unsaved';
      this.#upsertDraft({ id, title, excerpt: text.slice(0, 140), words: countWords(text), updatedAt: this.#updatedAt ?? '' });
    } catch (e) {
      this.saveState = 'error';
      if (isApiError(e, 'Conflict')) {
        this.conflict = true;
        this.status = 'This draft was changed elsewhere, so it was not overwritten. Your text is still here.';
      } else {
        this.status = `Not saved: ${errorText(e)}`;
        this.#autosave.schedule(() => void this.save(), Math.max(this.#autosaveMs, 5000));
      }
    }
  }

  #upsertDraft(summary: DraftSummary): void {
    this.drafts = [summary, ...this.drafts.filter((d) => d.id !== summary.id)];
  }

  #load(id: number | null, text: string, updatedAt: string | null): void {
    this.cancelSuggestion();
    this.draftId = id;
    this.text = text;
    this.selection = '';
    this.#updatedAt = updatedAt;
    this.saveState = 'saved';
    this.conflict = false;
    this.loaded++;
  }

  async addToCorpus(): Promise<void> {
    await this.flush();
    if (this.draftId === null) {
      this.status = 'Write something first: an empty draft cannot be added.';
      return;
    }
    this.adding = true;
    try {
      const result = await this.#api.documents.addToCorpus({ id: this.draftId, corpus: this.target });
      const file = result.files[0];
      const name = result.corpus.name;
      if (!file || file.status === 'added') this.status = `Added to “${name}” (${plural(file?.words ?? this.wordCount, 'word')}).`;
      else if (file.status === 'duplicate') this.status = `Already in “${name}”: nothing to add.`;
      else this.status = `Not added to “${name}”: ${file.reason ?? 'refused'}.`;
      this.corpora = [result.corpus, ...this.corpora.filter((c) => c.id !== result.corpus.id)];
      this.target = result.corpus.id;
    } catch (e) {
      this.status = `Not added: ${errorText(e)}`;
    } finally {
      this.adding = false;
    }
  }

  /**
   * Asks for continuations of `before` (the text up to the cursor) after the typing pause, or at once.
   * Resolves with the alternatives, or null when superseded, cancelled or failed. Never rejects.
   */
  suggest(before: string, immediate = false): Promise<string[] | null> {
    this.cancelSuggestion();
    const settings = this.#completion();
    if (!immediate) this.#prepare(completionContext(before));
    return new Promise((resolve) => {
      this.#resolvePending = resolve;
      this.#suggestTimer.schedule(() => void this.#complete(before, settings, resolve), immediate ? 0 : settings.delayMs);
    });
  }

  /**
   * While the writer types, the model reads the text so far (one call in flight, then the newest text), so that
   * when they pause the completion feeds a character or two instead of everything typed since the last one —
   * with a 512-unit model that is most of a suggestion's time after a long burst. Best effort: a failure here
   * (no model chosen yet) is the completion's to report.
   */
  #prepare(text: string): void {
    if (this.#preparing) {
      this.#prepareNext = text;
      return;
    }
    this.#preparing = true;
    this.#api.generate
      .prepare({ text })
      .catch(() => undefined)
      .finally(() => {
        this.#preparing = false;
        const next = this.#prepareNext;
        this.#prepareNext = null;
        if (next !== null) this.#prepare(next);
      });
  }

  /** Drops the pending or in-flight completion (the text changed, the cursor moved away, the draft switched). */
  cancelSuggestion(): void {
    this.#suggestTimer.cancel();
    this.#controller?.abort();
    this.#controller = null;
    const resolve = this.#resolvePending;
    this.#resolvePending = null;
    resolve?.(null);
  }

  async #complete(before: string, settings: CompletionSettings, resolve: (v: string[] | null) => void): Promise<void> {
    const controller = new AbortController();
    this.#controller = controller;
    try {
      const result = await this.#api.generate.complete(
        { text: completionContext(before), n: settings.alternatives, maxTokens: settings.maxTokens },
        { signal: controller.signal },
      );
      this.completionError = null;
      resolve(cleanAlternatives(result.alternatives.map((a) => a.text)));
    } catch (e) {
      if (!isCancelled(e)) this.completionError = errorText(e);
      resolve(null);
    } finally {
      if (this.#controller === controller) {
        this.#controller = null;
        this.#resolvePending = null;
      }
    }
  }

  dispose(): void {
    this.cancelSuggestion();
    this.#autosave.flush();
  }
}
