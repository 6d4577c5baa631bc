/**
 * Tab and Shift+Tab for prose when no ghost is showing: Tab types a tab where the writer is (a selection is
 * indented line by line), Shift+Tab takes one indent off the start of the line. Always with tab characters —
 * CodeMirror's own indentMore/indentLess work in two-space units meant for code, which mix with typed tabs.
 * Both commands handle the key, so Tab never moves focus out of the draft.
 */
import { EditorSelection, type EditorState, type Line } from '@codemirror/state';
import type { Command } from '@codemirror/view';

/** The lines a selection range touches (a range ending at the start of a line leaves that line alone). */
function linesOf(state: EditorState, from: number, to: number): Line[] {
  const first = state.doc.lineAt(from);
  const last = state.doc.lineAt(to > from && state.doc.lineAt(to).from === to ? to - 1 : to);
  const lines: Line[] = [];
  for (let n = first.number; n <= last.number; n++) lines.push(state.doc.line(n));
  return lines;
}

export const indentProse: Command = ({ state, dispatch }) => {
  if (state.readOnly) return false;
  const spec = state.changeByRange((range) => {
    if (range.empty) return { changes: { from: range.from, insert: '\t' }, range: EditorSelection.cursor(range.from + 1) };
    const changes = state.changes(linesOf(state, range.from, range.to).map((line) => ({ from: line.from, insert: '\t' })));
    return { changes, range: EditorSelection.range(changes.mapPos(range.anchor, 1), changes.mapPos(range.head, 1)) };
  });
  dispatch(state.update(spec, { scrollIntoView: true, userEvent: 'input.indent' }));
  return true;
};

/** One leading tab, or up to four leading spaces (an indent typed by hand), per line. */
export const outdentProse: Command = ({ state, dispatch }) => {
  if (state.readOnly) return true; // still keep the key in the editor
  const changes = state.selection.ranges.flatMap((range) =>
    linesOf(state, range.from, range.to).flatMap((line) => {
      const indent = /^(\t| {1,4})/.exec(line.text)?.[0];
      return indent ? [{ from: line.from, to: line.from + indent.length }] : [];
    }),
  );
  if (changes.length) dispatch(state.update({ changes, scrollIntoView: true, userEvent: 'delete.dedent' }));
  return true;
};
