import { describe, expect, it } from 'vitest';
import { plainTypography, styleLike, styleOf } from '../../../src/text/typography.js';

describe('typography', () => {
  it.each([
    ['“Is that you, Mr. Bumble, sir?” said Mrs. Mann.', '"Is that you, Mr. Bumble, sir?" said Mrs. Mann.'],
    ['‘Goodness gracious!’ she said; it’s late.', "'Goodness gracious!' she said; it's late."],
    ['he stopped--and looked', 'he stopped\u2014and looked'],
    ['a _very_ odd thing, snake_case stays', 'a very odd thing, snake_case stays'],
    ['already "plain" \u2014 text', 'already "plain" \u2014 text'],
  ])('plain typography of %j', (text, plain) => {
    expect(plainTypography(text)).toBe(plain);
    expect(plainTypography(plain)).toBe(plain);
  });

  it('tells a writer’s style and restyles a plain suggestion to it', () => {
    expect(styleOf('She said, "yes." It\'s fine.')).toEqual({ curlyQuotes: false, dash: '\u2014' });
    expect(styleOf('She said, \u201Cyes.\u201D It\u2019s fine--really.')).toEqual({ curlyQuotes: true, dash: '--' });
    expect(styleLike(' "I don\'t know," he said\u2014then', 'She said, "yes."')).toBe(' "I don\'t know," he said\u2014then');
    expect(styleLike(' "I don\'t know," he said\u2014then', 'She said, \u201Cyes\u201D--it\u2019s')).toBe(' \u201CI don\u2019t know,\u201D he said--then');
    expect(styleLike("'tis", 'He said ')).toBe("'tis");
  });
});
