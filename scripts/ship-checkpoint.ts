/**
 * A checkpoint as Longhand ships it (resources/starter/, test fixtures): the model without what only resuming
 * needs — `optimizer.bin` and the `optimizer` and `trainState` entries of `longhand.json` — so the manifest lists
 * exactly the files shipped and the folder is a third of the size.
 *
 *   npx tsx scripts/ship-checkpoint.ts CHECKPOINT_DIR OUT_DIR
 */
import { promises as fs } from 'node:fs';
import path from 'node:path';

const [from, to] = process.argv.slice(2);
if (!from || !to) {
  process.stderr.write('usage: npx tsx scripts/ship-checkpoint.ts CHECKPOINT_DIR OUT_DIR\n');
  process.exit(2);
}
const manifest = JSON.parse(await fs.readFile(path.join(from, 'longhand.json'), 'utf8')) as Record<string, unknown> & { files: Record<string, unknown> };
delete manifest['optimizer'];
delete manifest['trainState'];
delete manifest.files['optimizer.bin'];
await fs.mkdir(to, { recursive: true });
for (const file of Object.keys(manifest.files)) await fs.copyFile(path.join(from, file), path.join(to, file));
await fs.writeFile(path.join(to, 'longhand.json'), `${JSON.stringify(manifest, null, 2)}\n`);
process.stdout.write(`${to}: ${Object.keys(manifest.files).join(', ')}, longhand.json\n`);
