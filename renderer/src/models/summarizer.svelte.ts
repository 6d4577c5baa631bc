/**
 * The summarizer: a source (pasted text, a draft, or the editor's selection), beam settings, the result with its
 * attention matrix, and which summary token is under the pointer (to highlight what it attended to).
 */
import { isCancelled, SUMMARY_DECODING, type ApiClient, type DraftSummary, type SummarizeResult } from '../lib/api.js';
import { errorText } from '../lib/format.js';

export type SummarySource = 'paste' | 'draft' | 'selection';

export interface SummarizerOptions {
  /** The editor's current selection. */
  selection?: () => string;
}

export class SummarizerModel {
  source = $state<SummarySource>('paste');
  pasted = $state('');
  draftId = $state<number | null>(null);
  drafts = $state<DraftSummary[]>([]);
  beam = $state<number>(SUMMARY_DECODING.beam);
  lengthPenalty = $state<number>(SUMMARY_DECODING.lengthPenalty);
  /** null (the field left empty): about as long as the model's training summaries, for this text's length. */
  minLength = $state<number | null>(null);
  /** null (the field left empty): as long as the model's training summaries. */
  maxLength = $state<number | null>(null);
  result = $state.raw<SummarizeResult | null>(null);
  busy = $state(false);
  error = $state<string | null>(null);
  /** The summary token being inspected (hover or focus), or null. */
  activeRow = $state<number | null>(null);
  activeWeights = $derived(this.activeRow === null ? null : (this.result?.attention[this.activeRow] ?? null));

  readonly #api: ApiClient;
  readonly #selection: () => string;
  #controller: AbortController | null = null;

  constructor(api: ApiClient, options: SummarizerOptions = {}) {
    this.#api = api;
    this.#selection = options.selection ?? (() => '');
  }

  async loadDrafts(): Promise<void> {
    try {
      this.drafts = (await this.#api.documents.list()).documents;
      this.draftId ??= this.drafts[0]?.id ?? null;
    } catch (e) {
      this.error = `Could not list drafts: ${errorText(e)}`;
    }
  }

  get selectionText(): string {
    return this.#selection();
  }

  async #sourceText(): Promise<string> {
    if (this.source === 'paste') return this.pasted;
    if (this.source === 'selection') return this.#selection();
    if (this.draftId === null) return '';
    return (await this.#api.documents.open({ id: this.draftId })).text;
  }

  async summarize(): Promise<void> {
    this.cancel();
    const controller = new AbortController();
    this.#controller = controller;
    this.busy = true;
    this.error = null;
    try {
      const text = await this.#sourceText();
      if (!text.trim()) {
        this.error =
          this.source === 'selection' ? 'Select some text in the editor first.' : this.source === 'draft' ? 'That draft is empty.' : 'Paste some text first.';
        return;
      }
      const result = await this.#api.generate.summarize(
        { text, beam: this.beam, lengthPenalty: this.lengthPenalty, ...(this.minLength !== null && Number.isFinite(this.minLength) ? { minLength: this.minLength } : {}), ...(this.maxLength !== null && Number.isFinite(this.maxLength) ? { maxLength: this.maxLength } : {}) },
        { signal: controller.signal },
      );
      this.result = result;
      this.activeRow = null;
    } catch (e) {
      if (!isCancelled(e)) this.error = errorText(e);
    } finally {
      if (this.#controller === controller) {
        this.#controller = null;
        this.busy = false;
      }
    }
  }

  cancel(): void {
    this.#controller?.abort();
    this.#controller = null;
    this.busy = false;
  }

  inspect(row: number | null): void {
    this.activeRow = row;
  }
}
