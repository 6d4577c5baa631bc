/**
 * A small block parser for pair mining: splits a writer's document into headings, paragraphs, fenced
 * code and breaks, remembering 1-based line numbers. It understands the Markdown that matters for
 * mining (ATX `#` and setext `===`/`---` headings, ``` and ~~~ fences, thematic breaks, YAML front
 * matter) and nothing more; in plain text only paragraphs and breaks exist.
 */

export type Block =
  | { kind: 'heading'; line: number; level: number; text: string }
  | { kind: 'paragraph'; line: number; lines: string[] }
  | { kind: 'code'; line: number }
  | { kind: 'break'; line: number };

export type Paragraph = Extract<Block, { kind: 'paragraph' }>;

/** A paragraph's text: its lines trimmed and joined with single spaces (hard wraps are not meaning). */
export const paragraphText = (p: Paragraph): string => p.lines.map((l) => l.trim()).join(' ');

export interface BlockOptions {
  markdown: boolean;
  /** `'blank-lines'`: paragraphs are separated by blank lines. `'lines'`: every line is a paragraph. */
  paragraphs: 'blank-lines' | 'lines';
}

const ATX = /^ {0,3}(#{1,6})[ \t]+(.*?)(?:[ \t]+#+)?[ \t]*$/;
const FENCE = /^ {0,3}(`{3,}|~{3,})/;
const SETEXT = /^ {0,3}(=+|-+)[ \t]*$/;
const THEMATIC = /^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$/;

export function looksLikeMarkdown(lines: readonly string[]): boolean {
  return lines.some((l) => ATX.test(l) || FENCE.test(l));
}

/** `'lines'` when the text has several lines and no blank line between them, else `'blank-lines'`. */
export function detectParagraphStyle(lines: readonly string[]): 'blank-lines' | 'lines' {
  const content = lines.map((l) => l.trim() !== '');
  const first = content.indexOf(true);
  const last = content.lastIndexOf(true);
  if (first === -1 || first === last) return 'blank-lines';
  return content.slice(first, last + 1).every(Boolean) ? 'lines' : 'blank-lines';
}

export function parseBlocks(lines: readonly string[], options: BlockOptions): Block[] {
  const out: Block[] = [];
  let para: { line: number; lines: string[] } | null = null;
  const flush = (): void => {
    if (para) out.push({ kind: 'paragraph', line: para.line, lines: para.lines });
    para = null;
  };
  let i = 0;
  if (options.markdown && lines[0]?.trim() === '---') {
    // YAML front matter: skip to the closing `---` or `...`.
    const close = lines.findIndex((l, k) => k > 0 && (l.trim() === '---' || l.trim() === '...'));
    if (close !== -1) {
      out.push({ kind: 'break', line: 1 });
      i = close + 1;
    }
  }
  for (; i < lines.length; i++) {
    const text = lines[i]!;
    const line = i + 1;
    if (text.trim() === '') {
      flush();
      continue;
    }
    if (options.markdown) {
      const fence = FENCE.exec(text);
      if (fence) {
        flush();
        const marker = fence[1]!;
        let k = i + 1;
        while (k < lines.length && !lines[k]!.trimStart().startsWith(marker)) k++;
        out.push({ kind: 'code', line });
        i = k;
        continue;
      }
      const atx = ATX.exec(text);
      if (atx) {
        flush();
        out.push({ kind: 'heading', line, level: atx[1]!.length, text: atx[2]!.trim() });
        continue;
      }
      const setext = SETEXT.exec(text);
      if (setext && para !== null) {
        const p: { line: number; lines: string[] } = para;
        out.push({ kind: 'heading', line: p.line, level: setext[1]!.startsWith('=') ? 1 : 2, text: p.lines.map((l) => l.trim()).join(' ') });
        para = null;
        continue;
      }
    }
    if (para === null && THEMATIC.test(text)) {
      out.push({ kind: 'break', line });
      continue;
    }
    if (options.paragraphs === 'lines') {
      flush();
      out.push({ kind: 'paragraph', line, lines: [text] });
      continue;
    }
    if (para === null) para = { line, lines: [text] };
    else para.lines.push(text);
  }
  flush();
  return out;
}
