/**
 * Ghost text in the view: the faded inline widget (same font and line height, so nothing moves when it
 * appears), the keys (Tab accepts, Ctrl/Cmd+→ accepts a word, Esc dismisses, Ctrl/Cmd+Space or Alt+\ lists
 * the alternatives), the alternatives list, and the plugin that asks for suggestions as the writer pauses.
 */
import { Prec, type Extension } from '@codemirror/state';
import {
  Decoration,
  EditorView,
  keymap,
  showTooltip,
  ViewPlugin,
  WidgetType,
  type Command,
  type KeyBinding,
  type Tooltip,
  type ViewUpdate,
} from '@codemirror/view';
import { acceptGhost, clearGhost, currentGhost, ghostField, ghostText, setGhost, updateGhost, wantsSuggestion } from './ghostState.js';

export interface SuggestionSource {
  /** Text before the cursor → alternatives (null when superseded or failed). Debounced unless immediate. */
  suggest(before: string, immediate: boolean): Promise<string[] | null>;
  /** Drops whatever is pending. */
  cancel(): void;
}

const CONTEXT_CHARS = 4000;
const LIST_ID = 'lh-suggestions';
const optionId = (i: number) => `${LIST_ID}-${i}`;

class GhostWidget extends WidgetType {
  constructor(readonly text: string) {
    super();
  }
  override eq(other: GhostWidget): boolean {
    return other.text === this.text;
  }
  // The view's own document (not the global one): right for editors in other windows, and DOM-lib free.
  toDOM(view: EditorView) {
    const span = view.dom.ownerDocument.createElement('span');
    span.className = 'cm-ghost';
    span.setAttribute('aria-hidden', 'true');
    span.textContent = this.text;
    return span;
  }
  override ignoreEvent(): boolean {
    return false;
  }
}

const ghostDecorations = EditorView.decorations.compute([ghostField], (state) => {
  const ghost = currentGhost(state);
  const text = ghostText(ghost);
  if (!ghost || !text) return Decoration.none;
  return Decoration.set([Decoration.widget({ widget: new GhostWidget(text), side: 1 }).range(ghost.pos)]);
});

function pickerTooltip(view: EditorView) {
  const ghost = currentGhost(view.state);
  const doc = view.dom.ownerDocument;
  const list = doc.createElement('ul');
  list.id = LIST_ID;
  list.className = 'cm-ghost-list';
  list.setAttribute('role', 'listbox');
  list.setAttribute('aria-label', 'Suggestions');
  ghost?.options.forEach((text, i) => {
    const item = doc.createElement('li');
    item.id = optionId(i);
    item.setAttribute('role', 'option');
    item.setAttribute('aria-selected', String(i === ghost.index));
    item.textContent = text;
    item.addEventListener('mousedown', (event: { preventDefault(): void }) => {
      event.preventDefault();
      const spec = acceptGhost(view.state, 'all', i);
      if (spec) view.dispatch(spec);
    });
    list.append(item);
  });
  return list;
}

const ghostTooltip = showTooltip.compute([ghostField], (state): Tooltip | null => {
  const ghost = currentGhost(state);
  if (!ghost?.picking) return null;
  return { pos: ghost.pos, above: false, create: (view) => ({ dom: pickerTooltip(view) }) };
});

const pickerAria = EditorView.contentAttributes.compute([ghostField], (state): Record<string, string> => {
  const ghost = currentGhost(state);
  if (!ghost?.picking) return {};
  return { 'aria-controls': LIST_ID, 'aria-activedescendant': optionId(ghost.index), 'aria-expanded': 'true' };
});

export const acceptSuggestion: Command = (view) => {
  const spec = acceptGhost(view.state, 'all');
  if (!spec) return false;
  view.dispatch(spec);
  return true;
};

export const acceptSuggestionWord: Command = (view) => {
  const spec = acceptGhost(view.state, 'word');
  if (!spec) return false;
  view.dispatch(spec);
  return true;
};

export const dismissSuggestion: Command = (view) => {
  const ghost = currentGhost(view.state);
  if (!ghost) return false;
  view.dispatch({ effects: ghost.picking ? updateGhost.of({ picking: false }) : clearGhost.of(null) });
  return true;
};

const moveChoice =
  (by: number): Command =>
  (view) => {
    const ghost = currentGhost(view.state);
    if (!ghost?.picking) return false;
    const index = (ghost.index + by + ghost.options.length) % ghost.options.length;
    view.dispatch({ effects: updateGhost.of({ index }) });
    return true;
  };

const acceptChoice: Command = (view) => (currentGhost(view.state)?.picking ? acceptSuggestion(view) : false);

class Requester {
  #destroyed = false;

  constructor(
    readonly view: EditorView,
    readonly source: SuggestionSource,
  ) {}

  update(update: ViewUpdate): void {
    const typed = update.transactions.some((tr) => tr.isUserEvent('input') || tr.isUserEvent('delete'));
    if (!update.docChanged && !update.selectionSet) return;
    if (!typed || currentGhost(update.state)) {
      // Keep a ghost that survived type-through; stop asking for text that no longer matches.
      this.source.cancel();
      return;
    }
    this.request(false);
  }

  request(immediate: boolean, picking = false): void {
    const { state } = this.view;
    if (!wantsSuggestion(state)) {
      this.source.cancel();
      return;
    }
    const doc = state.doc;
    const head = state.selection.main.head;
    void this.source.suggest(state.sliceDoc(Math.max(0, head - CONTEXT_CHARS), head), immediate).then((options) => {
      const now = this.view.state;
      if (this.#destroyed || !options?.length || now.doc !== doc || now.selection.main.head !== head) return;
      this.view.dispatch({ effects: setGhost.of({ pos: head, options, picking }) });
    });
  }

  destroy(): void {
    this.#destroyed = true;
    this.source.cancel();
  }
}

/** Opens the alternatives list, asking at once when no suggestion is showing. */
function showAlternatives(plugin: ViewPlugin<Requester>): Command {
  return (view) => {
    const ghost = currentGhost(view.state);
    if (ghost) {
      view.dispatch({ effects: updateGhost.of({ picking: !ghost.picking }) });
      return true;
    }
    view.plugin(plugin)?.request(true, true);
    return true;
  };
}

export function ghostKeymap(plugin: ViewPlugin<Requester>): KeyBinding[] {
  const show = showAlternatives(plugin);
  return [
    { key: 'Tab', run: acceptSuggestion },
    { key: 'Mod-ArrowRight', run: acceptSuggestionWord },
    { key: 'Escape', run: dismissSuggestion },
    { key: 'Mod-Space', run: show },
    { key: 'Alt-\\', run: show },
    { key: 'ArrowDown', run: moveChoice(1) },
    { key: 'ArrowUp', run: moveChoice(-1) },
    { key: 'Enter', run: acceptChoice },
  ];
}

const ghostTheme = EditorView.baseTheme({
  // Inherit font, line height and wrapping: the ghost must not change the line's metrics.
  '.cm-ghost': { opacity: '0.42', font: 'inherit', lineHeight: 'inherit', pointerEvents: 'none' },
  // The list is the tooltip's own element (CodeMirror adds cm-tooltip to it), not a child of one.
  '.cm-tooltip.cm-ghost-list': { listStyle: 'none', margin: '0', padding: '4px 0', maxWidth: '36em', font: 'inherit' },
  '.cm-ghost-list [role=option]': { padding: '2px 10px', cursor: 'pointer', whiteSpace: 'pre-wrap' },
  '.cm-ghost-list [aria-selected=true]': { background: 'var(--accent-soft, #dde7f5)' },
});

/** Everything ghost text needs, given where suggestions come from. */
export function ghostTextExtension(source: SuggestionSource): Extension {
  const plugin = ViewPlugin.define((view) => new Requester(view, source));
  return [ghostField, ghostDecorations, ghostTooltip, pickerAria, ghostTheme, plugin, Prec.highest(keymap.of(ghostKeymap(plugin)))];
}
