/** Browser Files as import sources: read as base64 with progress (FileReader reports it; fetch-style reads do not). */
import type { FileSource } from '../models/library.svelte.js';

export function readBase64(file: Blob, onProgress: (fraction: number) => void): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onprogress = (event) => {
      if (event.lengthComputable && event.total > 0) onProgress(event.loaded / event.total);
    };
    reader.onerror = () => reject(reader.error ?? new Error('the file could not be read'));
    reader.onload = () => {
      const url = String(reader.result ?? '');
      const comma = url.indexOf(',');
      resolve(comma >= 0 ? url.slice(comma + 1) : '');
    };
    reader.readAsDataURL(file);
  });
}

export const fileSource = (file: File): FileSource => ({
  name: file.name,
  size: file.size,
  read: (onProgress) => readBase64(file, onProgress),
});
