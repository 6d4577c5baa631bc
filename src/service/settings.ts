/**
 * settings.*: which checkpoint each pane uses, the theme, completion timing and the first-run welcome, persisted as one key per group
 * in the store. A stored value that no longer fits (written by another version) falls back to its default.
 */
import { ModelPane, Settings, type ApiHandlers, type ModelPane as Pane } from '../contract/index.js';
import type { Store } from '../store/index.js';
import { notFound } from './errors.js';

export const DEFAULT_SETTINGS: Settings = {
  models: { editor: null, summarizer: null, dialogue: null },
  theme: 'system',
  completion: { delayMs: 250, alternatives: 3, maxTokens: 24 },
  welcome: { dismissed: false },
};

type Group = keyof Settings;
const GROUPS: Group[] = ['models', 'theme', 'completion', 'welcome'];

export class SettingsService {
  readonly #store: Store;

  constructor(store: Store) {
    this.#store = store;
  }

  get(): Settings {
    const stored = this.#store.settings.all();
    const out = structuredClone(DEFAULT_SETTINGS) as Record<Group, unknown>;
    for (const group of GROUPS) {
      const schema = Settings.shape[group];
      const value = stored[group];
      if (value === undefined) continue;
      // Groups of fields are merged field by field, so one bad field keeps the others.
      if (typeof value === 'object' && value !== null && typeof out[group] === 'object') {
        const merged = { ...(out[group] as object), ...(value as object) };
        const parsed = schema.safeParse(merged);
        if (parsed.success) out[group] = parsed.data;
      } else {
        const parsed = schema.safeParse(value);
        if (parsed.success) out[group] = parsed.data;
      }
    }
    return out as Settings;
  }

  update(patch: Parameters<ApiHandlers['settings.update']>[0]): Settings {
    return this.#store.transaction(() => {
      for (const id of Object.values(patch.models ?? {})) {
        if (id !== null && id !== undefined && !this.#store.checkpoints.get(id)) throw notFound('checkpoint', id);
      }
      const current = this.get();
      const next: Settings = {
        models: { ...current.models, ...patch.models },
        theme: patch.theme ?? current.theme,
        completion: { ...current.completion, ...patch.completion },
        welcome: { ...current.welcome, ...patch.welcome },
      };
      this.#store.settings.set(next);
      return next;
    });
  }

  /** The checkpoint a pane uses, or null. */
  modelFor(pane: Pane): number | null {
    return this.get().models[ModelPane.parse(pane)];
  }

  /** Panes using one of these checkpoints (deleted) use none afterwards. */
  forgetCheckpoints(ids: readonly number[]): void {
    const current = this.get();
    const models = { ...current.models };
    let changed = false;
    for (const pane of ModelPane.options) {
      if (models[pane] !== null && ids.includes(models[pane])) {
        models[pane] = null;
        changed = true;
      }
    }
    if (changed) this.#store.settings.set({ models });
  }
}

export function settingsHandlers(settings: SettingsService): Pick<ApiHandlers, 'settings.get' | 'settings.update'> {
  return {
    'settings.get': () => settings.get(),
    'settings.update': (patch) => settings.update(patch),
  };
}
