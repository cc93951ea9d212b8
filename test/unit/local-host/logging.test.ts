import { describe, expect, it } from 'vitest';

import { AppRegistry } from '../../../local/host/app-registry';
import type { LogHookContext } from '../../../local/host/core-types';
import { formatLogLine, HostLogger } from '../../../local/host/host-log';
import { formatSetCookie } from '../../../local/host/http-response';

function capture(minLevel: 'information' | 'debug' = 'information'): {
  registry: AppRegistry;
  logger: HostLogger;
  out: string[];
  err: string[];
} {
  const registry = new AppRegistry();
  const out: string[] = [];
  const err: string[] = [];
  const logger = new HostLogger(
    registry,
    { out: (line) => out.push(line), err: (line) => err.push(line) },
    minLevel,
  );
  return { registry, logger, out, err };
}

const scope = { functionName: 'echo', invocationId: 'abc-123', hookData: {} };

describe('host logging', () => {
  it('formats one record per line, with the function and invocation when there is one', () => {
    const time = new Date('2025-01-01T00:00:00Z');
    expect(formatLogLine(time, 'information', 'hi', scope)).toBe(
      '[2025-01-01T00:00:00.000Z] Functions.echo[Id=abc-123] hi',
    );
    expect(formatLogLine(time, 'warning', 'a\nb')).toBe('[2025-01-01T00:00:00.000Z] warning: a\n    b');
  });

  it('sends warnings and errors to stderr and drops levels below the minimum', () => {
    const { logger, out, err } = capture();
    logger.worker('debug', 'user', 'hidden', scope);
    logger.worker('information', 'user', 'shown', scope);
    logger.worker('error', 'user', 'bad', scope);
    expect(out).toEqual([expect.stringContaining('shown')]);
    expect(err).toEqual([expect.stringContaining('error: bad')]);
  });

  it('lets log hooks rewrite user logs but not system logs', () => {
    const { registry, logger, out } = capture();
    registry.registerHook('log', (context) => {
      const log = context as LogHookContext;
      log.message = log.message.replace('secret', '***');
    });
    logger.worker('information', 'user', 'user secret', scope);
    logger.worker('information', 'system', 'system secret');
    expect(out).toEqual([expect.stringContaining('user ***'), expect.stringContaining('system secret')]);
  });

  it('gives log hooks the invocation scope and read-only context properties', () => {
    const { registry, logger } = capture();
    const seen: unknown[] = [];
    registry.registerHook('log', (context) => {
      const log = context as LogHookContext;
      seen.push(log.category, log.hookData);
      try {
        (log as { category: string }).category = 'system';
      } catch (thrown) {
        seen.push(thrown instanceof TypeError ? thrown.message : thrown);
      }
    });
    logger.worker('information', 'user', 'x', scope);
    expect(seen).toEqual(['user', scope.hookData, "Cannot assign to read only property 'category'"]);
  });

  it('prints a log hook failure instead of failing the caller, and does not re-enter hooks', () => {
    const { registry, logger, out, err } = capture();
    let calls = 0;
    registry.registerHook('log', () => {
      calls++;
      logger.worker('information', 'user', 'logged from a hook');
      throw new Error('hook broke');
    });
    logger.worker('information', 'user', 'original');
    expect(calls).toBe(1);
    expect(out).toEqual([expect.stringContaining('logged from a hook'), expect.stringContaining('original')]);
    expect(err).toEqual([expect.stringContaining('A log hook failed: hook broke')]);
  });
});

describe('Set-Cookie', () => {
  it('writes the cookie options as ASP.NET Core does', () => {
    expect(
      formatSetCookie({
        name: 'session',
        value: 'a b',
        domain: { value: 'example.com' },
        expires: { value: { seconds: 1735689600 } },
        maxAge: { value: 60 },
        secure: { value: true },
        httpOnly: { value: true },
        sameSite: 'explicitNone',
      }),
    ).toBe(
      'session=a%20b; expires=Wed, 01 Jan 2025 00:00:00 GMT; max-age=60; domain=example.com; path=/; secure; samesite=none; httponly',
    );
    expect(formatSetCookie({ name: 'n', value: 'v', path: { value: '/api' }, sameSite: 'none' })).toBe(
      'n=v; path=/api',
    );
  });
});
