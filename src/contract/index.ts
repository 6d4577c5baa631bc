/**
 * The one typed API between the renderer (and CLI) and the service. Plain TypeScript and zod: no Node, no DOM.
 */
export * from './api.js';
export * from './client.js';
export * from './errors.js';
export * from './events.js';
export * from './local.js';
export * from './server.js';
export * from './transport.js';
export * from './websocket.js';
export * from './wire.js';
export * from './schemas/importLimit.js';
export * from './schemas/primitives.js';
export * from './schemas/corpora.js';
export * from './schemas/documents.js';
export * from './schemas/runs.js';
export * from './schemas/checkpoints.js';
export * from './schemas/generate.js';
export * from './schemas/decoding.js';
export * from './schemas/system.js';
