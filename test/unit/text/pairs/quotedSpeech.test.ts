import { describe, expect, it } from 'vitest';
import { quotedSpeech } from '../../../../src/text/pairs/quotedSpeech.js';
import { dashSpeech } from '../../../../src/text/pairs/dashSpeech.js';
import { detectDialogueStyle, familyOf } from '../../../../src/text/pairs/dialogueStyle.js';

describe('quotedSpeech with single quotes', () => {
  it.each([
    // [paragraph, speech]
    ["'Goodness gracious! Is that you, Mr. Bumble, sir?' said Mrs. Mann.", 'Goodness gracious! Is that you, Mr. Bumble, sir?'],
    ["'Goodness gracious!' said Mrs. Mann. 'Is that you, Mr. Bumble, sir?'", 'Goodness gracious! Is that you, Mr. Bumble, sir?'],
    ["'I don't know; it's ten o'clock,' said he.", "I don't know; it's ten o'clock."],
    ["'We'll turn our horses' heads round,' answered she; 'our excursion lies towards home.'", "We'll turn our horses' heads round, our excursion lies towards home."],
    ["'Ah'll be goin' to th' Heights, an' ye mun come too,' said Joseph.", "Ah'll be goin' to th' Heights, an' ye mun come too."],
    ["'Yes' he said, and left.", 'Yes'],
    ['‘It was the BEST butter,’ the March Hare meekly replied.', 'It was the BEST butter.'],
    ['‘Two days wrong!’ sighed the Hatter. ‘I told you butter wouldn’t suit the works!’', 'Two days wrong! I told you butter wouldn’t suit the works!'],
    ["'I think,' said he, 'that you are right.'", 'I think, that you are right.'],
    ["The boys' hats were wet. She said, 'Dry them.'", 'Dry them.'],
  ])('%s → %s', (paragraph, speech) => {
    expect(quotedSpeech(paragraph, 'single').text).toBe(speech);
  });

  it('keeps a quoted term in narration out of the speech', () => {
    expect(quotedSpeech("He went to the kitchen, out of the sound of our 'devil's psalmody,' as he called it.", 'single').text).toBe('');
    expect(quotedSpeech("Miss Bates soon came--'Very happy and obliged'--and sat down.", 'single').text).toBe('Very happy and obliged');
    expect(quotedSpeech("She had read 'The Times' every day.", 'single').text).toBe('');
    expect(quotedSpeech("She called upon 'George.'", 'single').text).toBe('');
    // After speech and a short attribution, a lower-case quote goes on with the speech.
    expect(quotedSpeech("'Well,' said he, 'perhaps.'", 'single').text).toBe('Well, perhaps.');
  });

  it('does not count thoughts as speech', () => {
    expect(quotedSpeech('‘How CAN I have done that?’ she thought. ‘I must be growing small again.’', 'single').text).toBe('');
    expect(quotedSpeech("'That's the judge,' she said to herself, 'because of his great wig.'", 'single').text).toBe('');
  });

  it('reports an open quote, an opening quote, an attribution and the narration around the speech', () => {
    const s = quotedSpeech("He turned. 'I hope not, sir. Well, during that space Mrs. Earnshaw--", 'single');
    expect(s).toMatchObject({ text: 'I hope not, sir. Well, during that space Mrs. Earnshaw--', opens: false, unclosed: true, leading: 'He turned. ', trailing: '' });
    const t = quotedSpeech("'Don't,' said Joe, and went out.", 'single');
    expect(t).toMatchObject({ opens: true, unclosed: false, attribution: 'said', trailing: ' said Joe, and went out.' });
  });
});

describe('quotedSpeech with double quotes', () => {
  it.each([
    ['“Well,” said Joe, “you’ll see.”', 'Well, you’ll see.'],
    ['“Well,” said Joe. “You’ll see.”', 'Well. You’ll see.'],
    ['"You shall hear," said he. "It\'s a long story."', "You shall hear. It's a long story."],
    // A nested straight double quote nests (Silas Marner).
    ['"Ah, I knew it was "The flaxen-headed ploughboy": there\'s no finer tune."', 'Ah, I knew it was "The flaxen-headed ploughboy": there\'s no finer tune.'],
    // Single quotes inside double-quoted speech belong to it.
    ['“\'Why that?\' I asks.”', "'Why that?' I asks."],
    ['(“Let her alone,” said Joe.)', 'Let her alone.'],
  ])('%s → %s', (paragraph, speech) => {
    expect(quotedSpeech(paragraph, 'double').text).toBe(speech);
  });

  it('ignores single quotes in a double-quoted book', () => {
    expect(quotedSpeech("He said 'go' and she went.", 'double').text).toBe('');
  });
});

describe('dashSpeech', () => {
  it.each([
    // Invented lines in the manner of em-dash dialogue.
    ['—Tell me, Mulligan, Stephen said quietly.', 'Tell me, Mulligan.'],
    ['—Yes, my love? said Buck Mulligan. I’m coming.', 'Yes, my love? I’m coming.'],
    ['— Where to? he asked.', 'Where to?'],
    ['—Hello, Tom. Come in.', 'Hello, Tom. Come in.'],
    ['―I said so, didn’t I?', 'I said so, didn’t I?'],
    ['-- Not now, said the old woman sharply.', 'Not now.'],
    ['He waited. Nobody came.', ''],
    // Attributions with a phrase after the verb, from the first episode of Ulysses (fixtures/pairs/dash/).
    ['—Ah, poor dogsbody! he said in a kind voice. I must give you a shirt.', 'Ah, poor dogsbody! I must give you a shirt.'],
    ['—I was, Stephen said with energy and growing fear. Out here in the dark.', 'I was. Out here in the dark.'],
    ['—He can’t wear them, Buck Mulligan told his face in the mirror. Etiquette is etiquette.', 'He can’t wear them. Etiquette is etiquette.'],
    // Project Gutenberg's Ulysses opens speech with a hyphen and a space; a hyphenated word is not a dash.
    ['- Yes, my love?', 'Yes, my love?'],
    ['-ish words are rare.', ''],
  ])('%s → %s', (paragraph, speech) => {
    expect(dashSpeech(paragraph)).toBe(speech);
  });
});

describe('detectDialogueStyle', () => {
  it('goes by what most paragraphs open with', () => {
    expect(detectDialogueStyle(['“Hi,” she said.', 'He nodded.', '“Bye.”'])).toBe('double');
    expect(detectDialogueStyle(["'Hi,' she said.", "'Bye.'", '"Go," he said.'])).toBe('single');
    expect(detectDialogueStyle(['‘Hi,’ she said.', 'It rained.'])).toBe('single');
    expect(detectDialogueStyle(['—Hi, she said.', '—Bye.', 'It rained.'])).toBe('dash');
  });

  it('falls back to the quotes used anywhere, and to double quotes', () => {
    expect(detectDialogueStyle(['She said ‘hi’ and ‘bye’ to me.'])).toBe('single');
    expect(detectDialogueStyle(['She said "hi" to me.'])).toBe('double');
    expect(detectDialogueStyle(['No dialogue here.'])).toBe('double');
  });

  it('reads a paragraph that opens with the other quote family with that family', () => {
    expect(familyOf('“Antonia,” he said.', 'single')).toBe('double');
    expect(familyOf('‘Hi,’ she said.', 'double')).toBe('single');
    expect(familyOf("'Tis late.", 'double')).toBe('double');
  });
});
