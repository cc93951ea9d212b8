import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The repository root, found by walking up from this file: the simulator runs both from
 * TypeScript sources (tests) and from dist/ (npm start), and tsc copies none of the data files.
 */
function findRepoRoot(start: string): string {
  let dir = start;
  while (!existsSync(join(dir, 'local', 'graph', 'openapi'))) {
    const parent = dirname(dir);
    if (parent === dir) throw new Error(`cannot find local/graph/openapi above ${start}`);
    dir = parent;
  }
  return dir;
}

export const REPO_ROOT = findRepoRoot(__dirname);

export const GRAPH_FILES = {
  openApi: {
    'v1.0': join(REPO_ROOT, 'local', 'graph', 'openapi', 'openapi-v1.0-subset.json'),
    beta: join(REPO_ROOT, 'local', 'graph', 'openapi', 'openapi-beta-subset.json'),
  },
  demoSeed: join(REPO_ROOT, 'local', 'graph', 'seed', 'demo-tenant.json'),
  tlsCert: join(REPO_ROOT, 'local', 'certs', 'localhost.pem'),
  tlsKey: join(REPO_ROOT, 'local', 'certs', 'localhost-key.pem'),
  caCert: join(REPO_ROOT, 'local', 'certs', 'ca.pem'),
} as const;
