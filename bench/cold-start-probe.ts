// Run in a fresh process by cold-start.ts: how long loading the function app's entry points takes,
// with the functions-core module in place as the worker provides it (no "test mode").

import { readPackageMain, resolveEntryPoints } from '../local/host/app-files';
import { AppRegistry } from '../local/host/app-registry';
import { createCoreApi, installCoreModule } from '../local/host/core-module';
import { findAppRoot } from '../local/host/options';

const appDir = findAppRoot(__dirname);
const started = performance.now();
installCoreModule(createCoreApi(new AppRegistry(), () => undefined));
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the worker loads CommonJS entry points with require
for (const file of resolveEntryPoints(appDir, readPackageMain(appDir))) require(file);
process.stdout.write(JSON.stringify({ loadMs: performance.now() - started }));
