/**
 * Child process for killedWrite.test.ts: writes checkpoints until it is SIGKILLed.
 *   <target> phase <phase>  write version "new" and hang (printing "at <phase>") when the write reaches <phase>
 *   <target> loop           write versions "a" and "b" alternately forever, printing "wrote <sha256>" after each
 */
import { writeCheckpointDir } from '../../../../src/model/checkpoint/directory.js';

const [target, mode, phase] = process.argv.slice(2) as [string, string, string | undefined];

/** A checkpoint big enough that writing it takes a while: 4 MB of weights and a small model.json. */
export function version(label: string): Record<string, Uint8Array | string> {
  const weights = new Uint8Array(4 << 20);
  for (let i = 0; i < weights.length; i += 4096) weights[i] = label.charCodeAt(0);
  return { 'model.json': JSON.stringify({ label }), 'weights.bin': weights, 'optimizer.bin': weights.subarray(0, 1 << 20) };
}

const hang = () => new Promise<never>(() => setInterval(() => undefined, 1000));

if (mode === 'phase') {
  await writeCheckpointDir(target, version('new'), {
    metadata: { label: 'new' },
    onPhase: async (event) => {
      if (event.phase !== phase) return;
      process.stdout.write(`at ${phase}\n`);
      await hang();
    },
  });
  process.stdout.write('done\n');
  await hang();
} else {
  for (let i = 0; ; i++) {
    const label = i % 2 === 0 ? 'a' : 'b';
    const digest = await writeCheckpointDir(target, version(label), { metadata: { label } });
    process.stdout.write(`wrote ${digest.sha256}\n`);
  }
}
