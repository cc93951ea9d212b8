import { defineConfig } from 'vitest/config';

import base from './vitest.config.mts';

// The tests `npm run mutation` runs against each mutant: the unit and integration tests that import
// src/lib in process (Stryker narrows them further to those related to the mutated file). The
// simulator's own tests, the local host's (they run dist/ in a child) and e2e never load a mutant.
export default defineConfig({
  ...base,
  test: {
    ...base.test,
    include: ['test/unit/**/*.test.ts', 'test/integration/**/*.test.ts'],
    exclude: [
      'test/unit/graph-simulator/**',
      'test/unit/local-host/**',
      'test/integration/graph-simulator*.test.ts',
      'test/integration/graph-openapi-conformance.test.ts',
      'test/integration/identity-endpoint.test.ts',
      'test/integration/local-host*.test.ts',
    ],
    reporters: ['default'],
  },
});
