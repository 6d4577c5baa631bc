/**
 * Pairs mined from a writer's own documents, so the summarizer and dialogue panes can train on their
 * corpus. Every pair records the rule that made it and a 1-based line (of the heading, the paragraph or
 * the source turn); output is deterministic (rule order, then document order) and ids are
 * `<docId>:<rule>:<line>`.
 *
 * Rules:
 *  - `section-heading` (Markdown): the text of a section, up to the next heading of any level and
 *    without code blocks → its heading.
 *  - `paragraph-first-sentence`: a prose paragraph → its first sentence; one-sentence paragraphs, list
 *    items, tables, quotes, paragraphs that open with dialogue and script turns are skipped. The source
 *    is the whole paragraph, or with `paragraphSource: 'rest'` the sentences after the first.
 *  - `prose-dialogue`: one speaker's turn → the next speaker's reply, in novels' conventions (double,
 *    single or dash dialogue; speech interrupted by `said X,`; multi-paragraph speeches; dialogue inside a
 *    told story): see proseDialogue.ts. Ids of pairs inside a told story end in `:inner`.
 *  - `script-dialogue`: in `NAME: speech` scripts (a speaker line alone, as in Shakespeare, or with the
 *    speech on it), one turn's speech → the next turn's, when the speakers differ (a speaker's
 *    consecutive turns are merged). A document needs two labels in capitals or used for two turns to
 *    count as a script; see `scriptTurns` for how a `Word:` inside a speech is kept as speech.
 *
 * Paragraph lines are joined with single spaces (hard wraps are not meaning). Narration, a heading or
 * a code block between two turns breaks a dialogue chain.
 */
import { detectParagraphStyle, looksLikeMarkdown, paragraphText, parseBlocks } from './blocks.js';
import type { Block, Paragraph } from './blocks.js';
import { acceptedSpeakers, parseSpeakerLine } from './script.js';
import { opensWithDash } from './dashSpeech.js';
import { proseDialoguePairs } from './proseDialogue.js';
import { splitSentences } from '../sentences.js';
import type { Pair } from './types.js';

export type MineRule = 'section-heading' | 'paragraph-first-sentence' | 'prose-dialogue' | 'script-dialogue';
export const MINE_RULES: readonly MineRule[] = ['section-heading', 'paragraph-first-sentence', 'prose-dialogue', 'script-dialogue'];

export interface MinedPair extends Pair {
  id: string;
  rule: MineRule;
  /** 1-based line of the heading (section rule), the paragraph, or the source turn. */
  line: number;
  /** Script dialogue: the two speakers, source first. */
  speakers?: [string, string];
}

export interface MineOptions {
  /** Prefix of pair ids. Default `doc`. */
  docId?: string;
  /** Default: Markdown if the text has a `#` heading or a code fence. */
  format?: 'markdown' | 'text';
  /** Default: blank lines separate paragraphs, unless the text has no blank lines at all. */
  paragraphs?: 'blank-lines' | 'lines';
  rules?: readonly MineRule[];
  paragraphSource?: 'whole' | 'rest';
}

/** List items, tables, block quotes, headings, HTML, images, footnotes. */
const NOT_PROSE = /^\s*(?:[-*+]\s|\d{1,3}[.)]\s|\||>|#|<|!\[|\[\^)/;
/** Indented code, in Markdown only (plain text often indents the first line of a paragraph). */
const INDENTED_CODE = /^(?: {4}|\t)/;
/** A paragraph that opens with a quote is dialogue, not narration to summarise. */
const OPENS_WITH_SPEECH = /^\s*(?:["“‘]|'(?=\S))/u;

interface Turn {
  speaker: string;
  speech: string;
  line: number;
}

interface LabelledLine {
  speaker: string;
  rest: string;
  /** Where a turn can start: a block's first line, a label alone on its line, or after a `NAME: speech` line. */
  turnStart: boolean;
}

function labelledLines(b: Paragraph): (LabelledLine | null)[] {
  let prevInline = false;
  return b.lines.map((text, k) => {
    const s = parseSpeakerLine(text);
    const out = s ? { ...s, turnStart: k === 0 || s.rest === '' || prevInline } : null;
    prevInline = s !== null && s.rest !== '';
    return out;
  });
}

/**
 * Script turns per paragraph block (blocks that are not runs of turns are absent). A document is a
 * script when two labels qualify as speakers (capitals, or two turn-starting lines). Then a block that
 * opens with any `Name:` line is a turn (`Third Roman:` may speak once); inside a block a new turn needs
 * a qualifying speaker at a turn-start position, so `Come: half all…` in a verse speech stays speech.
 */
function scriptTurns(blocks: readonly Block[]): Map<Block, Turn[]> {
  const labelled = new Map<Paragraph, (LabelledLine | null)[]>();
  const labelCounts = new Map<string, number>();
  for (const b of blocks) {
    if (b.kind !== 'paragraph') continue;
    const lines = labelledLines(b);
    if (!lines[0]) continue;
    labelled.set(b, lines);
    for (const l of lines) if (l?.turnStart) labelCounts.set(l.speaker, (labelCounts.get(l.speaker) ?? 0) + 1);
  }
  const speakers = acceptedSpeakers(labelCounts);
  const out = new Map<Block, Turn[]>();
  if (speakers.size < 2) return out;
  for (const [b, lines] of labelled) {
    const turns: Turn[] = [];
    lines.forEach((l, k) => {
      if (l && (k === 0 || (l.turnStart && speakers.has(l.speaker)))) turns.push({ speaker: l.speaker, speech: l.rest, line: b.line + k });
      else turns[turns.length - 1]!.speech += ` ${b.lines[k]!.trim()}`;
    });
    out.set(b, turns.map((t) => ({ ...t, speech: t.speech.trim() })));
  }
  return out;
}

export function minePairs(text: string, options: MineOptions = {}): MinedPair[] {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const markdown = (options.format ?? (looksLikeMarkdown(lines) ? 'markdown' : 'text')) === 'markdown';
  const blocks = parseBlocks(lines, { markdown, paragraphs: options.paragraphs ?? detectParagraphStyle(lines) });
  const rules = new Set(options.rules ?? MINE_RULES);
  const docId = options.docId ?? 'doc';
  const out: MinedPair[] = [];
  const add = (rule: MineRule, line: number, source: string, target: string, speakers?: [string, string], idSuffix = ''): void => {
    if (source.trim() === '' || target.trim() === '') return;
    out.push({ id: `${docId}:${rule}:${line}${idSuffix}`, rule, line, source, target, ...(speakers ? { speakers } : {}) });
  };
  const turnsOf = scriptTurns(blocks);

  if (rules.has('section-heading')) {
    blocks.forEach((b, i) => {
      if (b.kind !== 'heading') return;
      const body: string[] = [];
      for (let k = i + 1; k < blocks.length && blocks[k]!.kind !== 'heading'; k++) {
        const next = blocks[k]!;
        if (next.kind === 'paragraph') body.push(next.lines.join('\n').trim());
      }
      add('section-heading', b.line, body.join('\n\n'), b.text);
    });
  }

  if (rules.has('paragraph-first-sentence')) {
    for (const b of blocks) {
      if (b.kind !== 'paragraph' || turnsOf.has(b) || NOT_PROSE.test(b.lines[0]!)) continue;
      if (markdown && INDENTED_CODE.test(b.lines[0]!)) continue;
      const para = paragraphText(b);
      if (OPENS_WITH_SPEECH.test(para) || opensWithDash(para)) continue;
      const sentences = splitSentences(para);
      if (sentences.length < 2) continue;
      const source = options.paragraphSource === 'rest' ? para.slice(sentences[1]!.start) : para;
      add('paragraph-first-sentence', b.line, source, sentences[0]!.text);
    }
  }

  if (rules.has('prose-dialogue')) {
    // In Markdown a paragraph opening with `- ` is a list, not speech after a dash (as in Gutenberg's Ulysses).
    const prose = (b: Block): b is Paragraph => b.kind === 'paragraph' && !turnsOf.has(b) && !(markdown && NOT_PROSE.test(b.lines[0]!));
    const paragraphs = blocks.map((b) => (prose(b) ? { line: b.line, text: paragraphText(b) } : null));
    for (const p of proseDialoguePairs(paragraphs)) {
      add('prose-dialogue', p.line, p.source, p.target, undefined, p.nested ? ':inner' : '');
    }
  }

  if (rules.has('script-dialogue')) {
    // Chains of turns in consecutive script blocks; a speaker's consecutive turns are merged.
    const chains: Turn[][] = [];
    let chain: Turn[] = [];
    for (const b of blocks) {
      const turns = turnsOf.get(b);
      if (!turns) {
        chains.push(chain);
        chain = [];
        continue;
      }
      for (const t of turns) {
        const last = chain[chain.length - 1];
        if (last && last.speaker === t.speaker) last.speech = `${last.speech} ${t.speech}`.trim();
        else chain.push({ ...t });
      }
    }
    chains.push(chain);
    for (const c of chains) {
      for (let k = 0; k + 1 < c.length; k++) {
        const [a, b] = [c[k]!, c[k + 1]!];
        add('script-dialogue', a.line, a.speech, b.speech, [a.speaker, b.speaker]);
      }
    }
  }
  return out;
}
