/**
 * Just enough XML/XHTML reading for .epub files, without a DOM (src/ is plain Node): a tag scanner,
 * attribute parsing, entity decoding, and XHTML → plain text with a blank line between blocks.
 */

export interface Tag {
  /** Lower-case local name (`dc:title` → `title`). */
  name: string;
  closing: boolean;
  selfClosing: boolean;
  attrs: Record<string, string>;
}

export type Token = { kind: 'tag'; tag: Tag } | { kind: 'text'; text: string };

const TOKEN =
  /<!--[\s\S]*?-->|<!\[CDATA\[([\s\S]*?)\]\]>|<(\/?)([A-Za-z_][\w:.-]*)((?:[^>"']|"[^"]*"|'[^']*')*)>|<[!?][^>]*>/g;
const ATTR = /([A-Za-z_][\w:.-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g;

/** Splits markup into tags and (still entity-encoded) text; comments, doctypes and processing instructions vanish. */
export function* tokens(xml: string): Generator<Token> {
  let at = 0;
  for (const m of xml.matchAll(TOKEN)) {
    if (m.index > at) yield { kind: 'text', text: xml.slice(at, m.index) };
    at = m.index + m[0].length;
    if (m[1] !== undefined) yield { kind: 'text', text: escapeCdata(m[1]) };
    else if (m[3] !== undefined) {
      const rawAttrs = m[4] ?? '';
      yield {
        kind: 'tag',
        tag: {
          name: localName(m[3]),
          closing: m[2] === '/',
          selfClosing: rawAttrs.trimEnd().endsWith('/'),
          attrs: parseAttributes(rawAttrs),
        },
      };
    }
  }
  if (at < xml.length) yield { kind: 'text', text: xml.slice(at) };
}

export function parseAttributes(raw: string): Record<string, string> {
  const attrs: Record<string, string> = {};
  for (const m of raw.matchAll(ATTR)) attrs[localName(m[1]!)] = decodeEntities(m[2] ?? m[3] ?? '');
  return attrs;
}

const localName = (qname: string): string => qname.slice(qname.indexOf(':') + 1).toLowerCase();

// CDATA is literal text; re-escape so the single decodeEntities pass later leaves it as written.
const escapeCdata = (s: string): string => s.replace(/&/g, '&amp;');

// XML's five plus the HTML entities that EPUB 2 books (XHTML 1.1 DTD) commonly use.
const NAMED: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0', shy: '\u00ad',
  mdash: '\u2014', ndash: '\u2013', hellip: '\u2026', lsquo: '\u2018', rsquo: '\u2019', sbquo: '\u201a',
  ldquo: '\u201c', rdquo: '\u201d', bdquo: '\u201e', laquo: '\u00ab', raquo: '\u00bb', lsaquo: '\u2039',
  rsaquo: '\u203a', bull: '\u2022', middot: '\u00b7', copy: '\u00a9', reg: '\u00ae', trade: '\u2122',
  deg: '\u00b0', sect: '\u00a7', para: '\u00b6', dagger: '\u2020', Dagger: '\u2021', prime: '\u2032',
  times: '\u00d7', divide: '\u00f7', thinsp: '\u2009', ensp: '\u2002', emsp: '\u2003', zwj: '\u200d',
  zwnj: '\u200c', eacute: '\u00e9', egrave: '\u00e8', agrave: '\u00e0', ccedil: '\u00e7', uuml: '\u00fc',
  ouml: '\u00f6', auml: '\u00e4', szlig: '\u00df', iexcl: '\u00a1', iquest: '\u00bf', euro: '\u20ac',
  pound: '\u00a3',
};

/** Decodes character references; unknown named entities are left as written. */
export function decodeEntities(s: string): string {
  if (!s.includes('&')) return s;
  return s.replace(/&(?:#(\d+)|#[xX]([0-9a-fA-F]+)|([A-Za-z][A-Za-z0-9]*));/g, (whole, dec?: string, hex?: string, name?: string) => {
    if (name !== undefined) return NAMED[name] ?? whole;
    const cp = dec !== undefined ? Number.parseInt(dec, 10) : Number.parseInt(hex ?? '', 16);
    return cp > 0 && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff) ? String.fromCodePoint(cp) : '\ufffd';
  });
}

const BLOCK = new Set([
  'address', 'article', 'aside', 'blockquote', 'body', 'caption', 'dd', 'div', 'dl', 'dt', 'figcaption', 'figure',
  'footer', 'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'header', 'hr', 'li', 'main', 'nav', 'ol', 'p', 'pre', 'section',
  'table', 'td', 'th', 'tr', 'ul',
]);
const SKIPPED = new Set(['head', 'script', 'style', 'svg', 'math']);

/** The readable text of an XHTML document: one paragraph per block element, blank lines between them. */
export function xhtmlToText(xhtml: string): string {
  const blocks: string[] = [];
  let current = '';
  let skipDepth = 0;
  let preDepth = 0;
  const endBlock = (): void => {
    const text = current
      .split('\n')
      .map((line) => (preDepth > 0 ? line.trimEnd() : line.trim()))
      .join('\n')
      .replace(/^\n+|\s+$/g, '');
    if (text) blocks.push(text);
    current = '';
  };
  for (const token of tokens(xhtml)) {
    if (token.kind === 'text') {
      if (skipDepth > 0) continue;
      const text = decodeEntities(token.text);
      current += preDepth > 0 ? text : text.replace(/[ \t\n\r\f]+/g, ' ');
      continue;
    }
    const { name, closing, selfClosing } = token.tag;
    if (SKIPPED.has(name)) {
      if (!selfClosing) skipDepth = Math.max(0, skipDepth + (closing ? -1 : 1));
      continue;
    }
    if (skipDepth > 0) continue;
    if (name === 'br') current += '\n';
    else if (BLOCK.has(name)) {
      endBlock();
      if (name === 'pre' && !selfClosing) preDepth = Math.max(0, preDepth + (closing ? -1 : 1));
    }
  }
  endBlock();
  return blocks.join('\n\n');
}
