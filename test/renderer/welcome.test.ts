import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { App, AppModel } from './subjects.js';
import { fakeApi, settle } from './fakeApi.js';
import { corpus, draft, presets, report, settings } from './fixtures.js';

function service(options: { drafts?: (typeof draft)[]; dismissed?: boolean }) {
  const stored = { ...settings, welcome: { dismissed: options.dismissed ?? false } };
  return fakeApi({
    'settings.get': () => stored,
    'settings.update': (patch) => ({ ...stored, welcome: { ...stored.welcome, ...patch.welcome } }),
    'system.report': () => report,
    'documents.list': () => ({ documents: (options.drafts ?? []).map(({ text, ...d }) => ({ ...d, excerpt: text.slice(0, 140), words: 7 })) }),
    'documents.open': () => draft,
    'corpora.list': () => ({ corpora: [corpus] }),
    'corpora.stats': () => ({ ...corpus, charset: 'ab', longestDocumentChars: 1, averageDocumentWords: 1 }),
    'corpora.documents': () => ({ documents: [], total: 0 }),
    'presets.list': () => presets,
    'runs.list': () => ({ runs: [] }),
    'checkpoints.list': () => ({ checkpoints: [] }),
  });
}

async function start(options: { drafts?: (typeof draft)[]; dismissed?: boolean } = {}) {
  const fake = service(options);
  const app = new AppModel(fake.api);
  await app.start();
  render(App, { props: { app } });
  return { app, fake };
}

const welcomePanel = () => screen.queryByRole('region', { name: 'Welcome to Longhand' });

describe('First-run welcome', () => {
  it('greets a writer with no drafts in the editor: starter model, own voice, nothing leaves the computer', async () => {
    await start();
    const panel = welcomePanel();
    expect(panel).toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'Editor' })).toContainElement(panel);
    expect(panel).toHaveTextContent(/starter model trained on two dozen public-domain novels/);
    expect(panel).toHaveTextContent(/import your writing in the Library and train on it in Training: starting from\s+the starter model, a few minutes adapt it to you/);
    expect(panel).toHaveTextContent(/The Dialogue pane has a starter partner too/);
    expect(panel).toHaveTextContent(/Everything stays on this computer/);
    // Every control has its own name; the draft is still there to write in.
    expect(within(panel!).getAllByRole('button').map((b) => b.textContent)).toEqual(['Import my writing', 'Got it']);
    expect(screen.getByRole('textbox', { name: 'Draft text' })).toBeInTheDocument();
  });

  it('"Got it" dismisses it for good (remembered for this data directory) and returns to the draft', async () => {
    const { fake } = await start();
    await fireEvent.click(screen.getByRole('button', { name: 'Got it' }));
    await settle();
    expect(welcomePanel()).toBeNull();
    expect(fake.inputs('settings.update')).toEqual([{ welcome: { dismissed: true } }]);
    expect(screen.getByRole('textbox', { name: 'Draft text' })).toHaveFocus();
  });

  it('"Import my writing" opens the Library and dismisses the welcome', async () => {
    const { app, fake } = await start();
    await fireEvent.click(screen.getByRole('button', { name: 'Import my writing' }));
    await settle();
    expect(app.pane).toBe('library');
    expect(screen.getByRole('heading', { name: 'Library' })).toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'Library' })).toHaveFocus();
    expect(fake.inputs('settings.update')).toEqual([{ welcome: { dismissed: true } }]);
    await fireEvent.click(screen.getByRole('button', { name: 'Editor' }));
    expect(welcomePanel()).toBeNull();
  });

  it('is not shown once dismissed, nor to a writer who already has drafts', async () => {
    await start({ dismissed: true });
    expect(welcomePanel()).toBeNull();
    document.body.innerHTML = '';
    await start({ drafts: [draft] });
    expect(welcomePanel()).toBeNull();
  });
});
