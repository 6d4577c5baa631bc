import { describe, expect, it } from 'vitest';
import { type CudaSystem, detectCuda } from '../../../src/compute/cuda.js';

function system(platform: NodeJS.Platform, parts: { gpus?: readonly string[]; dev?: boolean; smi?: string | null }) {
  const calls: string[] = [];
  const fake: CudaSystem = {
    platform,
    readdir: async (dir) => {
      calls.push(`readdir ${dir}`);
      if (!parts.gpus) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' });
      return [...parts.gpus];
    },
    exists: async (file) => {
      calls.push(`exists ${file}`);
      return Boolean(parts.dev);
    },
    run: async (command, args) => {
      calls.push(`run ${command} ${args.join(' ')}`);
      return parts.smi ?? null;
    },
  };
  return { fake, calls };
}

describe('detectCuda', () => {
  it.each([
    ['linux /proc entry', 'linux', { gpus: ['0000:01:00.0'] }, true, '/proc/driver/nvidia/gpus/0000:01:00.0'],
    ['linux /dev/nvidia0', 'linux', { gpus: [], dev: true }, true, '/dev/nvidia0'],
    ['linux nvidia-smi only (WSL)', 'linux', { smi: 'GPU 0: NVIDIA GeForce RTX 3060 (UUID: GPU-1)\n' }, true, 'nvidia-smi: GPU 0: NVIDIA GeForce RTX 3060 (UUID: GPU-1)'],
    ['linux nothing', 'linux', {}, false, 'checked /proc/driver/nvidia/gpus, /dev/nvidia0, nvidia-smi -L'],
    ['windows nvidia-smi', 'win32', { smi: 'GPU 0: Quadro (UUID: x)\r\n' }, true, 'nvidia-smi: GPU 0: Quadro (UUID: x)'],
    ['windows nvidia-smi without GPUs', 'win32', { smi: 'No devices were found\r\n' }, false, 'checked nvidia-smi -L'],
    ['macOS never', 'darwin', { gpus: ['x'], dev: true, smi: 'GPU 0: x' }, false, 'CUDA is not available on macOS'],
  ] as const)('%s', async (_label, platform, parts, found, detail) => {
    const { fake } = system(platform, { ...parts });
    expect(await detectCuda(fake)).toEqual({ found, detail });
  });

  it('does not run anything on macOS', async () => {
    const { fake, calls } = system('darwin', {});
    await detectCuda(fake);
    expect(calls).toEqual([]);
  });
});
