/**
 * The first-run welcome in the editor: shown to a writer who has not dismissed it and has no drafts yet, until
 * "Got it" or "Import my writing". Whether it was dismissed is remembered per data directory.
 *
 * Where that is remembered: the settings contract (src/contract) has no place for it yet, so the memory is
 * this renderer's local storage (persistent under Electron; in browser mode per address, which changes with
 * the port). The "no drafts yet" condition bounds what a forgetful memory costs: once the writer has a draft,
 * the welcome never comes back.
 */

/** Where the dismissal is kept; replaceable (tests, or a settings field once the contract has one). */
export interface WelcomeMemory {
  dismissed(scope: string): boolean;
  dismiss(scope: string): void;
}

const KEY = 'longhand.welcome.dismissed';

/** The shape of Web Storage this needs (a structural type: the root tsconfig has no DOM lib). */
interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** Local storage, one entry listing the data directories whose welcome was dismissed; forgets quietly if refused. */
export function storageMemory(storage: StorageLike | null = defaultStorage()): WelcomeMemory {
  let fallback: string[] = [];
  const read = (): string[] => {
    try {
      const parsed: unknown = JSON.parse(storage?.getItem(KEY) ?? '[]');
      return Array.isArray(parsed) ? parsed.filter((x): x is string => typeof x === 'string') : [];
    } catch {
      return fallback;
    }
  };
  return {
    dismissed: (scope) => read().includes(scope) || fallback.includes(scope),
    dismiss(scope) {
      if (!fallback.includes(scope)) fallback = [...fallback, scope];
      try {
        const stored = read();
        if (!stored.includes(scope)) storage?.setItem(KEY, JSON.stringify([...stored, scope]));
      } catch {
        // Storage refused (private mode, quota): remembered for this session only.
      }
    },
  };
}

function defaultStorage(): StorageLike | null {
  try {
    return (globalThis as { localStorage?: StorageLike }).localStorage ?? null;
  } catch {
    return null;
  }
}

export class WelcomeModel {
  /** Whether the welcome is showing. */
  visible = $state(false);
  readonly #memory: WelcomeMemory;
  #scope = '';

  constructor(memory: WelcomeMemory = storageMemory()) {
    this.#memory = memory;
  }

  /**
   * Decides once, at start: shown when not dismissed for this data directory and the writer has no drafts
   * (it does not vanish mid-sentence when the first draft saves itself).
   */
  decide(scope: string, hasDrafts: boolean): void {
    this.#scope = scope;
    this.visible = !hasDrafts && !this.#memory.dismissed(scope);
  }

  dismiss(): void {
    this.visible = false;
    this.#memory.dismiss(this.#scope);
  }
}
