import { defineConfig } from 'vitest/config';
import { svelte } from '@sveltejs/vite-plugin-svelte';

export default defineConfig({
  // The rune classes (src/state/*.svelte.ts) are unit-tested in Node too. Vitest transforms for
  // SSR, where Svelte would compile them for the server and resolve its server runtime (no
  // effects, no reactivity), so both the compiler and the resolver are told "client/browser".
  // test/unit/state/svelte-runtime.test.ts guards this.
  plugins: [svelte({ dynamicCompileOptions: () => ({ generate: 'client' }) })],
  resolve: { conditions: ['browser'] },
  ssr: { resolve: { conditions: ['browser'], externalConditions: ['browser'] } },
  test: {
    include: ['test/unit/**/*.test.ts', 'test/interop/**/*.test.ts'],
    environment: 'node',
    testTimeout: 30_000,
    pool: 'threads',
    setupFiles: ['test/support/fake-indexeddb.ts'],
  },
});
