import { readFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { DEMO_SEED_PATH } from './graph';
import { findAppRoot } from './host/options';
import { type Stack, type StackInfo, startStack } from './stack';

const STACK_FILE = path.join(findAppRoot(__dirname), '.local', 'stack.json');
/** Weeks of seeded history, so the dashboard has trends to show from the first start. */
const HISTORY_WEEKS = 12;

/** The demo tenant names the users worth trying first. */
function demoUsers(): { ordinaryUser: string } {
  const seed = JSON.parse(readFileSync(DEMO_SEED_PATH, 'utf8')) as { demo: { ordinaryUser: string } };
  return seed.demo;
}

function historyLine(history: Stack['history']): string {
  if (!history) return '';
  const { seeded } = history;
  const lockouts = seeded.weeks.reduce((sum, week) => sum + week.lockouts.opened, 0);
  return `  History:          ${seeded.weeks.length} weeks seeded in ${seeded.durationMs} ms: ${lockouts} lockouts, ${seeded.audit.total} audit rows, ${seeded.snapshots.total} snapshots + a scan now`;
}

function banner(info: StackInfo, startupMs: number, history: Stack['history']): string {
  const { ordinaryUser } = demoUsers();
  const auth =
    info.callerAuth === 'entraToken'
      ? `-H "Authorization: Bearer $(node -p 'require("./.local/stack.json").callerTokens.helpdesk')"`
      : `-H "x-functions-key: ${info.functionKey}"`;
  return [
    '',
    `mfa-recovery local stack ready in ${startupMs} ms`,
    `  Functions:        ${info.baseUrl}`,
    `  Callers:          ${info.callerAuth === 'entraToken' ? 'Entra tokens (callerTokens in the stack details)' : 'function key'}`,
    `  Function key:     ${info.functionKey}`,
    `  Graph simulator:  ${info.graphUrl}  (control API: ${info.graphUrl}/_sim/state)`,
    `  Stack details:    ${path.relative(process.cwd(), STACK_FILE)}`,
    ...(history ? [historyLine(history)] : []),
    '',
    'Try:',
    `  curl -s ${auth} ${info.baseUrl}/users/${encodeURIComponent(ordinaryUser).replace(/%40/g, '@')}/methods`,
    `  curl -s ${info.baseUrl}/health`,
    '',
    'Ctrl-C stops everything.',
    '',
  ].join('\n');
}

async function main(): Promise<void> {
  const started = performance.now();
  const stack: Stack = await startStack({
    hostPort: Number(process.env.FUNCTIONS_HTTP_PORT ?? 7071),
    hostOutput: 'inherit',
    history: { weeks: HISTORY_WEEKS },
    ...(process.env.CALLER_AUTH === 'functionKey' ? { callerAuth: 'functionKey' as const } : {}),
  });
  const info: StackInfo = {
    baseUrl: stack.baseUrl,
    callerAuth: stack.callerAuth,
    callerTokens: stack.callerTokens,
    functionKey: stack.functionKey,
    masterKey: stack.masterKey,
    graphUrl: stack.graphUrl,
    identityEndpoint: stack.identityEndpoint,
    identityHeader: stack.identityHeader,
    caCertPath: stack.caCertPath,
    storageConnectionString: stack.storageConnectionString,
  };
  await mkdir(path.dirname(STACK_FILE), { recursive: true });
  await writeFile(STACK_FILE, `${JSON.stringify(info, null, 2)}\n`, { mode: 0o600 });
  process.stdout.write(banner(info, Math.round(performance.now() - started), stack.history));

  let stopping = false;
  const shutdown = async () => {
    if (stopping) return;
    stopping = true;
    await stack.stop();
    await rm(STACK_FILE, { force: true });
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
