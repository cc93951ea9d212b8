// @ts-check
// `npm run mutation`: StrykerJS over the library folders whose logic decides what happens in the
// tenant. Too slow for CI (CI has the coverage gate); run one folder at a time:
//   npm run mutation -- --mutate 'src/lib/guard/**/*.ts'
const FOLDERS = ['recovery', 'guard', 'detection', 'storage'];

// Each folder keeps its own incremental file: Stryker's file holds only the mutants of its last run,
// so a run of one folder would otherwise drop the others' results.
const mutateArgument = process.argv[process.argv.indexOf('--mutate') + 1] ?? '';
const folder = FOLDERS.find((name) => mutateArgument.includes(`src/lib/${name}/`)) ?? 'all';

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  mutate: FOLDERS.map((name) => `src/lib/${name}/**/*.ts`),
  testRunner: 'vitest',
  // forks: each test worker is a new process, so it reads NODE_EXTRA_CA_CERTS (the simulator's CA).
  vitest: { configFile: 'vitest.mutation.config.mts', related: true, pool: 'forks' },
  checkers: ['typescript'],
  tsconfigFile: 'tsconfig.json',
  // Two cores shared with other work: one test runner, per-test coverage so each mutant runs only
  // the tests that reach it.
  concurrency: 1,
  coverageAnalysis: 'perTest',
  incremental: true,
  incrementalFile: `reports/mutation/${folder}.incremental.json`,
  // Integration tests start Azurite and the Graph simulator in beforeAll; a loaded machine needs slack.
  timeoutMS: 20_000,
  dryRunTimeoutMinutes: 20,
  // Anchored at the root: src/lib/reports is source, /reports is Stryker's output.
  ignorePatterns: ['/dist', '/coverage', '/.local', '/reports'],
  reporters: ['clear-text', 'progress', 'html', 'json'],
  clearTextReporter: { reportTests: false, allowEmojis: false },
  htmlReporter: { fileName: `reports/mutation/${folder}.html` },
  jsonReporter: { fileName: `reports/mutation/${folder}.json` },
  tempDirName: '.stryker-tmp',
  cleanTempDir: 'always',
};
