/**
 * sacrebleu's default BLEU tokenizer `13a` (mteval-v13a.pl's), ported regex for regex from
 * `sacrebleu/tokenizers/tokenizer_13a.py` and `tokenizer_re.py`, plus Python's idea of whitespace so that
 * `str.split()`/`str.rstrip()` behave the same here.
 */

/** Characters Python's `str.isspace()` accepts (JS `\s` differs: it has U+FEFF, lacks U+001C–U+001F, U+0085). */
const PY_SPACE_CLASS = '\\t\\n\\v\\f\\r\\x1c-\\x1f \\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000';
const PY_SPACE_RUN = new RegExp(`[${PY_SPACE_CLASS}]+`, 'g');
const PY_TRAILING_SPACE = new RegExp(`[${PY_SPACE_CLASS}]+$`);

/** Python's `s.split()` with no arguments. */
export function pySplit(s: string): string[] {
  return s.split(PY_SPACE_RUN).filter((t) => t.length > 0);
}

/** Python's `s.rstrip()` with no arguments. */
export function pyRstrip(s: string): string {
  return s.replace(PY_TRAILING_SPACE, '');
}

// sacrebleu's `([\{-\~\[-\` -\&\(-\+\:-\@\/])`: { | } ~, [ \ ] ^ _ `, space ! " # $ % &, ( ) * +,
// : ; < = > ? @, and /. Not: ' , - . or any letter or digit.
const PUNCT = /([\x7B-\x7E\x5B-\x60\x20-\x26\x28-\x2B\x3A-\x40\x2F])/g;
// Period and comma are split off unless preceded by a digit…
const PERIOD_COMMA_AFTER_NON_DIGIT = /([^0-9])([.,])/g;
// …and unless followed by a digit (so 10.9 and 1,000 stay whole).
const PERIOD_COMMA_BEFORE_NON_DIGIT = /([.,])([^0-9])/g;
const DASH_AFTER_DIGIT = /([0-9])(-)/g;

/** Tokenize one segment the way sacrebleu's `Tokenizer13a` does; tokens are joined by single spaces. */
export function tokenize13a(line: string): string {
  let s = line.replaceAll('<skipped>', '').replaceAll('-\n', '').replaceAll('\n', ' ');
  if (s.includes('&')) {
    s = s.replaceAll('&quot;', '"').replaceAll('&amp;', '&').replaceAll('&lt;', '<').replaceAll('&gt;', '>');
  }
  s = ` ${s} `;
  s = s.replace(PUNCT, ' $1 ');
  s = s.replace(PERIOD_COMMA_AFTER_NON_DIGIT, '$1 $2 ');
  s = s.replace(PERIOD_COMMA_BEFORE_NON_DIGIT, ' $1 $2');
  s = s.replace(DASH_AFTER_DIGIT, '$1 $2 ');
  return pySplit(s).join(' ');
}
