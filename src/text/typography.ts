/**
 * Typographic variants of the same text. Writers type straight quotes or curly ones, `--` or `—`, and the
 * public-domain novels Longhand's prose starter learns from mix all of them (and mark italics with `_…_`). A
 * model spends capacity on every variant it sees, and would suggest curly quotes to a writer who types straight
 * ones. So Longhand's language models learn one plain typography — straight quotes, an em dash — and the editor
 * shows a suggestion in the writer's own style (see `styleLike`).
 */

/** Curly quotes → straight, `--` → `—`, `_italic_` markers dropped. Idempotent. */
export function plainTypography(text: string): string {
  return text
    .replace(/[\u201C\u201D\u201E\u00AB\u00BB]/g, '"')
    .replace(/[\u2018\u2019\u201A\u2032]/g, "'")
    .replace(/-{2,3}/g, '\u2014')
    .replace(/(^|[^\p{L}\p{N}_])_([^_\n]+?)_(?![\p{L}\p{N}_])/gu, '$1$2');
}

export interface TypographyStyle {
  curlyQuotes: boolean;
  /** The writer's dash: an em dash, or two hyphens. */
  dash: '\u2014' | '--';
}

/** The style a text is written in: curly quotes when it has more curly than straight ones; `--` when it uses that. */
export function styleOf(text: string): TypographyStyle {
  const curly = (text.match(/[\u201C\u201D\u2018\u2019]/g) ?? []).length;
  const straight = (text.match(/["']/g) ?? []).length;
  const doubleHyphens = (text.match(/--/g) ?? []).length;
  const emDashes = (text.match(/\u2014/g) ?? []).length;
  return { curlyQuotes: curly > straight, dash: doubleHyphens > emDashes ? '--' : '\u2014' };
}

/**
 * `suggestion` (plain typography, as a model writes it) in the style of `before`, the text it continues: quotes
 * curled by position — an opening quote after a space, a line start or an opening bracket, a closing one
 * elsewhere, so apostrophes become ’ — and the writer's dash.
 */
export function styleLike(suggestion: string, before: string, style: TypographyStyle = styleOf(before)): string {
  let out = style.dash === '--' ? suggestion.replace(/\u2014/g, '--') : suggestion;
  if (!style.curlyQuotes) return out;
  let previous = before.slice(-1);
  let curled = '';
  for (const ch of out) {
    const opening = previous === '' || /[\s([{\u2014-]/.test(previous);
    if (ch === '"') curled += opening ? '\u201C' : '\u201D';
    else if (ch === "'") curled += opening ? '\u2018' : '\u2019';
    else curled += ch;
    previous = ch;
  }
  out = curled;
  return out;
}
