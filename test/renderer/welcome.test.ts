import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { App, AppModel, storageMemory, type WelcomeMemory } from './subjects.js';
import { fakeApi, settle } from './fakeApi.js';
import { corpus, draft, presets, report, settings } from './fixtures.js';

/** A memory that starts empty for each test (jsdom's localStorage outlives tests in a file). */
function memory(dismissed: string[] = []): WelcomeMemory & { scopes: string[] } {
  const scopes = [...dismissed];
  return { scopes, dismissed: (scope) => scopes.includes(scope), dismiss: (scope) => void scopes.push(scope) };
}

function service(drafts: (typeof draft)[] = []) {
  return fakeApi({
    'settings.get': () => settings,
    'system.report': () => report,
    'documents.list': () => ({ documents: drafts.map(({ text, ...d }) => ({ ...d, excerpt: text.slice(0, 140), words: 7 })) }),
    'documents.open': () => draft,
    'corpora.list': () => ({ corpora: [corpus] }),
    'corpora.stats': () => ({ ...corpus, charset: 'ab', longestDocumentChars: 1, averageDocumentWords: 1 }),
    'corpora.documents': () => ({ documents: [], total: 0 }),
    'presets.list': () => presets,
    'runs.list': () => ({ runs: [] }),
    'checkpoints.list': () => ({ checkpoints: [] }),
  });
}

async function start(options: { drafts?: (typeof draft)[]; dismissed?: string[] } = {}) {
  const welcomeMemory = memory(options.dismissed);
  const app = new AppModel(service(options.drafts).api, { welcomeMemory });
  await app.start();
  render(App, { props: { app } });
  return { app, welcomeMemory };
}

const welcomePanel = () => screen.queryByRole('region', { name: 'Welcome to Longhand' });

describe('First-run welcome', () => {
  it('greets a writer with no drafts in the editor: starter model, own voice, nothing leaves the computer', async () => {
    await start();
    const panel = welcomePanel();
    expect(panel).toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'Editor' })).toContainElement(panel);
    expect(panel).toHaveTextContent(/starter model trained on Shakespeare/);
    expect(panel).toHaveTextContent(/import your writing in the Library, train a model on it in Training/);
    expect(panel).toHaveTextContent(/Everything stays on this computer/);
    // Every control has its own name; the draft is still there to write in.
    expect(within(panel!).getAllByRole('button').map((b) => b.textContent)).toEqual(['Import my writing', 'Got it']);
    expect(screen.getByRole('textbox', { name: 'Draft text' })).toBeInTheDocument();
  });

  it('"Got it" dismisses it for good (remembered for this data directory) and returns to the draft', async () => {
    const { welcomeMemory } = await start();
    await fireEvent.click(screen.getByRole('button', { name: 'Got it' }));
    await settle();
    expect(welcomePanel()).toBeNull();
    expect(welcomeMemory.scopes).toEqual([report.dataDir]);
    expect(screen.getByRole('textbox', { name: 'Draft text' })).toHaveFocus();
  });

  it('"Import my writing" opens the Library and dismisses the welcome', async () => {
    const { app, welcomeMemory } = await start();
    await fireEvent.click(screen.getByRole('button', { name: 'Import my writing' }));
    await settle();
    expect(app.pane).toBe('library');
    expect(screen.getByRole('heading', { name: 'Library' })).toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'Library' })).toHaveFocus();
    expect(welcomeMemory.scopes).toEqual([report.dataDir]);
    await fireEvent.click(screen.getByRole('button', { name: 'Editor' }));
    expect(welcomePanel()).toBeNull();
  });

  it('is not shown once dismissed, nor to a writer who already has drafts', async () => {
    await start({ dismissed: [report.dataDir] });
    expect(welcomePanel()).toBeNull();
    document.body.innerHTML = '';
    await start({ drafts: [draft] });
    expect(welcomePanel()).toBeNull();
  });

  it('is shown again for another data directory', async () => {
    await start({ dismissed: ['/somewhere/else'] });
    expect(welcomePanel()).toBeInTheDocument();
  });
});

describe('storageMemory', () => {
  it('keeps dismissals per data directory in storage', () => {
    const items = new Map<string, string>();
    const storage = { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v) };
    storageMemory(storage).dismiss('/a');
    const later = storageMemory(storage);
    expect(later.dismissed('/a')).toBe(true);
    expect(later.dismissed('/b')).toBe(false);
  });

  it('remembers for the session when storage is refused or holds something else', () => {
    const refusing = {
      getItem: () => 'not json',
      setItem: () => {
        throw new Error('QuotaExceededError');
      },
    };
    const memory = storageMemory(refusing);
    expect(memory.dismissed('/a')).toBe(false);
    memory.dismiss('/a');
    expect(memory.dismissed('/a')).toBe(true);
    expect(storageMemory(null).dismissed('/a')).toBe(false);
  });
});
