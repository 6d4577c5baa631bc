import { fireEvent, render, screen, within } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import { REPLY_DECODING } from '../../src/contract/index.js';
import { DialogueModel, DialoguePane } from './subjects.js';
import { deferred, fakeApi, settle } from './fakeApi.js';

function setup() {
  let n = 0;
  const fake = fakeApi({
    'generate.reply': (input, ctx) => {
      n++;
      ctx.emitToken('Hello');
      return { modelId: 5, reply: `Hello (${n}) to “${input.message}”`, score: -2 };
    },
  });
  const model = new DialogueModel(fake.api);
  render(DialoguePane, { props: { model } });
  return { fake, model };
}

const messages = () => within(screen.getByRole('list', { name: 'Conversation' })).getAllByRole('listitem').map((li) => li.textContent?.replace(/\s+/g, ' ').trim());

describe('DialoguePane', () => {
  it('appends the message and the reply, sending earlier turns as history', async () => {
    const { fake } = setup();
    await fireEvent.input(screen.getByRole('textbox', { name: 'Message' }), { target: { value: 'Hi there' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await settle();
    expect(messages()).toEqual(['You Hi there', 'Model Hello (1) to “Hi there”']);
    await fireEvent.input(screen.getByRole('textbox', { name: 'Message' }), { target: { value: 'And now?' } });
    await fireEvent.keyDown(screen.getByRole('textbox', { name: 'Message' }), { key: 'Enter' });
    await settle();
    expect(fake.inputs('generate.reply')[1]).toEqual({
      history: [
        { role: 'user', text: 'Hi there' },
        { role: 'model', text: 'Hello (1) to “Hi there”' },
      ],
      message: 'And now?',
      temperature: REPLY_DECODING.temperature,
    });
    expect(screen.getByRole('textbox', { name: 'Message' })).toHaveValue('');
  });

  it('streams tokens into the pending reply', async () => {
    const gate = deferred<void>();
    const fake = fakeApi({
      'generate.reply': async (_input, ctx) => {
        ctx.emitToken('Well');
        ctx.emitToken(', yes');
        await gate.promise;
        return { modelId: 5, reply: 'Well, yes.', score: -1 };
      },
    });
    const model = new DialogueModel(fake.api);
    render(DialoguePane, { props: { model } });
    model.input = 'Is it?';
    const done = model.send();
    await settle();
    expect(messages()).toEqual(['You Is it?', 'Model Well, yes…']);
    expect(screen.getByRole('button', { name: 'Stop' })).toBeInTheDocument();
    gate.resolve();
    await done;
    expect(messages()).toEqual(['You Is it?', 'Model Well, yes.']);
  });

  it('regenerates the last reply with the same message and temperature', async () => {
    const { fake } = setup();
    await fireEvent.input(screen.getByRole('textbox', { name: 'Message' }), { target: { value: 'Hi' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Send' }));
    await settle();
    await fireEvent.input(screen.getByRole('slider', { name: /Temperature/ }), { target: { value: '1.2' } });
    await fireEvent.click(screen.getByRole('button', { name: 'Regenerate last reply' }));
    await settle();
    expect(messages()).toEqual(['You Hi', 'Model Hello (2) to “Hi”']);
    expect(fake.inputs('generate.reply')[1]).toMatchObject({ history: [], message: 'Hi', temperature: 1.2 });
  });

  it('keeps Send off, and Enter from sending, while no dialogue model is chosen', async () => {
    const fake = fakeApi({ 'generate.reply': () => ({ modelId: 5, reply: 'never', score: 0 }) });
    const model = new DialogueModel(fake.api);
    render(DialoguePane, { props: { model, hasModel: false } });
    expect(screen.getByRole('list', { name: 'Conversation' })).toHaveTextContent('No dialogue model is chosen yet.');
    const box = screen.getByRole('textbox', { name: 'Message' });
    await fireEvent.input(box, { target: { value: 'Hello?' } });
    expect(screen.getByRole('button', { name: 'Send' })).toBeDisabled();
    await fireEvent.keyDown(box, { key: 'Enter' });
    await settle();
    expect(fake.inputs('generate.reply')).toEqual([]);
    expect(box).toHaveValue('Hello?'); // the message is kept for when a model is chosen
  });

  it('clears the conversation', async () => {
    const { model } = setup();
    model.input = 'Hi';
    await model.send();
    await settle();
    await fireEvent.click(screen.getByRole('button', { name: 'Clear conversation' }));
    expect(screen.getByRole('list', { name: 'Conversation' })).toHaveTextContent('Say something to start.');
    expect(model.messages).toEqual([]);
    expect(screen.getByRole('button', { name: 'Regenerate last reply' })).toBeDisabled();
  });
});
