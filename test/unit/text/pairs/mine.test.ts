import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { minePairs } from '../../../../src/text/pairs/mine.js';
import type { MinedPair } from '../../../../src/text/pairs/mine.js';

const fixture = (name: string): string => readFileSync(new URL(`../../../fixtures/pairs/${name}`, import.meta.url), 'utf8');
const brief = (pairs: MinedPair[]) => pairs.map((p) => [p.rule, p.line, p.source, p.target]);

describe('mining a Markdown document', () => {
  const pairs = minePairs(fixture('notes.md'), { docId: 'notes' });

  it('section text → heading (ATX and setext; code and empty sections skipped; front matter ignored)', () => {
    expect(brief(pairs.filter((p) => p.rule === 'section-heading'))).toEqual([
      [
        'section-heading', 5,
        'Sow the beans after the last frost. They need a sunny bed and plenty of water.\n\nTomatoes can start indoors in March.',
        'Spring planting',
      ],
      [
        'section-heading', 11,
        'Dig in compost in autumn. The worms do the rest over winter. Test the pH before sowing.\n\n- add lime if the soil is acid\n- avoid fresh manure',
        'Soil',
      ],
      ['section-heading', 23, 'Water in the morning, not at night. Wet leaves at night invite mildew.', 'Watering'],
      ['section-heading', 30, 'Pick beans young. Old pods are stringy.', 'Harvest'],
    ]);
  });

  it('paragraph → first sentence, skipping one-sentence paragraphs, lists and code', () => {
    expect(pairs.filter((p) => p.rule === 'paragraph-first-sentence').map((p) => [p.line, p.target])).toEqual([
      [7, 'Sow the beans after the last frost.'],
      [13, 'Dig in compost in autumn.'],
      [26, 'Water in the morning, not at night.'],
      [32, 'Pick beans young.'],
    ]);
    const first = pairs.find((p) => p.rule === 'paragraph-first-sentence')!;
    expect(first).toEqual({
      id: 'notes:paragraph-first-sentence:7',
      rule: 'paragraph-first-sentence',
      line: 7,
      source: 'Sow the beans after the last frost. They need a sunny bed and plenty of water.',
      target: 'Sow the beans after the last frost.',
    });
    const rest = minePairs(fixture('notes.md'), { rules: ['paragraph-first-sentence'], paragraphSource: 'rest' });
    expect(rest[1]!.source).toBe('The worms do the rest over winter. Test the pH before sowing.');
  });

  it('finds no dialogue in it', () => {
    expect(pairs.filter((p) => p.rule === 'prose-dialogue' || p.rule === 'script-dialogue')).toEqual([]);
  });
});

describe('mining prose dialogue', () => {
  const pairs = minePairs(fixture('story.txt'), { docId: 'story' });

  it('pairs the speech of adjacent paragraphs; narration breaks the chain; an open quote runs on', () => {
    expect(brief(pairs.filter((p) => p.rule === 'prose-dialogue'))).toEqual([
      ['prose-dialogue', 3, 'Are you going out in that?', 'I have to. The post office shuts at five.'],
      ['prose-dialogue', 9, 'Take the big umbrella.', "It's broken. You broke it. Last summer, at the beach. Remember?"],
      ['prose-dialogue', 11, "It's broken. You broke it. Last summer, at the beach. Remember?", 'I remember nothing of the sort.'],
    ]);
  });

  it('uses only narrative paragraphs for the first-sentence rule', () => {
    expect(brief(pairs.filter((p) => p.rule === 'paragraph-first-sentence'))).toEqual([
      [
        'paragraph-first-sentence', 1,
        'The rain had not stopped for three days. Mara watched it from the kitchen window.',
        'The rain had not stopped for three days.',
      ],
    ]);
  });

  it('reads em-dash dialogue, dropping the attributions (invented lines in that manner)', () => {
    const text = [
      '—Is the boat in? Nora asked.',
      '—Since dawn, said the old man. Nets full, for once.',
      '—Then we eat tonight.',
      'The wind dropped. Nobody spoke for a while.',
      '—Will you go out again tomorrow?',
      '—If the weather holds, he said.',
    ].join('\n\n');
    expect(minePairs(text, { rules: ['prose-dialogue'] }).map((p) => [p.line, p.source, p.target])).toEqual([
      [1, 'Is the boat in?', 'Since dawn. Nets full, for once.'],
      [3, 'Since dawn. Nets full, for once.', 'Then we eat tonight.'],
      [9, 'Will you go out again tomorrow?', 'If the weather holds.'],
    ]);
    // Dash paragraphs are dialogue, not narration to summarise.
    expect(minePairs(text, { rules: ['paragraph-first-sentence'] }).map((p) => p.line)).toEqual([7]);
  });

  it('reads the em-dash dialogue of Ulysses in print, plain-text and Gutenberg typography', () => {
    const text = readFileSync(new URL('../../../fixtures/pairs/dash/ulysses-telemachus.txt', import.meta.url), 'utf8');
    const expected = [
      [7, 'Tell me, Mulligan.', 'Yes, my love?'],
      [9, 'Yes, my love?', 'How long is Haines going to stay in this tower?'],
      [23, 'He was raving all night about a black panther. Where is his guncase?', 'A woful lunatic! Were you in a funk?'],
      [26, 'A woful lunatic! Were you in a funk?', "I was. Out here in the dark with a man I don't know raving and moaning to himself about shooting a black panther. You saved men from drowning. I'm not a hero, however. If he stays on here I am off."],
      [45, 'Ah, poor dogsbody! I must give you a shirt and a few noserags. How are the secondhand breeks?', 'They fit well enough.'],
      [52, "The mockery of it. Secondleg they should be. God knows what poxy bowsy left them off. I have a lovely pair with a hair stripe, grey. You'll look spiffing in them. I'm not joking, Kinch. You look damn well when you're dressed.", "Thanks. I can't wear them if they are grey."],
      [57, "Thanks. I can't wear them if they are grey.", "He can't wear them. Etiquette is etiquette. He kills his mother but he can't wear grey trousers."],
      [66, "Let him stay. There's nothing wrong with him except at night.", "Then what is it? Cough it up. I'm quite frank with you. What have you against me now?"],
      [76, 'Do you wish me to tell you?', "Yes, what is it? I don't remember anything."],
      [82, 'I am not thinking of the offence to my mother.', 'Of what then?'],
      [84, 'Of what then?', 'Of the offence to me.'],
    ];
    for (const dash of ['—', '--', '- ']) {
      const pairs = minePairs(text.replace(/^—/gmu, dash), { rules: ['prose-dialogue'] });
      expect(pairs.map((p) => [p.line, p.source, p.target])).toEqual(expected);
    }
  });

  it('does not take a Markdown list for dash dialogue', () => {
    const notes = '# Notes\n\n- Ask Ann about the boat, she said.\n\n- Since dawn.\n\n- Then we eat tonight.\n';
    expect(minePairs(notes, { rules: ['prose-dialogue'] })).toEqual([]);
    expect(minePairs(notes.replace('# Notes\n\n', ''), { format: 'text', rules: ['prose-dialogue'] })).toHaveLength(2);
  });

  it('treats each line as a paragraph when a text has no blank lines', () => {
    const text = '“Hello,” said Ann.\n“Hi yourself,” said Bo.\n“Bye.”';
    expect(minePairs(text, { rules: ['prose-dialogue'] }).map((p) => [p.line, p.source, p.target])).toEqual([
      [1, 'Hello.', 'Hi yourself.'],
      [2, 'Hi yourself.', 'Bye.'],
    ]);
  });
});

describe('mining a script', () => {
  const pairs = minePairs(fixture('play.txt'), { docId: 'play' });

  it('pairs consecutive turns of different speakers, in both NAME: layouts', () => {
    expect(pairs.filter((p) => p.rule === 'script-dialogue').map((p) => [p.line, p.speakers, p.source, p.target])).toEqual([
      [3, ['ROMEO', 'JULIET'], 'But, soft! what light through yonder window breaks? It is the east, and Juliet is the sun.', 'Ay me!'],
      [7, ['JULIET', 'ROMEO'], 'Ay me!', 'She speaks: O, speak again, bright angel!'],
      [10, ['ROMEO', 'JULIET'], 'She speaks: O, speak again, bright angel!', 'O Romeo, Romeo! wherefore art thou Romeo?'],
      [14, ['JULIET', 'ROMEO'], 'O Romeo, Romeo! wherefore art thou Romeo?', 'Shall I hear more, or shall I speak at this?'],
      // "Note:" is not a speaker, so it breaks the chain; JULIET's two turns after it are merged.
      [19, ['JULIET', 'ROMEO'], 'Good night, good night! Parting is such sweet sorrow.', 'Sleep dwell upon thine eyes.'],
    ]);
  });

  it('does not also mine script turns as paragraphs or prose dialogue', () => {
    expect(pairs.every((p) => p.rule === 'script-dialogue')).toBe(true);
  });

  it('needs two real speakers: a lone "Dear John:" or "Warning:" is not a script', () => {
    expect(minePairs('Dear John:\nI am well.\n\nWarning: it rains.\n\nWarning: it pours.', { rules: ['script-dialogue'] })).toEqual([]);
    const chat = 'Ann: Hi there.\nBo: Hello.\nAnn: Bye now.\nBo: Bye.';
    expect(minePairs(chat, { rules: ['script-dialogue'] }).map((p) => p.target)).toEqual(['Hello.', 'Bye now.', 'Bye.']);
  });
});

describe('determinism', () => {
  it('gives the same pairs and unique ids every time', () => {
    const text = [fixture('notes.md'), fixture('story.txt'), fixture('play.txt')].join('\n\n');
    const a = minePairs(text, { docId: 'all', format: 'markdown' });
    expect(minePairs(text, { docId: 'all', format: 'markdown' })).toEqual(a);
    expect(new Set(a.map((p) => p.id)).size).toBe(a.length);
    expect(minePairs(text.replace(/\n/g, '\r\n'), { docId: 'all', format: 'markdown' })).toEqual(a);
  });
});
