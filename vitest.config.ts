import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  // The Svelte plugin compiles the rune classes (src/state/*.svelte.ts) so they are unit-tested in
  // Node too; the browser condition picks Svelte's client runtime, where $derived is reactive.
  plugins: [svelte()],
  resolve: { conditions: ['browser'] },
  test: {
    include: ['test/unit/**/*.test.ts', 'test/interop/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    pool: 'threads',
    setupFiles: ['test/support/fake-indexeddb.ts'],
  },
});
