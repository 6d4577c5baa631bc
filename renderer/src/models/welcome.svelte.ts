/**
 * The first-run welcome in the editor: shown to a writer who has not dismissed it and has no drafts yet, until
 * "Got it" or "Import my writing". The dismissal is a setting (`welcome.dismissed`), kept in the data
 * directory's database like the others, so the app and browser mode (on any port) agree.
 */
import type { SettingsModel } from './settings.svelte.js';

/** Where the dismissal is kept; replaceable in tests. */
export interface WelcomeMemory {
  dismissed(): boolean;
  dismiss(): void;
}

export function settingsMemory(settings: SettingsModel): WelcomeMemory {
  return {
    dismissed: () => settings.settings?.welcome.dismissed ?? false,
    dismiss: () => void settings.dismissWelcome(),
  };
}

export class WelcomeModel {
  /** Whether the welcome is showing. */
  visible = $state(false);
  readonly #memory: WelcomeMemory;

  constructor(memory: WelcomeMemory) {
    this.#memory = memory;
  }

  /**
   * Decides once, at start: shown when not dismissed and the writer has no drafts (it does not vanish
   * mid-sentence when the first draft saves itself).
   */
  decide(hasDrafts: boolean): void {
    this.visible = !hasDrafts && !this.#memory.dismissed();
  }

  dismiss(): void {
    this.visible = false;
    this.#memory.dismiss();
  }
}
