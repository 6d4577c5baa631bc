/**
 * The editor's CodeMirror configuration: Markdown, history, line wrapping, the default keys, ghost text, and
 * listeners that tell the model about text and selection changes. The theme comes from CSS variables so the
 * light/dark switch needs no reconfiguration.
 */
import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { markdown } from '@codemirror/lang-markdown';
import { EditorState, type Extension } from '@codemirror/state';
import { drawSelection, EditorView, keymap, placeholder } from '@codemirror/view';
import { ghostTextExtension, type SuggestionSource } from './ghostView.js';
import { indentProse, outdentProse } from './indent.js';

export interface EditorHooks {
  onText(text: string): void;
  onSelection(text: string): void;
}

const theme = EditorView.theme({
  '&': { color: 'var(--text)', backgroundColor: 'transparent', fontSize: 'var(--editor-size, 1.125rem)' },
  '.cm-content': { fontFamily: 'var(--font-writing)', lineHeight: '1.7', padding: '2rem 0 40vh', caretColor: 'var(--accent)' },
  '.cm-scroller': { fontFamily: 'var(--font-writing)' },
  '&.cm-focused': { outline: 'none' },
  '.cm-cursor': { borderLeftColor: 'var(--accent)', borderLeftWidth: '2px' },
  '&.cm-focused .cm-selectionBackground, .cm-selectionBackground, ::selection': { backgroundColor: 'var(--selection)' },
  '.cm-placeholder': { color: 'var(--muted)' },
  '.cm-tooltip': { background: 'var(--surface)', color: 'var(--text)', border: '1px solid var(--border)', borderRadius: '6px' },
});

export function editorExtensions(source: SuggestionSource, hooks: EditorHooks): Extension {
  return [
    history(),
    drawSelection(),
    markdown(),
    EditorView.lineWrapping,
    EditorState.allowMultipleSelections.of(false),
    placeholder('Begin writing…'),
    ghostTextExtension(source),
    // Tab accepts a ghost (ghostTextExtension, higher precedence); with none showing it indents, as a writer
    // expects, instead of moving focus out of the draft. Esc then Tab still leaves the editor (CodeMirror's
    // escape hatch for keyboard users), as does Ctrl+M (Shift+Alt+M on macOS) from the default keymap.
    keymap.of([{ key: 'Tab', run: indentProse, shift: outdentProse }, ...defaultKeymap, ...historyKeymap]),
    EditorView.contentAttributes.of({ 'aria-label': 'Draft text', spellcheck: 'true', autocorrect: 'on', autocapitalize: 'sentences' }),
    theme,
    EditorView.updateListener.of((update) => {
      if (update.docChanged) hooks.onText(update.state.doc.toString());
      if (update.selectionSet || update.docChanged) {
        const { from, to } = update.state.selection.main;
        hooks.onSelection(update.state.sliceDoc(from, to));
      }
    }),
  ];
}
