import { fileURLToPath } from 'node:url';

import { defineConfig } from 'vitest/config';

// Trust the Graph simulator's throwaway CA (local/certs). Node reads NODE_EXTRA_CA_CERTS only at
// process start, so it is set here, before vitest forks its test workers, which inherit it.
process.env.NODE_EXTRA_CA_CERTS = fileURLToPath(new URL('./local/certs/ca.pem', import.meta.url));

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    reporters: ['default', './test/support/summary-reporter.ts'],
    environment: 'node',
    pool: 'forks',
    restoreMocks: true,
    unstubEnvs: true,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The gate counts what runs in the test workers: unit and integration tests import src/
    // directly; e2e tests drive dist/ in child processes, which v8 coverage here does not see.
    coverage: {
      provider: 'v8',
      include: ['src/**/*.ts'],
      reporter: ['text-summary', 'json-summary', 'html'],
      thresholds: { lines: 90, branches: 85 },
    },
  },
});
