import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { minePairs } from '../../../../src/text/pairs/mine.js';

/**
 * The dialogue of real novels (excerpts in test/fixtures/pairs/novels, see its README): every pair mined,
 * as [line of the source turn (`:inner` for dialogue inside a told story), source, target]. Each was
 * checked by reading the excerpt: an utterance and the next speaker's reply.
 */
const EXPECTED: Record<string, [string, string, string][]> = {
  // Straight single quotes; 'devil's psalmody,' in the first paragraph is a quoted term, not speech; the
  // `* * * * *` break ends a run; the long narration before 'Sit still, Mrs. Dean' starts a new one.
  'wuthering-heights': [
    ['1', "I'm trying to settle how I shall pay Hindley back. I don't care how long I wait, if I can only do it at last. I hope he will not die before I do!", 'For shame, Heathcliff! It is for God to punish wicked people; we should learn to forgive.'],
    ['28', 'For shame, Heathcliff! It is for God to punish wicked people; we should learn to forgive.', "No, God won't have the satisfaction that I shall. I only wish I knew the best way! Let me alone, and I'll plan it out: while I'm thinking of that I don't feel pain."],
    ['31', "No, God won't have the satisfaction that I shall. I only wish I knew the best way! Let me alone, and I'll plan it out: while I'm thinking of that I don't feel pain.", "But, Mr. Lockwood, I forget these tales cannot divert you. I'm annoyed how I should dream of chattering on at such a rate; and your gruel cold, and you nodding for bed! I could have told Heathcliff's history, all that you need hear, in half a dozen words."],
    ['42', "Sit still, Mrs. Dean, do sit still another half-hour. You've done just right to tell the story leisurely. That is the method I like; and you must finish it in the same style. I am interested in every character you have mentioned, more or less.", 'The clock is on the stroke of eleven, sir.'],
    ['50', 'The clock is on the stroke of eleven, sir.', "No matter--I'm not accustomed to go to bed in the long hours. One or two is early enough for a person who lies till ten."],
    ['52', "No matter--I'm not accustomed to go to bed in the long hours. One or two is early enough for a person who lies till ten.", "You shouldn't lie till ten. There's the very prime of the morning gone long before that time. A person who has not done one-half his day's work by ten o'clock, runs a chance of leaving the other half undone."],
    ['55', "You shouldn't lie till ten. There's the very prime of the morning gone long before that time. A person who has not done one-half his day's work by ten o'clock, runs a chance of leaving the other half undone.", 'Nevertheless, Mrs. Dean, resume your chair; because to-morrow I intend lengthening the night till afternoon. I prognosticate for myself an obstinate cold, at least.'],
    ['59', 'Nevertheless, Mrs. Dean, resume your chair; because to-morrow I intend lengthening the night till afternoon. I prognosticate for myself an obstinate cold, at least.', 'I hope not, sir. Well, you must allow me to leap over some three years; during that space Mrs. Earnshaw--'],
    ['63', 'I hope not, sir. Well, you must allow me to leap over some three years; during that space Mrs. Earnshaw--', "No, no, I'll allow nothing of the sort! Are you acquainted with the mood of mind in which, if you were seated alone, and the cat licking its kitten on the rug before you, you would watch the operation so intently that puss's neglect of one ear would put you seriously out of temper?"],
    ['66', "No, no, I'll allow nothing of the sort! Are you acquainted with the mood of mind in which, if you were seated alone, and the cat licking its kitten on the rug before you, you would watch the operation so intently that puss's neglect of one ear would put you seriously out of temper?", 'A terribly lazy mood, I should say.'],
    ['71', 'A terribly lazy mood, I should say.', "On the contrary, a tiresomely active one. It is mine, at present; and, therefore, continue minutely. I perceive that people in these regions acquire over people in towns the value that a spider in a dungeon does over a spider in a cottage, to their various occupants; and yet the deepened attraction is not entirely owing to the situation of the looker-on. They _do_ live more in earnest, more in themselves, and less in surface, change, and frivolous external things. I could fancy a love for life here almost possible; and I was a fixed unbeliever in any love of a year's standing. One state resembles setting a hungry man down to a single dish, on which he may concentrate his entire appetite and do it justice; the other, introducing him to a table laid out by French cooks: he can perhaps extract as much enjoyment from the whole; but each part is a mere atom in his regard and remembrance."],
    ['73', "On the contrary, a tiresomely active one. It is mine, at present; and, therefore, continue minutely. I perceive that people in these regions acquire over people in towns the value that a spider in a dungeon does over a spider in a cottage, to their various occupants; and yet the deepened attraction is not entirely owing to the situation of the looker-on. They _do_ live more in earnest, more in themselves, and less in surface, change, and frivolous external things. I could fancy a love for life here almost possible; and I was a fixed unbeliever in any love of a year's standing. One state resembles setting a hungry man down to a single dish, on which he may concentrate his entire appetite and do it justice; the other, introducing him to a table laid out by French cooks: he can perhaps extract as much enjoyment from the whole; but each part is a mere atom in his regard and remembrance.", 'Oh! here we are the same as anywhere else, when you get to know us.'],
  ],
  // o' th' and horses' are apostrophes; 'No--better--better!' is followed by a long narration: no pair.
  'wuthering-heights-dialect': [
    ['4', "Maister Linton wer just o' this side th' Heights: and he'd be mitch obleeged to us to gang on a bit further.", 'Then Master Linton has forgot the first injunction of his uncle, he bid us keep on the Grange land, and here we are off at once.'],
    ['13', 'Then Master Linton has forgot the first injunction of his uncle, he bid us keep on the Grange land, and here we are off at once.', "Well, we'll turn our horses' heads round when we reach him, our excursion shall lie towards home."],
    ['38', 'But you have been worse, worse than when I saw you last; you are thinner, and--', "I'm tired. It is too hot for walking, let us rest here. And, in the morning, I often feel sick--papa says I grow so fast."],
  ],
  // Curly single quotes; “nested” double ones stay in the speech; the Hatter's question is followed by a long
  // narration, so 'The fourth.' answers nothing mined (a pair given up for precision).
  'alice': [
    ['1', 'You might just as well say, that “I breathe when I sleep” is the same thing as “I sleep when I breathe”!', 'It IS the same thing with you.'],
    ['15', 'The fourth.', 'Two days wrong! I told you butter wouldn’t suit the works!'],
    ['17', 'Two days wrong! I told you butter wouldn’t suit the works!', 'It was the BEST butter.'],
    ['20', 'It was the BEST butter.', 'Yes, but some crumbs must have got in as well, you shouldn’t have put it in with the bread-knife.'],
    ['25', 'It was the BEST butter, you know.', 'What a funny watch! It tells the day of the month, and doesn’t tell what o’clock it is!'],
    ['30', 'What a funny watch! It tells the day of the month, and doesn’t tell what o’clock it is!', 'Why should it? Does YOUR watch tell you what year it is?'],
    ['34', 'Why should it? Does YOUR watch tell you what year it is?', 'Of course not, but that’s because it stays the same year for such a long time together.'],
    ['37', 'Of course not, but that’s because it stays the same year for such a long time together.', 'Which is just the case with MINE.'],
    ['40', 'Which is just the case with MINE.', 'I don’t quite understand you.'],
    ['42', 'I don’t quite understand you.', 'The Dormouse is asleep again.'],
    ['46', 'The Dormouse is asleep again.', 'Of course, of course; just what I was going to remark myself.'],
    ['49', 'Of course, of course; just what I was going to remark myself.', 'Have you guessed the riddle yet?'],
    ['52', 'Have you guessed the riddle yet?', 'No, I give it up, what’s the answer?'],
    ['55', 'No, I give it up, what’s the answer?', 'I haven’t the slightest idea.'],
    ['57', 'I haven’t the slightest idea.', 'Nor I.'],
    ['59', 'Nor I.', 'I think you might do something better with the time, than waste it in asking riddles that have no answers.'],
    ['61', 'I think you might do something better with the time, than waste it in asking riddles that have no answers.', 'If you knew Time as well as I do, you wouldn’t talk about wasting IT. It’s HIM.'],
  ],
  // Line 16 leaves its quote open by mistake; line 18 reopens with its own attribution (said Joe): a new turn.
  'great-expectations': [
    ['6', "Now, master! Sure you're not a going to favor only one of us. If Young Pip has a half-holiday, do as much for Old Orlick.", "Why, what'll you do with a half-holiday, if you get it?"],
    ['11', "Why, what'll you do with a half-holiday, if you get it?", "What'll I do with it! What'll he do with it? I'll do as much with it as him."],
    ['13', "What'll I do with it! What'll he do with it? I'll do as much with it as him.", "As to Pip, he's going up town."],
    ['16', "As to Pip, he's going up town.", "Well then, as to Old Orlick, he's a going up town. Two can go up town. Tain't only one wot can go up town."],
    ['18', "Well then, as to Old Orlick, he's a going up town. Two can go up town. Tain't only one wot can go up town.", "Don't lose your temper."],
    ['21', "Don't lose your temper.", 'Shall if I like. Some and their uptowning! Now, master! Come. No favoring in this shop. Be a man!'],
    ['34', 'Now, master!', 'Are you all right now?'],
    ['36', 'Are you all right now?', 'Ah! I am all right.'],
    ['38', 'Ah! I am all right.', 'Then, as in general you stick to your work as well as most men, let it be a half-holiday for all.'],
    ['47', 'Like you, you fool! giving holidays to great idle hulkers like that. You are a rich man, upon my life, to waste wages in that way. I wish I was his master!', "You'd be everybody's master, if you durst."],
    ['51', "You'd be everybody's master, if you durst.", 'Let her alone.'],
    ['54', 'Let her alone.', "I'd be a match for all noodles and all rogues. And I couldn't be a match for the noodles, without being a match for your master, who's the dunder-headed king of the noodles. And I couldn't be a match for the rogues, without being a match for you, who are the blackest-looking and the worst rogue between this and France. Now!"],
    ['56', "I'd be a match for all noodles and all rogues. And I couldn't be a match for the noodles, without being a match for your master, who's the dunder-headed king of the noodles. And I couldn't be a match for the rogues, without being a match for you, who are the blackest-looking and the worst rogue between this and France. Now!", "You're a foul shrew, Mother Gargery. If that makes a judge of rogues, you ought to be a good'un."],
    ['63', "You're a foul shrew, Mother Gargery. If that makes a judge of rogues, you ought to be a good'un.", 'Let her alone, will you?'],
    ['66', 'Let her alone, will you?', 'What did you say? What did you say? What did that fellow Orlick say to me, Pip? What did he call me, with my husband standing by? Oh! oh! oh! what was the name he gave me before the base man who swore to defend me? Oh! Hold me! Oh!'],
  ],
  // Mr. Wilson's account (from line 14) runs over many paragraphs: no pair with Holmes, but its own dialogue
  // in single quotes is mined.
  'red-headed-league': [
    ['1', "Why, indeed? You seem most fortunate in having an employé who comes under the full market price. It is not a common experience among employers in this age. I don't know that your assistant is not as remarkable as your advertisement.", "Oh, he has his faults, too. Never was such a fellow for photography. Snapping away with a camera when he ought to be improving his mind, and then diving down into the cellar like a rabbit into its hole to develop his pictures. That is his main fault, but on the whole he's a good worker. There's no vice in him."],
    ['6', "Oh, he has his faults, too. Never was such a fellow for photography. Snapping away with a camera when he ought to be improving his mind, and then diving down into the cellar like a rabbit into its hole to develop his pictures. That is his main fault, but on the whole he's a good worker. There's no vice in him.", 'He is still with you, I presume?'],
    ['25:inner', 'I wish to the Lord, Mr. Wilson, that I was a red-headed man.', 'Why that?'],
    ['27:inner', 'Why that?', "Why, here's another vacancy on the League of the Red-headed Men. It's worth quite a little fortune to any man who gets it, and I understand that there are more vacancies than there are men, so that the trustees are at their wits' end what to do with the money. If my hair would only change colour, here's a nice little crib all ready for me to step into."],
    ['29:inner', "Why, here's another vacancy on the League of the Red-headed Men. It's worth quite a little fortune to any man who gets it, and I understand that there are more vacancies than there are men, so that the trustees are at their wits' end what to do with the money. If my hair would only change colour, here's a nice little crib all ready for me to step into.", 'Why, what is it, then?'],
    ['42:inner', 'Have you never heard of the League of the Red-headed Men?', 'Never.'],
    ['45:inner', 'Never.', 'Why, I wonder at that, for you are eligible yourself for one of the vacancies.'],
    ['47:inner', 'Why, I wonder at that, for you are eligible yourself for one of the vacancies.', 'And what are they worth?'],
    ['50:inner', 'And what are they worth?', "Oh, merely a couple of hundred a year, but the work is slight, and it need not interfere very much with one's other occupations."],
    ['60:inner', 'Tell me all about it.', 'Well, you can see for yourself that the League has a vacancy, and there is the address where you should apply for particulars. As far as I can make out, the League was founded by an American millionaire, Ezekiah Hopkins, who was very peculiar in his ways. He was himself red-headed, and he had a great sympathy for all red-headed men; so when he died it was found that he had left his enormous fortune in the hands of trustees, with instructions to apply the interest to the providing of easy berths to men whose hair is of that colour. From all I hear it is splendid pay and very little to do.'],
    ['62:inner', 'Well, you can see for yourself that the League has a vacancy, and there is the address where you should apply for particulars. As far as I can make out, the League was founded by an American millionaire, Ezekiah Hopkins, who was very peculiar in his ways. He was himself red-headed, and he had a great sympathy for all red-headed men; so when he died it was found that he had left his enormous fortune in the hands of trustees, with instructions to apply the interest to the providing of easy berths to men whose hair is of that colour. From all I hear it is splendid pay and very little to do.', 'But, there would be millions of red-headed men who would apply.'],
    ['74:inner', 'But, there would be millions of red-headed men who would apply.', 'Not so many as you might think. You see it is really confined to Londoners, and to grown men. This American had started from London when he was young, and he wanted to do the old town a good turn. Then, again, I have heard it is no use your applying if your hair is light red, or dark red, or anything but real bright, blazing, fiery red. Now, if you cared to apply, Mr. Wilson, you would just walk in; but perhaps it would hardly be worth your while to put yourself out of the way for the sake of a few hundred pounds.'],
  ],
};

const fixture = (name: string): string => readFileSync(new URL(`../../../fixtures/pairs/novels/${name}.txt`, import.meta.url), 'utf8');

describe('mining the dialogue of public-domain novels', () => {
  for (const [name, expected] of Object.entries(EXPECTED)) {
    it(`finds exactly the exchanges of ${name}`, () => {
      const pairs = minePairs(fixture(name), { docId: name, rules: ['prose-dialogue'] });
      expect(pairs.map((p) => [p.id.slice(`${name}:prose-dialogue:`.length), p.source, p.target])).toEqual(expected);
      expect(pairs.every((p) => p.line === Number.parseInt(p.id.split(':')[2]!, 10))).toBe(true);
    });
  }

  it('reads the same excerpt the same way after its quotes are made curly or straight', () => {
    // Wuthering Heights with ‘curly’ single quotes (’ also as apostrophe): the same pairs.
    const straight = fixture('wuthering-heights');
    const curly = straight.replace(/(^|[\s(-])'(?=\S)/gu, '$1‘').replace(/'/gu, '’');
    const brief = (text: string) => minePairs(text, { rules: ['prose-dialogue'] }).map((p) => [p.line, p.source.replace(/’/gu, "'"), p.target.replace(/’/gu, "'")]);
    expect(brief(curly)).toEqual(brief(straight));
    expect(brief(straight)).toHaveLength(EXPECTED['wuthering-heights']!.length);
  });
});
