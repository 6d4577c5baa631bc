/**
 * Settings and the system report: which checkpoint each pane uses, the theme, completion timing, and what the
 * service says about its compute backend. Changes are applied optimistically and rolled back if refused.
 */
import type { ApiClient, ModelPane, Settings, SystemReport, Theme } from '../lib/api.js';
import { errorText } from '../lib/format.js';

export const DEFAULT_COMPLETION: Settings['completion'] = { delayMs: 250, alternatives: 3, maxTokens: 24 };

export class SettingsModel {
  settings = $state<Settings | null>(null);
  report = $state<SystemReport | null>(null);
  error = $state<string | null>(null);
  theme = $derived<Theme>(this.settings?.theme ?? 'system');
  completion = $derived(this.settings?.completion ?? DEFAULT_COMPLETION);

  readonly #api: ApiClient;

  constructor(api: ApiClient) {
    this.#api = api;
  }

  async load(): Promise<void> {
    const [settings, report] = await Promise.allSettled([this.#api.settings.get(), this.#api.system.report()]);
    if (settings.status === 'fulfilled') this.settings = settings.value;
    if (report.status === 'fulfilled') this.report = report.value;
    const failed = [settings, report].find((r) => r.status === 'rejected');
    this.error = failed ? errorText(failed.reason) : null;
    if (failed) throw failed.reason;
  }

  async loadReport(): Promise<void> {
    try {
      this.report = await this.#api.system.report();
    } catch (e) {
      this.error = errorText(e);
    }
  }

  modelFor(pane: ModelPane): number | null {
    return this.settings?.models[pane] ?? null;
  }

  setTheme(theme: Theme): Promise<void> {
    return this.#update({ theme }, (s) => ({ ...s, theme }));
  }

  setPaneModel(pane: ModelPane, checkpointId: number | null): Promise<void> {
    return this.#update({ models: { [pane]: checkpointId } }, (s) => ({ ...s, models: { ...s.models, [pane]: checkpointId } }));
  }

  setCompletion(patch: Partial<Settings['completion']>): Promise<void> {
    return this.#update({ completion: patch }, (s) => ({ ...s, completion: { ...s.completion, ...patch } }));
  }

  /** The first-run welcome was read: it does not come back, in this data directory. */
  dismissWelcome(): Promise<void> {
    return this.#update({ welcome: { dismissed: true } }, (s) => ({ ...s, welcome: { dismissed: true } }));
  }

  async #update(patch: Parameters<ApiClient['settings']['update']>[0], apply: (s: Settings) => Settings): Promise<void> {
    const before = this.settings;
    if (before) this.settings = apply(before);
    try {
      this.settings = await this.#api.settings.update(patch);
      this.error = null;
    } catch (e) {
      this.settings = before;
      this.error = errorText(e);
    }
  }
}
