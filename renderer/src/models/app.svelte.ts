/**
 * The application model: which pane is shown, and the pane models, built here in order from one API client.
 * Components receive these models; none of them sees the transport.
 */
import type { ApiClient, PickPathsOptions } from '../lib/api.js';
import { errorText } from '../lib/format.js';
import { CatalogModel } from './catalog.svelte.js';
import { DialogueModel } from './dialogue.svelte.js';
import { EditorModel } from './editor.svelte.js';
import { LibraryModel } from './library.svelte.js';
import { SettingsModel } from './settings.svelte.js';
import { SummarizerModel } from './summarizer.svelte.js';
import { SummarizerSetupModel } from './summarizerSetup.svelte.js';
import { TrainingModel } from './training.svelte.js';
import { WelcomeModel, settingsMemory, type WelcomeMemory } from './welcome.svelte.js';

export const PANES = [
  { id: 'editor', label: 'Editor' },
  { id: 'summarizer', label: 'Summarizer' },
  { id: 'dialogue', label: 'Dialogue' },
  { id: 'library', label: 'Library' },
  { id: 'training', label: 'Training' },
  { id: 'models', label: 'Models' },
  { id: 'settings', label: 'Settings' },
] as const;

export type PaneId = (typeof PANES)[number]['id'];

export interface AppOptions {
  /** Native file dialogs (Electron only). */
  pickPaths?: (options: PickPathsOptions) => Promise<string[]>;
  mode?: 'electron' | 'browser';
  /** Where the first-run welcome's dismissal is kept (default: the settings). */
  welcomeMemory?: WelcomeMemory;
}

export class AppModel {
  pane = $state<PaneId>('editor');
  /** Set when the service cannot be reached at all. */
  connectionError = $state<string | null>(null);
  readonly settings: SettingsModel;
  readonly editor: EditorModel;
  readonly summarizer: SummarizerModel;
  readonly summarizerSetup: SummarizerSetupModel;
  readonly dialogue: DialogueModel;
  readonly library: LibraryModel;
  readonly training: TrainingModel;
  readonly catalog: CatalogModel;
  readonly welcome: WelcomeModel;
  readonly options: AppOptions;

  constructor(api: ApiClient, options: AppOptions = {}) {
    this.options = options;
    this.settings = new SettingsModel(api);
    this.editor = new EditorModel(api, { completion: () => this.settings.completion });
    this.summarizer = new SummarizerModel(api, { selection: () => this.editor.selection });
    this.summarizerSetup = new SummarizerSetupModel(api);
    this.dialogue = new DialogueModel(api);
    this.library = new LibraryModel(api);
    this.training = new TrainingModel(api);
    this.catalog = new CatalogModel(api);
    this.welcome = new WelcomeModel(options.welcomeMemory ?? settingsMemory(this.settings));
  }

  async start(): Promise<void> {
    try {
      await this.settings.load();
    } catch (e) {
      this.connectionError = errorText(e);
    }
    await Promise.allSettled([
      this.editor.load(),
      this.library.load(),
      this.training.load(),
      this.catalog.load(),
      this.summarizer.loadDrafts(),
    ]);
    // First run: a writer with no drafts yet is welcomed (unless they dismissed it before, or nothing works).
    if (!this.connectionError) this.welcome.decide(this.editor.drafts.length > 0);
  }

  show(pane: PaneId): void {
    this.pane = pane;
    // Lists other panes change (drafts, corpora) are refreshed when shown, so they are never stale for long.
    if (pane === 'summarizer') void this.summarizer.loadDrafts();
    // Without a summarizer, the pane offers to train one: on the corpora as they are now, estimated now.
    if (pane === 'summarizer' && this.settings.settings && this.settings.modelFor('summarizer') === null) void this.summarizerSetup.load();
    if (pane === 'training') void this.training.load();
    if (pane === 'models') void this.catalog.load();
    if (pane === 'editor') void this.editor.loadCorpora();
    if (pane === 'library') void this.library.load();
  }

  /** The Training form set for a summarizer trained from a pairs file, whose path the writer gives there. */
  prepareSummarizerFromFile(): void {
    this.training.setKind('seq2seq');
    this.training.setTask('summarize');
    this.training.form.pairsKind = 'file';
  }

  dispose(): void {
    this.library.dispose();
    this.editor.dispose();
    this.training.dispose();
    this.catalog.dispose();
  }
}
