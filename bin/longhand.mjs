#!/usr/bin/env node
// Runs the TypeScript CLI through tsx's loader, so `npx longhand` works straight after `npm install`
// with no build step. The packaged app ships a bundled copy instead (see electron-builder.yml).
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
