/** The renderer's one import point for the contract (the renderer may use nothing else from src/). */
export * from '../../../src/contract/index.js';
