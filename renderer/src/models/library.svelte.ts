/**
 * The library: corpora with their statistics, documents and previews, imports with per-file progress and a
 * one-line result per file, and removal behind a confirmation. Files are sent one per request, so a big file
 * shows its own progress and a refused one does not hold back the others.
 */
import {
  LIMITS,
  importLimitReason,
  type ApiClient,
  type ApiOutput,
  type CorpusDocument,
  type CorpusStats,
  type CorpusSummary,
  type ImportFileResult,
} from '../lib/api.js';
import { errorText, plural } from '../lib/format.js';

/** A file to import, independent of the DOM: the pane wraps browser Files in this. */
export interface FileSource {
  name: string;
  size: number;
  /** The contents as base64, reporting progress as a fraction (0–1) while reading. */
  read(onProgress: (fraction: number) => void): Promise<string>;
}

export type ImportPhase = 'waiting' | 'reading' | 'uploading' | 'done' | 'failed';

export interface ImportItem {
  key: number;
  name: string;
  size: number;
  phase: ImportPhase;
  /** 0–1 while reading; 1 after. */
  progress: number;
  outcome: ImportFileResult['status'] | null;
  /** The one-line result ("notes.md added — 1,204 words", "scan.pdf refused: not a text file"). */
  line: string | null;
}

export const DEFAULT_NEW_CORPUS = 'My writing';

export function describeResult(result: ImportFileResult): string {
  switch (result.status) {
    case 'added':
      return `${result.name} added — ${plural(result.words ?? 0, 'word')}`;
    case 'duplicate':
      return `${result.name} skipped: ${result.reason ?? 'already in this corpus'}`;
    case 'refused':
      return `${result.name} refused: ${result.reason ?? 'not a text file Longhand can read'}`;
  }
}

/**
 * Why a lone file was refused, from the error the service gives when nothing at all could be imported into a
 * corpus that does not exist yet ("Nothing was imported (notes.pdf: unsupported file type .pdf)."): the reason
 * alone, so the line does not repeat the file name. Any other message is kept whole.
 */
export function refusalReason(message: string, name: string): string {
  const inner = /^Nothing was imported \((.*)\)\.$/s.exec(message)?.[1];
  return inner?.startsWith(`${name}: `) ? inner.slice(name.length + 2) : message;
}

export class LibraryModel {
  corpora = $state<CorpusSummary[]>([]);
  selectedId = $state<number | null>(null);
  stats = $state<CorpusStats | null>(null);
  documents = $state<CorpusDocument[]>([]);
  documentsTotal = $state(0);
  preview = $state<ApiOutput<'corpora.preview'> | null>(null);
  imports = $state<ImportItem[]>([]);
  /** Name for a new corpus when importing with none selected. */
  newCorpusName = $state('');
  pendingRemoval = $state<CorpusSummary | null>(null);
  status = $state<string | null>(null);
  error = $state<string | null>(null);
  selected = $derived(this.corpora.find((c) => c.id === this.selectedId) ?? null);
  importing = $derived(this.imports.some((i) => i.phase === 'waiting' || i.phase === 'reading' || i.phase === 'uploading'));

  readonly #api: ApiClient;
  #key = 0;
  readonly #unsubscribe: () => void;
  /** Corpora changed since the last refresh (a plain list: not state the page shows). */
  #changed: number[] = [];
  #refreshTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(api: ApiClient) {
    this.#api = api;
    // Changes made elsewhere (the app menu's import, another window) show up without a reload.
    this.#unsubscribe = api.on('corpora.changed', ({ corpusId }) => {
      this.#changed.push(corpusId);
      this.#refreshTimer ??= setTimeout(() => void this.#refresh(), 100);
    });
  }

  dispose(): void {
    this.#unsubscribe();
    if (this.#refreshTimer) clearTimeout(this.#refreshTimer);
  }

  /** The list again, and the selected corpus's figures and documents if it changed (its preview stays open). */
  async #refresh(): Promise<void> {
    const changed = this.#changed;
    this.#changed = [];
    this.#refreshTimer = null;
    try {
      this.corpora = (await this.#api.corpora.list()).corpora;
    } catch {
      return; // the next change or showing the pane tries again
    }
    const selected = this.selectedId;
    if (selected === null || !this.corpora.some((c) => c.id === selected)) return this.load();
    if (!changed.includes(selected)) return;
    try {
      const [stats, docs] = await Promise.all([
        this.#api.corpora.stats({ corpusId: selected }),
        this.#api.corpora.documents({ corpusId: selected, limit: 200 }),
      ]);
      if (this.selectedId !== selected) return;
      this.stats = stats;
      this.documents = docs.documents;
      this.documentsTotal = docs.total;
    } catch {
      // shown again the next time the pane is
    }
  }

  async load(): Promise<void> {
    try {
      this.corpora = (await this.#api.corpora.list()).corpora;
      this.error = null;
    } catch (e) {
      this.error = `Could not list corpora: ${errorText(e)}`;
      return;
    }
    const keep = this.corpora.find((c) => c.id === this.selectedId) ?? this.corpora[0];
    if (keep) await this.select(keep.id);
    else this.selectedId = null;
  }

  async select(corpusId: number): Promise<void> {
    this.selectedId = corpusId;
    this.preview = null;
    try {
      const [stats, docs] = await Promise.all([
        this.#api.corpora.stats({ corpusId }),
        this.#api.corpora.documents({ corpusId, limit: 200 }),
      ]);
      if (this.selectedId !== corpusId) return;
      this.stats = stats;
      this.documents = docs.documents;
      this.documentsTotal = docs.total;
      this.#upsert(stats);
    } catch (e) {
      this.error = `Could not load the corpus: ${errorText(e)}`;
    }
  }

  async openPreview(documentId: number): Promise<void> {
    try {
      this.preview = await this.#api.corpora.preview({ documentId, maxChars: 6000 });
    } catch (e) {
      this.error = `Could not open the document: ${errorText(e)}`;
    }
  }

  closePreview(): void {
    this.preview = null;
  }

  /** Imports into the selected corpus, or into a new one named `newCorpusName`. */
  async importFiles(files: readonly FileSource[]): Promise<void> {
    if (files.length === 0) return;
    this.imports = this.imports.filter((i) => i.phase !== 'done' && i.phase !== 'failed');
    const start = this.imports.length;
    for (const file of files) {
      this.imports.push({ key: ++this.#key, name: file.name, size: file.size, phase: 'waiting', progress: 0, outcome: null, line: null });
    }
    let corpus: number | string = this.selectedId ?? (this.newCorpusName.trim() || DEFAULT_NEW_CORPUS);
    let touched: number | null = null;
    for (const [i, file] of files.entries()) {
      const item = this.imports[start + i]!;
      const outcome = await this.#importOne(file, item, corpus);
      if (outcome) {
        corpus = outcome.id;
        touched = outcome.id;
      }
    }
    const added = this.imports.slice(start).filter((i) => i.outcome === 'added').length;
    this.status = `${plural(added, 'file')} added of ${files.length}.`;
    if (touched !== null) {
      this.newCorpusName = '';
      await this.select(touched);
    }
  }

  async #importOne(file: FileSource, item: ImportItem, corpus: number | string): Promise<CorpusSummary | null> {
    // The service's own limit and words (LIMITS.fileBytes is the import limit), before reading a byte.
    if (file.size > LIMITS.fileBytes) {
      item.phase = 'failed';
      item.outcome = 'refused';
      item.line = `${file.name} refused: ${importLimitReason('is', file.size, LIMITS.fileBytes)}`;
      return null;
    }
    let contentBase64: string;
    try {
      item.phase = 'reading';
      contentBase64 = await file.read((fraction) => (item.progress = Math.min(1, Math.max(0, fraction))));
      item.progress = 1;
    } catch (e) {
      item.phase = 'failed';
      item.line = `${file.name} could not be read: ${errorText(e)}`;
      return null;
    }
    try {
      item.phase = 'uploading';
      const result = await this.#api.corpora.importFiles({ corpus, files: [{ name: file.name, contentBase64 }] });
      const line = result.files[0] ?? { name: file.name, status: 'refused' as const, reason: 'no result from the service' };
      item.phase = 'done';
      item.outcome = line.status;
      item.line = describeResult(line);
      this.#upsert(result.corpus);
      return result.corpus;
    } catch (e) {
      item.phase = 'failed';
      item.outcome = 'refused';
      item.line = `${file.name} refused: ${refusalReason(errorText(e), file.name)}`;
      return null;
    }
  }

  clearImports(): void {
    this.imports = this.imports.filter((i) => i.phase !== 'done' && i.phase !== 'failed');
  }

  async create(name: string): Promise<void> {
    try {
      const corpus = await this.#api.corpora.create({ name });
      this.#upsert(corpus);
      await this.select(corpus.id);
    } catch (e) {
      this.error = errorText(e);
    }
  }

  requestRemove(corpus: CorpusSummary): void {
    this.pendingRemoval = corpus;
  }

  cancelRemove(): void {
    this.pendingRemoval = null;
  }

  async confirmRemove(): Promise<void> {
    const corpus = this.pendingRemoval;
    this.pendingRemoval = null;
    if (!corpus) return;
    try {
      await this.#api.corpora.remove({ corpusId: corpus.id });
      this.corpora = this.corpora.filter((c) => c.id !== corpus.id);
      this.status = `Removed “${corpus.name}”.`;
      if (this.selectedId === corpus.id) {
        this.selectedId = null;
        this.stats = null;
        this.documents = [];
        this.preview = null;
        const next = this.corpora[0];
        if (next) await this.select(next.id);
      }
    } catch (e) {
      this.error = `Could not remove “${corpus.name}”: ${errorText(e)}`;
    }
  }

  #upsert(corpus: CorpusSummary): void {
    const summary: CorpusSummary = {
      id: corpus.id,
      name: corpus.name,
      createdAt: corpus.createdAt,
      documents: corpus.documents,
      characters: corpus.characters,
      words: corpus.words,
      bytes: corpus.bytes,
      distinctCharacters: corpus.distinctCharacters,
    };
    const i = this.corpora.findIndex((c) => c.id === corpus.id);
    if (i >= 0) this.corpora[i] = summary;
    else this.corpora = [...this.corpora, summary];
  }
}
