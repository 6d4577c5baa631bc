import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { SUMMARY_DECODING } from '../../src/contract/index.js';
import { SummarizerModel, SummarizerPane } from './subjects.js';
import { fakeApi, settle } from './fakeApi.js';
import { draft } from './fixtures.js';

const result = {
  modelId: 12,
  summary: 'Storm hits coast',
  sourceTokens: ['A', 'storm', 'hit', 'the', 'coast', 'today'],
  summaryTokens: ['Storm', 'hits', 'coast'],
  attention: [
    [0.05, 0.8, 0.05, 0.03, 0.04, 0.03],
    [0.02, 0.1, 0.7, 0.08, 0.05, 0.05],
    [0.01, 0.02, 0.02, 0.05, 0.85, 0.05],
  ],
  score: -3.2,
  truncated: false,
};

function setup(selection = '') {
  const fake = fakeApi({
    'generate.summarize': () => result,
    'documents.list': () => ({ documents: [{ id: 3, title: 'Chapter one', excerpt: '', words: 7, updatedAt: draft.updatedAt }] }),
    'documents.open': () => draft,
  });
  const model = new SummarizerModel(fake.api, { selection: () => selection });
  render(SummarizerPane, { props: { model } });
  return { fake, model };
}

describe('SummarizerPane', () => {
  it('summarizes pasted text with the beam settings', async () => {
    const { fake } = setup();
    await fireEvent.input(screen.getByRole('textbox', { name: 'Text to summarize' }), { target: { value: 'A storm hit the coast today.' } });
    await fireEvent.input(screen.getByRole('spinbutton', { name: 'Beam size' }), { target: { value: '6' } });
    await fireEvent.input(screen.getByRole('spinbutton', { name: 'Length penalty' }), { target: { value: '1.4' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Summarize' }));
    await settle();
    expect(fake.inputs('generate.summarize')).toEqual([{ text: 'A storm hit the coast today.', beam: 6, lengthPenalty: 1.4, minLength: 0 }]);
    expect(screen.getByText('Storm hits coast')).toBeInTheDocument();
  });

  it('asks for the pane defaults of the one decoding set, and a maximum length only when the writer gives one', async () => {
    const { fake } = setup();
    expect((screen.getByRole('spinbutton', { name: 'Maximum length' }) as HTMLInputElement).value).toBe('');
    await fireEvent.input(screen.getByRole('textbox', { name: 'Text to summarize' }), { target: { value: 'A storm hit the coast today.' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Summarize' }));
    await settle();
    await fireEvent.input(screen.getByRole('spinbutton', { name: 'Maximum length' }), { target: { value: '50' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Summarize' }));
    await settle();
    const text = 'A storm hit the coast today.';
    expect(fake.inputs('generate.summarize')).toEqual([
      { text, beam: SUMMARY_DECODING.beam, lengthPenalty: SUMMARY_DECODING.lengthPenalty, minLength: SUMMARY_DECODING.minLength },
      { text, beam: SUMMARY_DECODING.beam, lengthPenalty: SUMMARY_DECODING.lengthPenalty, minLength: SUMMARY_DECODING.minLength, maxLength: 50 },
    ]);
  });

  it('renders one heatmap cell per summary × source token, each with its weight', async () => {
    const { container } = { container: null };
    void container;
    setup('The storm');
    await fireEvent.click(screen.getByRole('radio', { name: 'Editor selection' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Summarize' }));
    await settle();
    const heatmap = screen.getByRole('img', { name: 'Attention heatmap: 3 summary tokens by 6 source tokens' });
    const cells = heatmap.querySelectorAll('rect.cell');
    expect(cells).toHaveLength(18);
    expect(cells[1]!.querySelector('title')?.textContent).toBe('Storm → storm: 0.800');
    expect(cells[17]!.querySelector('title')?.textContent).toBe('coast → today: 0.050');
  });

  it('highlights what a summary token attended to when hovered or focused', async () => {
    setup('The storm');
    await fireEvent.click(screen.getByRole('radio', { name: 'Editor selection' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Summarize' }));
    await settle();
    const tokens = within(screen.getByRole('group', { name: 'Summary tokens' }));
    await fireEvent.mouseEnter(tokens.getByRole('button', { name: 'hits' }));
    expect(tokens.getByRole('button', { name: 'hits' })).toHaveAttribute('aria-pressed', 'true');
    expect(screen.getByText('hit')).toHaveAttribute('title', 'weight 0.700');
    expect(screen.getByText(/drew most on/)).toHaveTextContent('“hits” drew most on “hit” (70%), “storm” (10%), “the” (8%).');
    await fireEvent.focus(tokens.getByRole('button', { name: 'coast' }));
    expect(screen.getByText('today')).toHaveAttribute('title', 'weight 0.050');
  });

  it('summarizes a chosen draft, and says when the selection is empty', async () => {
    const { fake, model } = setup('');
    await fireEvent.click(screen.getByRole('radio', { name: 'Editor selection' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Summarize' }));
    await settle();
    expect(screen.getByRole('alert')).toHaveTextContent('Select some text in the editor first.');
    await model.loadDrafts();
    await fireEvent.click(screen.getByRole('radio', { name: 'A draft' }));
    await fireEvent.click(screen.getByRole('button', { name: 'Summarize' }));
    await settle();
    expect(fake.inputs('generate.summarize')[0]?.text).toBe(draft.text);
  });
});
