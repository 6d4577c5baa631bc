// Lint rules that hold the architecture: src/ is plain Node (no electron, no DOM), the renderer reaches
// the backend only through src/contract, and electron/ stays a thin shell over src/service.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

const domGlobals = ['window', 'document', 'navigator', 'localStorage', 'sessionStorage', 'HTMLElement', 'location'].map(
  (name) => ({ name, message: 'src/ is plain Node: no DOM. Browser code belongs in renderer/.' }),
);

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'release/', 'test/artifacts/', 'renderer/dist/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...svelte.configs['flat/recommended'],
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
  {
    files: ['src/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'src/ must run in plain Node: no electron imports.' }],
          patterns: [{ group: ['electron/*', '**/electron/**', '**/renderer/**'], message: 'src/ must not depend on electron/ or renderer/.' }],
        },
      ],
      'no-restricted-globals': ['error', ...domGlobals],
    },
  },
  {
    files: ['src/contract/**/*.ts'],
    rules: {
      // The contract is imported by the renderer too, so it may not pull in Node or the core.
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['node:*', 'fs', 'path', 'os', 'child_process', 'worker_threads'], message: 'src/contract is shared with the renderer: no Node modules.' },
            { group: ['../*', '!../contract/*'], message: 'src/contract may only import from itself and zod.' },
          ],
        },
      ],
    },
  },
  {
    files: ['renderer/**/*.{ts,svelte}', 'test/renderer/**/*.ts'],
    languageOptions: { globals: { ...globals.browser } },
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer reaches the backend only through the API contract.' }],
          patterns: [
            {
              regex: '^(\\.\\./)+src/(?!contract(/|$))',
              message: 'The renderer may import only src/contract from the core.',
            },
            { group: ['node:*'], message: 'The renderer is browser code: no Node modules.' },
          ],
        },
      ],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: tseslint.parser, extraFileExtensions: ['.svelte'] } },
  },
);
