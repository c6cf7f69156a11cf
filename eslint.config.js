// @ts-check
import js from '@eslint/js';
import ts from 'typescript-eslint';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';

/** Globals that only exist in a browser or that do I/O: the pure core must not touch them. */
const ioGlobals = [
  'window',
  'document',
  'navigator',
  'location',
  'localStorage',
  'sessionStorage',
  'indexedDB',
  'IDBKeyRange',
  'fetch',
  'XMLHttpRequest',
  'WebSocket',
  'EventSource',
  'Request',
  'Response',
  'Headers',
  'crypto',
  'setTimeout',
  'setInterval',
  'process',
  'Buffer',
  'require',
].map((name) => ({
  name,
  message: 'The core is pure: reach the outside world through a port in core/ports.ts.',
}));

export default ts.config(
  { ignores: ['dist/', 'dev-dist/', 'node_modules/', 'test-results/', 'bench/results/'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.browser, ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
      'no-restricted-syntax': [
        'error',
        { selector: 'TSEnumDeclaration', message: 'Use `as const` objects and union types, not enums.' },
      ],
    },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'] } },
  },
  {
    files: ['src/core/**/*.ts'],
    languageOptions: { globals: { ...globals.es2021 } },
    rules: {
      'no-restricted-globals': ['error', ...ioGlobals],
      'no-restricted-imports': [
        'error',
        {
          // Bare Node built-ins by exact name: a pattern would also match our own core/crypto folder.
          paths: ['fs', 'path', 'http', 'https', 'crypto', 'os', 'url', 'util', 'child_process'].map(
            (name) => ({
              name,
              message: 'The core runs in the browser too.',
            }),
          ),
          patterns: [
            { group: ['idb', 'idb/*'], message: 'The core must not use IndexedDB; use the TreeStore port.' },
            { group: ['svelte', 'svelte/*'], message: 'The core must not depend on Svelte.' },
            {
              group: ['node:*'],
              message: 'The core runs in the browser too.',
            },
            {
              group: ['**/adapters/**', '**/state/**', '**/ui/**', '**/cli/**', '**/server/**'],
              message: 'The core imports nothing from outer layers.',
            },
          ],
        },
      ],
    },
  },
);
