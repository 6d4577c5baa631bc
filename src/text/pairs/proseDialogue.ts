/**
 * The prose-dialogue rule: in a run of consecutive paragraphs that each hold speech, each paragraph is a
 * new speaker's turn (the convention of printed fiction), and a turn → the next turn is a pair.
 * Narration without speech, a heading or a break ends the run.
 *
 * A speech whose last quote is left open goes on in the next paragraph when that one reopens the quote
 * (the convention for multi-paragraph speeches): the paragraphs make one turn. Such a turn may be a story
 * told inside the story (a client's account to Holmes, Marlow on the Nellie) with its own dialogue in the
 * other quote family (`“'Tell me, pray,' said I, 'who is this Mr. Kurtz?'`); that inner dialogue is mined
 * the same way, one level deep. A told story of more than `MAX_TURN_PARAGRAPHS` paragraphs is narration,
 * not a turn: it ends the outer run instead of making a pair of a thousand words.
 *
 * Where what follows a turn is not an answer to it, the run ends: when the narration after one speech or
 * before the next is long (the scene has moved on; often the same speaker resumes), and after a paragraph
 * that hands over to a new speech (`and said:--`).
 */
import { dashSpeech } from './dashSpeech.js';
import { detectDialogueStyle, familyOf } from './dialogueStyle.js';
import type { DialogueStyle } from './dialogueStyle.js';
import { quotedSpeech, wordCount } from './quotedSpeech.js';
import { GOING_ON_VERBS } from './speechVerbs.js';
import type { QuoteFamily } from './quotedSpeech.js';

/** A quotation over more paragraphs than this is a told story, not a turn (see the header). */
export const MAX_TURN_PARAGRAPHS = 3;
/** Narration this long between two speeches moves the scene on: the second is no answer to the first. */
export const MAX_NARRATION_WORDS = 30;
/** A paragraph ending `and said:--` hands the next paragraph's speech to someone it has just named. */
const HANDS_OVER = /(?::\s*[—–―-]*|[—–―-])\s*$/u;

export interface ProseParagraph {
  /** 1-based line of the paragraph's first line. */
  line: number;
  /** The paragraph's lines joined with single spaces. */
  text: string;
}

export interface DialoguePair {
  /** Line of the source turn's first paragraph. */
  line: number;
  source: string;
  target: string;
  /** Mined from the dialogue inside a told story. */
  nested: boolean;
}

interface Turn {
  line: number;
  text: string;
  /** Per paragraph, the quoted text as written (what a told story's own dialogue is mined from). */
  quoted: ProseParagraph[];
  /** The quote family of the turn (its inner dialogue uses the other one). */
  family: QuoteFamily | null;
}

/** Runs of turns; `null` paragraphs (headings, breaks, script turns) end a run. */
function dialogueRuns(paragraphs: readonly (ProseParagraph | null)[], style: DialogueStyle): Turn[][] {
  const runs: Turn[][] = [];
  let run: Turn[] = [];
  let open = false;
  const end = (): void => {
    runs.push(run);
    run = [];
    open = false;
  };
  for (const p of paragraphs) {
    if (p === null) {
      end();
      continue;
    }
    if (style === 'dash') {
      const text = dashSpeech(p.text);
      if (text === '') end();
      else run.push({ line: p.line, text, quoted: [], family: null });
      continue;
    }
    const family = familyOf(p.text, style);
    const speech = quotedSpeech(p.text, family);
    if (speech.text === '') {
      end();
      continue;
    }
    if (wordCount(speech.leading) > MAX_NARRATION_WORDS) end();
    const quoted = { line: p.line, text: speech.segments.map((s) => s.raw).join(' ') };
    const last = run[run.length - 1];
    // A reopened quote with its own attribution (`“Don't,” said Joe.`) is a new speaker after a quote
    // left open by mistake, unless the verb says the speaker goes on.
    const attributed = speech.attribution !== null && !GOING_ON_VERBS.test(speech.attribution);
    if (open && speech.opens && !attributed && last) {
      last.text = `${last.text} ${speech.text}`;
      last.quoted.push(quoted);
    } else {
      run.push({ line: p.line, text: speech.text, quoted: [quoted], family });
    }
    open = speech.unclosed;
    if (wordCount(speech.trailing) > MAX_NARRATION_WORDS || HANDS_OVER.test(speech.trailing)) end();
  }
  end();
  return runs;
}

function pairsOf(paragraphs: readonly (ProseParagraph | null)[], style: DialogueStyle, nested: boolean): DialoguePair[] {
  const out: DialoguePair[] = [];
  for (const run of dialogueRuns(paragraphs, style)) {
    let prev: Turn | null = null;
    for (const turn of run) {
      if (!nested && turn.quoted.length > 1 && turn.family) {
        out.push(...pairsOf(turn.quoted, turn.family === 'double' ? 'single' : 'double', true));
      }
      if (turn.quoted.length > MAX_TURN_PARAGRAPHS) {
        prev = null;
        continue;
      }
      if (prev) out.push({ line: prev.line, source: prev.text, target: turn.text, nested });
      prev = turn;
    }
  }
  return out;
}

/** Pairs in order of their source's line (at one line, the outer pair first). */
export function proseDialoguePairs(paragraphs: readonly (ProseParagraph | null)[], style?: DialogueStyle): DialoguePair[] {
  const texts = paragraphs.filter((p): p is ProseParagraph => p !== null).map((p) => p.text);
  return pairsOf(paragraphs, style ?? detectDialogueStyle(texts), false).sort((a, b) => a.line - b.line || Number(a.nested) - Number(b.nested));
}

