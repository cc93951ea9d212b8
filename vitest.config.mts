import { defineConfig } from 'vitest/config';

// Tests import the compiled CommonJS where a child process must load it (local host);
// everything else runs from TypeScript sources.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    environment: 'node',
    restoreMocks: true,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
