import path from 'node:path';

import { findAppRoot } from './options';

/**
 * The compiled host entry point to fork (`dist/local/host/main.js`), whether the caller itself
 * runs compiled from dist/ or as TypeScript under vitest, where `__dirname` is the source folder.
 */
export function compiledHostMainPath(): string {
  return path.join(findAppRoot(__dirname), 'dist', 'local', 'host', 'main.js');
}
