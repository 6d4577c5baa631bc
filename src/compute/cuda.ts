/**
 * Is there an NVIDIA CUDA device? Answered without loading TensorFlow, because loading tfjs-node-gpu on a
 * machine without CUDA is slow at best and crashes at worst. Linux: the NVIDIA driver's /proc entries or
 * /dev/nvidia0, then `nvidia-smi -L` (WSL and some containers have only that); Windows: `nvidia-smi -L`;
 * macOS: never (CUDA is not supported there).
 */
import { execFile } from 'node:child_process';
import { access, readdir } from 'node:fs/promises';

export interface CudaProbe {
  found: boolean;
  /** What was found ("/proc/driver/nvidia/gpus/0000:01:00.0"), or what was checked when nothing was. */
  detail: string;
}

/** The system calls the detection needs, injectable so tests can pretend. */
export interface CudaSystem {
  platform: NodeJS.Platform;
  readdir(dir: string): Promise<string[]>;
  exists(file: string): Promise<boolean>;
  /** stdout of the command, or null when it is missing, fails or times out. */
  run(command: string, args: string[], timeoutMs: number): Promise<string | null>;
}

export const nodeCudaSystem: CudaSystem = {
  platform: process.platform,
  readdir: (dir) => readdir(dir),
  exists: (file) =>
    access(file).then(
      () => true,
      () => false,
    ),
  run: (command, args, timeoutMs) =>
    new Promise((resolve) => {
      execFile(command, args, { timeout: timeoutMs, windowsHide: true }, (error, stdout) =>
        resolve(error ? null : String(stdout)),
      );
    }),
};

const PROC_GPUS = '/proc/driver/nvidia/gpus';
const DEV_NVIDIA = '/dev/nvidia0';
const NVIDIA_SMI_TIMEOUT_MS = 3000;

export async function detectCuda(system: CudaSystem = nodeCudaSystem): Promise<CudaProbe> {
  if (system.platform === 'darwin') return { found: false, detail: 'CUDA is not available on macOS' };
  const checked: string[] = [];
  if (system.platform === 'linux') {
    const gpus = await system.readdir(PROC_GPUS).catch(() => [] as string[]);
    if (gpus.length > 0) return { found: true, detail: `${PROC_GPUS}/${[...gpus].sort()[0]}` };
    if (await system.exists(DEV_NVIDIA)) return { found: true, detail: DEV_NVIDIA };
    checked.push(PROC_GPUS, DEV_NVIDIA);
  }
  if (system.platform === 'linux' || system.platform === 'win32') {
    const listing = await system.run('nvidia-smi', ['-L'], NVIDIA_SMI_TIMEOUT_MS);
    const first = listing
      ?.split(/\r?\n/)
      .map((line) => line.trim())
      .find((line) => /^GPU \d+:/.test(line));
    if (first) return { found: true, detail: `nvidia-smi: ${first}` };
    checked.push('nvidia-smi -L');
  }
  return { found: false, detail: checked.length ? `checked ${checked.join(', ')}` : `not supported on ${system.platform}` };
}
