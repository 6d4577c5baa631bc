import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../src/contract/index.js';
import { SettingsModel, SettingsPane } from './subjects.js';
import { fakeApi, settle } from './fakeApi.js';
import { report, settings } from './fixtures.js';

describe('SettingsPane', () => {
  it('renders the backend report: what runs and why the better ones do not', async () => {
    const fake = fakeApi({ 'settings.get': () => settings, 'system.report': () => report });
    const model = new SettingsModel(fake.api);
    await model.load();
    render(SettingsPane, { props: { model, mode: 'browser' } });
    expect(screen.getByText(/Training and generation run on/)).toHaveTextContent('Training and generation run on wasm.');
    const rows = within(screen.getByRole('table', { name: 'Backends Longhand tried, best first' })).getAllByRole('row');
    expect(rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent))).toEqual([
      [],
      ['tensorflow (GPU)', 'no', '@tensorflow/tfjs-node-gpu is not installed'],
      ['tensorflow', 'no', '@tensorflow/tfjs-node is not installed'],
      ['wasm', 'yes', 'in use'],
      ['cpu', 'yes', ''],
    ]);
    expect(screen.getByText('/home/writer/.config/Longhand')).toBeInTheDocument();
    expect(screen.getByText('4.22.0')).toBeInTheDocument();
  });

  it('shows how many threads training uses and which parallelism runs them, when the service reports it', async () => {
    const training = { threads: 4, cores: 8, parallelism: '4 model replicas in worker threads (data parallelism on wasm)' };
    const fake = fakeApi({ 'settings.get': () => settings, 'system.report': () => ({ ...report, training }) });
    const model = new SettingsModel(fake.api);
    await model.load();
    render(SettingsPane, { props: { model, mode: 'browser' } });
    expect(screen.getByTestId('training-threads')).toHaveTextContent(
      'Training uses 4 of 8 cores: 4 model replicas in worker threads (data parallelism on wasm). It pauses while a suggestion, summary or reply is being written, so those do not wait for it.',
    );
  });

  it('says "not tried" (not "no") for a backend skipped because a better one works, and "yes" for the one in use', async () => {
    const skipped = {
      ...report,
      backend: {
        chosen: 'wasm',
        candidates: [
          { name: 'tfjs-node', ok: false, status: 'unavailable' as const, reason: '@tensorflow/tfjs-node is not installed' },
          { name: 'wasm', ok: true, status: 'in-use' as const, reason: 'loaded and computed' },
          // What the service reported before: ok false for a backend it never tried.
          { name: 'cpu', ok: false, status: 'untried' as const, reason: 'not needed: a better backend works' },
        ],
      },
    };
    const fake = fakeApi({ 'settings.get': () => settings, 'system.report': () => skipped });
    const model = new SettingsModel(fake.api);
    await model.load();
    render(SettingsPane, { props: { model } });
    const rows = within(screen.getByRole('table', { name: 'Backends Longhand tried, best first' })).getAllByRole('row');
    expect(rows.slice(1).map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent))).toEqual([
      ['tfjs-node', 'no', '@tensorflow/tfjs-node is not installed'],
      ['wasm', 'yes', 'loaded and computed'],
      ['cpu', 'not tried', 'not needed: a better backend works'],
    ]);
  });

  it('changes the theme, and rolls back when the service refuses', async () => {
    let refuse = false;
    const fake = fakeApi({
      'settings.get': () => settings,
      'system.report': () => report,
      'settings.update': (patch) => {
        if (refuse) throw new ApiError('Unavailable', 'The settings file is read-only.');
        return { ...settings, ...(patch.theme ? { theme: patch.theme } : {}) };
      },
    });
    const model = new SettingsModel(fake.api);
    await model.load();
    render(SettingsPane, { props: { model } });
    await fireEvent.click(screen.getByRole('radio', { name: 'Dark' }));
    await settle();
    expect(fake.inputs('settings.update')).toEqual([{ theme: 'dark' }]);
    expect(model.theme).toBe('dark');
    refuse = true;
    await fireEvent.click(screen.getByRole('radio', { name: 'Light' }));
    await settle();
    expect(model.theme).toBe('dark');
    expect(screen.getByRole('alert')).toHaveTextContent('The settings file is read-only.');
  });

  it('changes the suggestion delay', async () => {
    const fake = fakeApi({
      'settings.get': () => settings,
      'system.report': () => report,
      'settings.update': (patch) => ({ ...settings, completion: { ...settings.completion, ...patch.completion } }),
    });
    const model = new SettingsModel(fake.api);
    await model.load();
    render(SettingsPane, { props: { model } });
    await fireEvent.change(screen.getByRole('spinbutton', { name: 'Pause before suggesting (ms)' }), { target: { value: '400' } });
    await settle();
    expect(fake.inputs('settings.update')).toEqual([{ completion: { delayMs: 400 } }]);
    expect(model.completion.delayMs).toBe(400);
  });
});
