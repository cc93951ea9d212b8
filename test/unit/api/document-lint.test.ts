import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

import { afterAll, describe, expect, it } from 'vitest';

import { buildOpenApiDocument } from '../../../src/lib/api/openapi-document';
import { buildSwaggerDocument } from '../../../src/lib/api/swagger-document';

const ROOT = path.resolve(__dirname, '../../..');
const REDOCLY = path.join(ROOT, 'node_modules/.bin/redocly');
const directory = mkdtempSync(path.join(tmpdir(), 'api-lint-'));

afterAll(() => rmSync(directory, { recursive: true, force: true }));

/** `redocly lint` with the committed redocly.yaml; resolves with its exit code and report. */
async function lint(name: string, document: unknown) {
  const file = path.join(directory, name);
  writeFileSync(file, JSON.stringify(document));
  try {
    const { stdout, stderr } = await promisify(execFile)(
      REDOCLY,
      ['lint', file, '--config', path.join(ROOT, 'redocly.yaml'), '--format', 'stylish'],
      {
        cwd: ROOT,
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      },
    );
    return { code: 0, report: stdout + stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, report: failed.stdout + failed.stderr };
  }
}

describe('redocly lint (redocly.yaml)', () => {
  it('passes the OpenAPI 3.1 document', async () => {
    const result = await lint('openapi.json', buildOpenApiDocument());
    expect(result.report).not.toMatch(/error/i);
    expect(result.code).toBe(0);
  });

  it('passes the Swagger 2.0 document', async () => {
    const result = await lint('swagger.json', buildSwaggerDocument());
    expect(result.report).not.toMatch(/error/i);
    expect(result.code).toBe(0);
  });

  it('fails a document where two operations share an operationId (the lint can fail)', async () => {
    const document = buildOpenApiDocument();
    const health = document.paths?.['/health']?.get;
    if (health) health.operationId = 'getUserMethods';
    expect((await lint('broken.json', document)).code).not.toBe(0);
  });
});
