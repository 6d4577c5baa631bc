import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { App, AppModel } from './subjects.js';
import { fakeApi, settle } from './fakeApi.js';
import { corpus, presets, report, settings } from './fixtures.js';

function service() {
  return fakeApi({
    'settings.get': () => settings,
    'system.report': () => report,
    'documents.list': () => ({ documents: [] }),
    'corpora.list': () => ({ corpora: [corpus] }),
    'corpora.stats': () => ({ ...corpus, charset: 'ab', longestDocumentChars: 1, averageDocumentWords: 1 }),
    'corpora.documents': () => ({ documents: [], total: 0 }),
    'presets.list': () => presets,
    'runs.list': () => ({ runs: [] }),
    'checkpoints.list': () => ({ checkpoints: [] }),
  });
}

const NAMES = ['Editor', 'Summarizer', 'Dialogue', 'Library', 'Training', 'Models', 'Settings'];

describe('App', () => {
  it('has a navigation rail with a named button per pane, and one visible pane with its heading', async () => {
    const app = new AppModel(service().api);
    await app.start();
    render(App, { props: { app } });
    const nav = screen.getByRole('navigation', { name: 'Panes' });
    expect(nav).toBeInTheDocument();
    for (const name of NAMES) expect(screen.getByRole('button', { name })).toBeInTheDocument();
    expect(screen.getByRole('button', { name: 'Editor' })).toHaveAttribute('aria-current', 'page');
    expect(screen.getByRole('heading', { name: 'Editor' })).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Library' })).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: 'Library' }));
    expect(screen.getByRole('heading', { name: 'Library' })).toBeInTheDocument();
    expect(screen.queryByRole('heading', { name: 'Editor' })).toBeNull();
  });

  it('switches panes with Ctrl/Cmd+1…7', async () => {
    const app = new AppModel(service().api);
    await app.start();
    render(App, { props: { app } });
    await fireEvent.keyDown(screen.getByRole('navigation'), { key: '7', ctrlKey: true });
    await settle();
    expect(screen.getByRole('heading', { name: 'Settings' })).toBeInTheDocument();
    expect(screen.getByRole('region', { name: 'Settings' })).toHaveFocus();
    await fireEvent.keyDown(screen.getByRole('navigation'), { key: '5', metaKey: true });
    expect(screen.getByRole('heading', { name: 'Training' })).toBeInTheDocument();
  });

  // Seven panes, eight roles each: several seconds on the shared 2-core machine, over vitest's 5 s default.
  it('gives every control an accessible name, in every pane', { timeout: 30_000 }, async () => {
    const app = new AppModel(service().api);
    await app.start();
    render(App, { props: { app } });
    for (const name of NAMES) {
      await fireEvent.click(screen.getByRole('button', { name }));
      for (const role of ['button', 'textbox', 'combobox', 'checkbox', 'radio', 'spinbutton', 'slider', 'progressbar'] as const) {
        const named = screen.queryAllByRole(role, { name: /\S/ });
        const unnamed = screen.queryAllByRole(role).filter((el) => !named.includes(el));
        expect(unnamed.map((el) => `${name}: ${el.outerHTML.slice(0, 120)}`)).toEqual([]);
      }
    }
  });

  it('applies the theme override to the document', async () => {
    const app = new AppModel(service().api);
    await app.start();
    render(App, { props: { app } });
    app.settings.settings = { ...settings, theme: 'dark' };
    await settle();
    expect(screen.getByRole('navigation').ownerDocument.documentElement.dataset.theme).toBe('dark');
    app.settings.settings = { ...settings, theme: 'system' };
    await settle();
    expect(screen.getByRole('navigation').ownerDocument.documentElement.dataset.theme).toBeUndefined();
  });

  it('says when the service cannot be reached', async () => {
    const app = new AppModel(fakeApi({}).api);
    await app.start();
    render(App, { props: { app } });
    expect(screen.getByRole('alert')).toHaveTextContent('Cannot reach the Longhand service.');
  });

  it('takes a writer with no summarizer from the Summarizer to a pairs file in Training, or to importing in Models', async () => {
    const app = new AppModel(service().api);
    await app.start();
    render(App, { props: { app } });
    await fireEvent.click(screen.getByRole('button', { name: 'Summarizer' }));
    await settle();
    expect(screen.getByRole('region', { name: 'Train a summarizer on your writing' })).toBeInTheDocument();

    await fireEvent.click(screen.getByRole('button', { name: 'Train on a pairs file…' }));
    await settle();
    const training = within(screen.getByRole('region', { name: 'Training' }));
    expect(training.getByRole('heading', { name: 'Training', level: 1 })).toBeVisible();
    expect(training.getByRole('radio', { name: /^Encoder–decoder/ })).toBeChecked();
    expect(training.getByRole('radio', { name: 'From a pairs file' })).toBeChecked();
    expect(training.getByRole('combobox', { name: 'Task' })).toHaveValue('summarize');

    await fireEvent.click(screen.getByRole('button', { name: 'Summarizer' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Import a trained model…' }));
    await settle();
    expect(screen.getByRole('heading', { name: 'Models', level: 1 })).toBeVisible();
    expect(screen.getByRole('textbox', { name: 'Checkpoint folder or model.json' })).toHaveFocus();
  });
});
