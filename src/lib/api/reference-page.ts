import type { HttpResponseInit } from '@azure/functions';

import {
  CONTENT_TYPES,
  escapeHtml,
  htmlPageResponse,
  packageFile,
  type PageAsset,
  pageAssetServer,
} from './page-assets';
import { REFERENCE_INIT_SCRIPT } from './reference-page-init';

/**
 * Everything the page loads comes from this origin: no inline script or style, no CDN, nothing
 * framed. Swagger UI's stylesheet draws its icons as `data:` SVG images, hence `img-src data:`.
 */
export const REFERENCE_PAGE_CSP =
  "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/**
 * The only files `docs/{asset}` serves, by name: the page needs these and nothing else.
 */
export const REFERENCE_ASSETS: Readonly<Record<string, PageAsset>> = {
  'swagger-ui.css': {
    contentType: CONTENT_TYPES.css,
    file: packageFile('swagger-ui-dist', 'swagger-ui.css'),
  },
  'swagger-ui-bundle.js': {
    contentType: CONTENT_TYPES.javascript,
    file: packageFile('swagger-ui-dist', 'swagger-ui-bundle.js'),
  },
  'favicon-32x32.png': {
    contentType: CONTENT_TYPES.png,
    file: packageFile('swagger-ui-dist', 'favicon-32x32.png'),
  },
  'init.js': { contentType: CONTENT_TYPES.javascript, text: REFERENCE_INIT_SCRIPT },
};

/**
 * The page at `.../docs`: asset and document URLs are built from the request's own path, so the
 * page works below any route prefix and with or without a trailing slash.
 */
export function referencePageResponse(requestUrl: string): HttpResponseInit {
  const pagePath = escapeHtml(new URL(requestUrl).pathname.replace(/\/+$/, ''));
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
  return htmlPageResponse(html, REFERENCE_PAGE_CSP);
}

/** One allow-listed asset by name; any other name is a 404, whatever it looks like. */
export const referenceAssetResponse = pageAssetServer(
  REFERENCE_ASSETS,
  REFERENCE_PAGE_CSP,
  'The API reference has no such file.',
);
