/** Whether dist/renderer must be rebuilt (see renderer-stale.mjs). */
export function rendererIsStale(): boolean;
