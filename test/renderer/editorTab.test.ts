/**
 * Tab in the editor's full configuration (editorExtensions): it accepts a ghost when one shows, and otherwise
 * indents — the key is handled (its default, moving focus out of the draft, is prevented) and a tab is typed.
 * The same in a real browser, with focus checked: test/e2e/editorTab.test.ts.
 */
import { EditorState } from '@codemirror/state';
import { EditorView } from '@codemirror/view';
import { describe, expect, it } from 'vitest';
import { editorExtensions } from '../../renderer/src/editor/setup.js';
import { setGhost } from './subjects.js';

function mount(doc: string) {
  const texts: string[] = [];
  const view = new EditorView({
    parent: document.body,
    state: EditorState.create({
      doc,
      selection: { anchor: doc.length },
      extensions: editorExtensions({ suggest: async () => null, cancel: () => {} }, { onText: (t) => texts.push(t), onSelection: () => {} }),
    }),
  });
  return { view, texts };
}

/** A key press as the browser delivers it; true when CodeMirror handled it (prevented the default). */
function press(view: EditorView, key: string, init: KeyboardEventInit = {}): boolean {
  const event = new KeyboardEvent('keydown', { key, code: key, keyCode: key === 'Tab' ? 9 : 0, bubbles: true, cancelable: true, ...init });
  view.contentDOM.dispatchEvent(event);
  return event.defaultPrevented;
}

describe('Tab in the editor', () => {
  it('with no ghost showing, indents where the writer is instead of leaving the draft', () => {
    const { view, texts } = mount('Chapter One\n');
    expect(press(view, 'Tab')).toBe(true);
    expect(view.state.doc.toString()).toBe('Chapter One\n\t');
    expect(texts.at(-1)).toBe('Chapter One\n\t');
    view.dispatch(view.state.replaceSelection('It was'));
    expect(view.state.doc.toString()).toBe('Chapter One\n\tIt was');
    view.destroy();
  });

  it('Shift+Tab takes one indent back; a selection is indented and outdented line by line', () => {
    const { view } = mount('\tIt was');
    expect(press(view, 'Tab', { shiftKey: true })).toBe(true);
    expect(view.state.doc.toString()).toBe('It was');
    expect(press(view, 'Tab', { shiftKey: true })).toBe(true); // nothing to take back: still handled
    expect(view.state.doc.toString()).toBe('It was');

    view.dispatch({ changes: { from: 6, insert: '\nthe best\n    of times' }, selection: { anchor: 0, head: 15 } });
    expect(press(view, 'Tab')).toBe(true);
    expect(view.state.doc.toString()).toBe('\tIt was\n\tthe best\n    of times');
    expect(view.state.sliceDoc(view.state.selection.main.from, view.state.selection.main.to)).toBe('It was\n\tthe best');
    view.dispatch({ selection: { anchor: 0, head: view.state.doc.length } });
    expect(press(view, 'Tab', { shiftKey: true })).toBe(true);
    expect(view.state.doc.toString()).toBe('It was\nthe best\nof times');
    view.destroy();
  });

  it('with a ghost showing, accepts it (and types no tab)', () => {
    const { view } = mount('Once upon');
    view.dispatch({ effects: setGhost.of({ pos: 9, options: [' a time'] }) });
    expect(press(view, 'Tab')).toBe(true);
    expect(view.state.doc.toString()).toBe('Once upon a time');
    view.destroy();
  });
});
