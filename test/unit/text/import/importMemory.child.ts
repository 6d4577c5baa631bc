/**
 * Imports one file in a fresh process and prints one JSON line: the refusal (code, reason) or the text size,
 * and how much the peak resident memory grew while importing (maxRSS after − before, in bytes).
 * Run by zipBomb.test.ts: `node --import tsx importMemory.child.ts FILE`.
 */
import { ImportError, importFile } from '../../../../src/text/import/index.js';

const file = process.argv[2]!;
const before = process.resourceUsage().maxRSS * 1024;
let outcome: Record<string, unknown>;
try {
  const doc = await importFile(file);
  outcome = { imported: doc.byteCount };
} catch (error) {
  if (!(error instanceof ImportError)) throw error;
  outcome = { code: error.code, reason: error.reason };
}
const after = process.resourceUsage().maxRSS * 1024;
process.stdout.write(`${JSON.stringify({ ...outcome, peakGrowth: after - before })}\n`);
