/**
 * Ghost text as editor state: the suggestion shown at the cursor, its alternatives, and the picker. Pure
 * @codemirror/state (no DOM), so its logic is tested with plain EditorStates.
 *
 * Typing what the ghost shows keeps the rest of it (type-through); any other change or a cursor move drops it.
 * Accepting inserts exactly what is shown.
 */
import { StateEffect, StateField, type EditorState, type Transaction, type TransactionSpec } from '@codemirror/state';

export interface Ghost {
  /** Document position the ghost is anchored at (the cursor). */
  pos: number;
  /** Alternatives, best first; each non-empty and on one line. */
  options: readonly string[];
  /** The alternative shown and accepted. */
  index: number;
  /** Whether the list of alternatives is open. */
  picking: boolean;
}

export const setGhost = StateEffect.define<{ pos: number; options: readonly string[]; picking?: boolean }>();
export const clearGhost = StateEffect.define<null>();
export const updateGhost = StateEffect.define<{ index?: number; picking?: boolean }>();

/** Userevent of accept transactions (a kind of input, so a new suggestion may follow). */
export const ACCEPT_EVENT = 'input.complete';

function typeThrough(ghost: Ghost, tr: Transaction): Ghost | null {
  let inserted: string | null = null;
  let count = 0;
  tr.changes.iterChanges((fromA, toA, _fromB, _toB, text) => {
    count++;
    if (fromA === ghost.pos && toA === ghost.pos) inserted = text.toString();
  });
  if (count !== 1 || !inserted) return null;
  const typed: string = inserted;
  const pos = ghost.pos + typed.length;
  if (tr.newSelection.main.head !== pos || !tr.newSelection.main.empty) return null;
  const chosen = ghost.options[ghost.index];
  const options = ghost.options.filter((o) => o.length > typed.length && o.startsWith(typed)).map((o) => o.slice(typed.length));
  if (options.length === 0) return null;
  const kept = chosen?.startsWith(typed) ? options.indexOf(chosen.slice(typed.length)) : -1;
  return { pos, options, index: Math.max(0, kept), picking: false };
}

export const ghostField = StateField.define<Ghost | null>({
  create: () => null,
  update(ghost, tr) {
    let next = ghost;
    let explicit = false;
    for (const effect of tr.effects) {
      if (effect.is(setGhost)) {
        const options = effect.value.options.filter((o) => o.length > 0);
        next = options.length ? { pos: effect.value.pos, options, index: 0, picking: effect.value.picking ?? false } : null;
        explicit = true;
      } else if (effect.is(clearGhost)) {
        next = null;
        explicit = true;
      }
    }
    if (!explicit && next) {
      if (tr.docChanged) next = typeThrough(next, tr);
      else if (tr.selection && (tr.selection.main.head !== next.pos || !tr.selection.main.empty)) next = null;
    }
    for (const effect of tr.effects) {
      if (effect.is(updateGhost) && next) {
        const index = effect.value.index ?? next.index;
        next = {
          ...next,
          index: Math.min(next.options.length - 1, Math.max(0, index)),
          picking: effect.value.picking ?? next.picking,
        };
      }
    }
    return next;
  },
});

export const currentGhost = (state: EditorState): Ghost | null => state.field(ghostField, false) ?? null;

/** The ghost's visible text. */
export function ghostText(ghost: Ghost | null): string {
  return ghost ? (ghost.options[ghost.index] ?? '') : '';
}

/** The next word of a suggestion, with the space before it (what Ctrl/Cmd+→ accepts). */
export function nextWord(text: string): string {
  return /^\s*[^\s]+/.exec(text)?.[0] ?? text;
}

/** The transaction that accepts the ghost (all of it, or its next word), or null without one. */
export function acceptGhost(state: EditorState, part: 'all' | 'word' = 'all', index?: number): TransactionSpec | null {
  const ghost = currentGhost(state);
  if (!ghost) return null;
  const chosen = ghost.options[index ?? ghost.index];
  if (!chosen) return null;
  const insert = part === 'word' ? nextWord(chosen) : chosen;
  // Accepting a word leaves the rest showing: the insertion matches the ghost, so type-through keeps it.
  const effects = part === 'all' ? [clearGhost.of(null)] : [];
  return {
    changes: { from: ghost.pos, insert },
    selection: { anchor: ghost.pos + insert.length },
    effects,
    userEvent: ACCEPT_EVENT,
    scrollIntoView: true,
  };
}

/** Whether a suggestion makes sense here: an empty selection at the end of a word or line, after some text. */
export function wantsSuggestion(state: EditorState): boolean {
  const sel = state.selection.main;
  if (!sel.empty || sel.head === 0) return false;
  const line = state.doc.lineAt(sel.head);
  const after = state.sliceDoc(sel.head, Math.min(line.to, sel.head + 1));
  if (after !== '' && !/\s/.test(after)) return false;
  return state.sliceDoc(Math.max(0, sel.head - 200), sel.head).trim().length > 0;
}
