import { readFile } from 'node:fs/promises';
import path from 'node:path';

import type { HttpResponseInit } from '@azure/functions';

import { AppError } from '../http/problem';
import { REFERENCE_INIT_SCRIPT } from './reference-page-init';

/**
 * Everything the page loads comes from this origin: no inline script or style, no CDN, nothing
 * framed. Swagger UI's stylesheet draws its icons as `data:` SVG images, hence `img-src data:`.
 */
export const REFERENCE_PAGE_CSP =
  "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const SECURITY_HEADERS = {
  'content-security-policy': REFERENCE_PAGE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

type ReferenceAsset = { contentType: string; distFile: string } | { contentType: string; text: string };

/**
 * The only files `docs/{asset}` serves, by name: the page needs these and nothing else, and no
 * part of a request ever becomes part of a file path.
 */
export const REFERENCE_ASSETS: Readonly<Record<string, ReferenceAsset>> = {
  'swagger-ui.css': { contentType: 'text/css; charset=utf-8', distFile: 'swagger-ui.css' },
  'swagger-ui-bundle.js': {
    contentType: 'text/javascript; charset=utf-8',
    distFile: 'swagger-ui-bundle.js',
  },
  'favicon-32x32.png': { contentType: 'image/png', distFile: 'favicon-32x32.png' },
  'init.js': { contentType: 'text/javascript; charset=utf-8', text: REFERENCE_INIT_SCRIPT },
};

const SWAGGER_UI_DIR = path.dirname(require.resolve('swagger-ui-dist/package.json'));

const escapeAttribute = (text: string) => text.replace(/[&"<>]/g, (char) => `&#${char.charCodeAt(0)};`);

/**
 * The page at `.../docs`: asset and document URLs are built from the request's own path, so the
 * page works below any route prefix and with or without a trailing slash.
 */
export function referencePageResponse(requestUrl: string): HttpResponseInit {
  const pagePath = escapeAttribute(new URL(requestUrl).pathname.replace(/\/+$/, ''));
  const apiPath = pagePath.replace(/\/docs$/i, '');
  const asset = (name: keyof typeof REFERENCE_ASSETS) => `${pagePath}/${name}`;
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>MFA Recovery API reference</title>
<link rel="icon" type="image/png" href="${asset('favicon-32x32.png')}">
<link rel="stylesheet" href="${asset('swagger-ui.css')}">
</head>
<body>
<div id="swagger-ui" data-document-url="${apiPath}/openapi.json"></div>
<script src="${asset('swagger-ui-bundle.js')}"></script>
<script src="${asset('init.js')}"></script>
</body>
</html>
`;
  return {
    status: 200,
    headers: { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8' },
    body: html,
  };
}

const distFiles = new Map<string, Promise<Buffer>>();

/** One allow-listed asset by name; any other name is a 404, whatever it looks like. */
export async function referenceAssetResponse(name: string): Promise<HttpResponseInit> {
  const asset = Object.hasOwn(REFERENCE_ASSETS, name) ? REFERENCE_ASSETS[name] : undefined;
  if (asset === undefined) throw new AppError('not_found', 'The API reference has no such file.');
  const headers = { ...SECURITY_HEADERS, 'content-type': asset.contentType };
  if ('text' in asset) return { status: 200, headers, body: asset.text };
  let bytes = distFiles.get(asset.distFile);
  if (bytes === undefined) {
    bytes = readFile(path.join(SWAGGER_UI_DIR, asset.distFile));
    distFiles.set(asset.distFile, bytes);
    void bytes.catch(() => distFiles.delete(asset.distFile));
  }
  return { status: 200, headers, body: await bytes };
}
