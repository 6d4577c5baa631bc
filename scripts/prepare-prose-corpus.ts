/**
 * The training text of the prose starter model (resources/README.md): the public-domain novels of
 * gutenberg-prose in plain typography (src/text/typography.ts), minus
 *   - whole books held out for the fine-tuning measurements (novels the starter never saw), and
 *   - the last chapters (about 4 %, cut at a paragraph) of several books, which become the validation text:
 *     they are written as the last document, so the run's contiguous validation split is exactly them.
 *
 *   npx tsx scripts/prepare-prose-corpus.ts OUT_DIR [--data /work/shared/data/gutenberg-prose]
 *
 * Writes OUT_DIR/train/*.txt (the books, then zz-validation-chapters.txt), OUT_DIR/heldout/*.txt and
 * OUT_DIR/report.json, whose `validationFraction` is the share to train with (`--split`), rounded up so that
 * no held-out character is trained on.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { plainTypography } from '../src/text/typography.js';

/** Whole novels kept out of the starter: the fine-tuning measurements' "writer's own novels". */
const HELD_OUT_BOOKS = ['dickens-great-expectations', 'cather-my-antonia'];
/** Books whose last chapters are the validation text: several authors, periods and styles. */
const VALIDATION_BOOKS = [
  'austen-emma',
  'charlotte-bronte-jane-eyre',
  'stoker-dracula',
  'twain-adventures-of-huckleberry-finn',
  'doyle-adventures-of-sherlock-holmes',
  'wells-war-of-the-worlds',
];
const VALIDATION_SHARE = 0.04;
const SEPARATOR = '\n\n';

const args = process.argv.slice(2);
const out = args.find((a) => !a.startsWith('--'));
if (!out) throw new Error('usage: prepare-prose-corpus.ts OUT_DIR [--data DIR]');
const dataIndex = args.indexOf('--data');
const data = dataIndex >= 0 ? args[dataIndex + 1]! : '/work/shared/data/gutenberg-prose';

mkdirSync(path.join(out, 'train'), { recursive: true });
mkdirSync(path.join(out, 'heldout'), { recursive: true });
const books = readdirSync(data).filter((f) => f.endsWith('.txt')).sort();
const train: { name: string; text: string }[] = [];
const validation: { book: string; text: string }[] = [];
for (const file of books) {
  const name = file.replace(/\.txt$/, '');
  const text = plainTypography(readFileSync(path.join(data, file), 'utf8')).trim();
  if (HELD_OUT_BOOKS.includes(name)) {
    writeFileSync(path.join(out, 'heldout', file), `${text}\n`);
    continue;
  }
  if (VALIDATION_BOOKS.includes(name)) {
    // Cut at the paragraph break nearest to the share from the end.
    const target = Math.floor(text.length * (1 - VALIDATION_SHARE));
    const cut = text.indexOf(SEPARATOR, target);
    train.push({ name, text: text.slice(0, cut).trim() });
    validation.push({ book: name, text: text.slice(cut).trim() });
  } else {
    train.push({ name, text });
  }
}
train.forEach((b, i) => writeFileSync(path.join(out, 'train', `${String(i + 1).padStart(2, '0')}-${b.name}.txt`), b.text));
const validationText = validation.map((v) => v.text).join(SEPARATOR);
writeFileSync(path.join(out, 'train', 'zz-validation-chapters.txt'), validationText);

// The token stream is the documents joined by the separator (one token a character): validation is its tail.
const total = [...train.map((b) => b.text), validationText].reduce((n, t) => n + [...t].length, 0) + SEPARATOR.length * train.length;
const validationChars = [...validationText].length;
const validationFraction = Math.ceil((validationChars / total) * 1e4) / 1e4;
const report = {
  trainBooks: train.map((b) => b.name),
  heldOutBooks: HELD_OUT_BOOKS,
  validationBooks: VALIDATION_BOOKS,
  characters: total,
  validationCharacters: validationChars,
  validationFraction,
  split: `${(100 * (1 - validationFraction)).toFixed(2)}/${(100 * validationFraction).toFixed(2)}/0`,
};
writeFileSync(path.join(out, 'report.json'), `${JSON.stringify(report, null, 2)}\n`);
process.stdout.write(`${JSON.stringify(report)}\n`);
