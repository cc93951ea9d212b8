import { describe, expect, it } from 'vitest';

import { buildOpenApiDocument } from '../../../src/lib/api/openapi-document';

describe('buildOpenApiDocument', () => {
  it('is OpenAPI 3.1 served below /api', () => {
    const document = buildOpenApiDocument();
    expect(document.openapi).toBe('3.1.0');
    expect(document.servers).toEqual([{ url: '/api' }]);
  });

  it('describes the TAP operation under its route and operationId', () => {
    const post = buildOpenApiDocument().paths?.['/users/{user}/tap']?.post;
    expect(post?.operationId).toBe('issueTap');
  });
});
