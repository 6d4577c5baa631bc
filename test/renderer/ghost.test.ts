import { EditorSelection, EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { describe, expect, it } from 'vitest';
import {
  acceptGhost,
  acceptSuggestion,
  acceptSuggestionWord,
  clearGhost,
  currentGhost,
  dismissSuggestion,
  ghostField,
  ghostKeymap,
  ghostText,
  ghostTextExtension,
  nextWord,
  setGhost,
  updateGhost,
  wantsSuggestion,
} from './subjects.js';

const start = (doc: string, head = doc.length) => EditorState.create({ doc, selection: { anchor: head }, extensions: [ghostField] });
const withGhost = (doc: string, options: string[]) => start(doc).update({ effects: setGhost.of({ pos: doc.length, options }) }).state;
const type = (state: EditorState, text: string) => {
  const head = state.selection.main.head;
  return state.update({ changes: { from: head, insert: text }, selection: { anchor: head + text.length }, userEvent: 'input.type' }).state;
};

describe('ghost state', () => {
  it('shows the first alternative at the cursor', () => {
    const s = withGhost('Once upon', [' a time', ' the hill']);
    expect(currentGhost(s)).toMatchObject({ pos: 9, index: 0, picking: false });
    expect(ghostText(currentGhost(s))).toBe(' a time');
  });

  it('keeps the rest when the typed text matches (type-through)', () => {
    let s = withGhost('Once upon', [' a time', ' the hill']);
    s = type(s, ' ');
    expect(currentGhost(s)?.options).toEqual(['a time', 'the hill']);
    s = type(s, 'a');
    expect(currentGhost(s)).toMatchObject({ pos: 11, options: [' time'] });
  });

  it('drops the ghost when the typed text differs, on deletion, or when the cursor moves', () => {
    expect(currentGhost(type(withGhost('Once upon', [' a time']), 'x'))).toBeNull();
    const s = withGhost('Once upon', [' a time']);
    expect(currentGhost(s.update({ changes: { from: 8, to: 9 } }).state)).toBeNull();
    expect(currentGhost(s.update({ selection: EditorSelection.cursor(2) }).state)).toBeNull();
    expect(currentGhost(s.update({ effects: clearGhost.of(null) }).state)).toBeNull();
  });

  it('drops the ghost once it has been typed in full', () => {
    expect(currentGhost(type(withGhost('Once', [' a']), ' a'))).toBeNull();
  });

  it('accepts everything with one transaction, cursor after', () => {
    const s = withGhost('Once upon', [' a time', ' the hill']);
    const after = s.update(acceptGhost(s)!).state;
    expect(after.doc.toString()).toBe('Once upon a time');
    expect(after.selection.main.head).toBe(16);
    expect(currentGhost(after)).toBeNull();
  });

  it('accepts one word at a time and keeps the rest', () => {
    let s = withGhost('Once upon', [' a time, long ago']);
    s = s.update(acceptGhost(s, 'word')!).state;
    expect(s.doc.toString()).toBe('Once upon a');
    expect(ghostText(currentGhost(s))).toBe(' time, long ago');
    s = s.update(acceptGhost(s, 'word')!).state;
    expect(s.doc.toString()).toBe('Once upon a time,');
    expect(nextWord('  well')).toBe('  well');
  });

  it('picks another alternative from the list', () => {
    let s = withGhost('Once upon', [' a time', ' the hill', ' a star']);
    s = s.update({ effects: updateGhost.of({ picking: true, index: 2 }) }).state;
    expect(currentGhost(s)).toMatchObject({ picking: true, index: 2 });
    s = s.update({ effects: updateGhost.of({ index: 99 }) }).state;
    expect(currentGhost(s)?.index).toBe(2);
    expect(s.update(acceptGhost(s)!).state.doc.toString()).toBe('Once upon a star');
  });

  it('ignores empty alternatives and returns no accept without a ghost', () => {
    expect(currentGhost(withGhost('x', ['']))).toBeNull();
    expect(acceptGhost(start('x'))).toBeNull();
  });

  it.each([
    ['Once upon|', true],
    ['Once upon |', true],
    ['Once up|on', false],
    ['|', false],
    ['   |', false],
    ['Once| upon', true],
  ])('wants a suggestion at %s: %s', (marked, expected) => {
    const head = marked.indexOf('|');
    expect(wantsSuggestion(start(marked.replace('|', ''), head))).toBe(expected);
  });
});

describe('ghost text in a view', () => {
  function mount(doc: string) {
    const requests: string[] = [];
    const view = new EditorView({
      state: EditorState.create({
        doc,
        selection: { anchor: doc.length },
        extensions: ghostTextExtension({
          suggest: async (before) => {
            requests.push(before);
            return null;
          },
          cancel: () => {},
        }),
      }),
    });
    return { view, requests };
  }

  it('renders the ghost as an inline widget inside the line, and removes it on dismiss', () => {
    const { view } = mount('Once upon');
    view.dispatch({ effects: setGhost.of({ pos: 9, options: [' a time'] }) });
    const ghost = view.contentDOM.querySelector('.cm-line .cm-ghost');
    expect(ghost?.textContent).toBe(' a time');
    expect(ghost?.getAttribute('aria-hidden')).toBe('true');
    expect(view.state.doc.toString()).toBe('Once upon');
    expect(dismissSuggestion(view)).toBe(true);
    expect(view.contentDOM.querySelector('.cm-ghost')).toBeNull();
    expect(dismissSuggestion(view)).toBe(false);
    view.destroy();
  });

  it('accepts with the Tab and Mod-ArrowRight commands, which pass when there is no ghost', () => {
    const { view } = mount('Once upon');
    expect(acceptSuggestion(view)).toBe(false);
    view.dispatch({ effects: setGhost.of({ pos: 9, options: [' a time'] }) });
    expect(acceptSuggestionWord(view)).toBe(true);
    expect(view.state.doc.toString()).toBe('Once upon a');
    expect(acceptSuggestion(view)).toBe(true);
    expect(view.state.doc.toString()).toBe('Once upon a time');
    view.destroy();
  });

  it('asks for a suggestion when the writer types, not when the cursor moves', () => {
    const { view, requests } = mount('Once upon');
    view.dispatch({ changes: { from: 9, insert: ' a' }, selection: { anchor: 11 }, userEvent: 'input.type' });
    expect(requests).toEqual(['Once upon a']);
    view.dispatch({ selection: { anchor: 4 } });
    expect(requests).toHaveLength(1);
    view.destroy();
  });

  it('binds the documented keys', () => {
    const keys = ghostKeymap(null as never).map((b) => b.key);
    expect(keys).toEqual(expect.arrayContaining(['Tab', 'Mod-ArrowRight', 'Escape', 'Mod-Space', 'Alt-\\']));
  });
});
