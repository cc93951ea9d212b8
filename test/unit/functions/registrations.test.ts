import { readdirSync } from 'node:fs';
import path from 'node:path';

import type { HttpFunctionOptions } from '@azure/functions';
import { describe, expect, it, vi } from 'vitest';

const registered = vi.hoisted(() => new Map<string, HttpFunctionOptions>());

vi.mock('@azure/functions', async (importOriginal) => {
  const actual = await importOriginal<typeof import('@azure/functions')>();
  return {
    ...actual,
    app: {
      ...actual.app,
      http: (name: string, options: HttpFunctionOptions) => registered.set(name, options),
      hook: { ...actual.app.hook, appStart: () => undefined },
    },
  };
});

const FUNCTIONS_DIR = path.resolve(__dirname, '../../../src/functions');

describe('function registrations', () => {
  it('require a function key on every HTTP route except /health', async () => {
    for (const file of readdirSync(FUNCTIONS_DIR).filter((name) => name.endsWith('.ts'))) {
      await import(path.join(FUNCTIONS_DIR, file));
    }
    expect(registered.size).toBeGreaterThanOrEqual(2);
    const anonymous = [...registered].filter(
      ([, options]) => (options.authLevel ?? 'anonymous') === 'anonymous',
    );
    expect(anonymous.map(([, options]) => options.route)).toEqual(['health']);
  });
});
