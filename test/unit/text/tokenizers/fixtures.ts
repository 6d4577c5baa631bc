/** Small texts for the tokenizer tests (inline rather than files: they are short and read better here). */

export const english = [
  'The cat sat on the mat. The dog sat on the log.',
  'Then the cat and the dog went to the park, and the children played there until the evening.',
  'The weather was fine; the sky was blue and the wind was soft.',
  'She said: "the tea is ready", and they sat down together at the table by the window.',
  "It's the end of the day, and the house is quiet. They don't mind.",
].join('\n\n');

/** Round-trip cases: [label, text]. */
export const roundTrips: [string, string][] = [
  ['empty', ''],
  ['ASCII', 'Hello, world! 123 — no, wait: "quotes" & (brackets).'],
  ['accents', 'Crème brûlée, naïve café, Ångström, señor, Œuvre.'],
  ['decomposed accents', 'Cre\u0300me bru\u0302le\u0301e'],
  ['emoji and astral characters', 'I ❤️ tea 🍵 and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 👩‍👩‍👧 flags 🇫🇷.'],
  ['CRLF normalised to LF', 'line one\r\nline two\r\n\r\nnew paragraph\r\n'.replace(/\r\n?/g, '\n')],
  ['whitespace runs', '  leading, inner   spaces,\ttabs\t\tand trailing  \n\n\n'],
  ['CJK', '今日は良い天気です。明日も晴れるでしょう！'],
];
