import { readFile } from 'node:fs/promises';
import path from 'node:path';

import type { HttpResponseInit } from '@azure/functions';

import { AppError } from '../http/problem';

/** What the app's pages answer besides their CSP: no sniffing, no referrer, always revalidated. */
const PAGE_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

export const pageHeaders = (csp: string, contentType: string): Record<string, string> => ({
  ...PAGE_HEADERS,
  'content-security-policy': csp,
  'content-type': contentType,
});

/** A file a page loads: one of a package's files, or text the app holds. */
export type PageAsset = { contentType: string; file: string } | { contentType: string; text: string };

/** The absolute path of a file a package ships; resolved once, from the app's own dependencies. */
export const packageFile = (packageName: string, ...parts: string[]) =>
  path.join(path.dirname(require.resolve(`${packageName}/package.json`)), ...parts);

const fileBytes = new Map<string, Promise<Buffer>>();

/** A package's file, read once per process; a failed read is tried again next time. */
function readOnce(file: string): Promise<Buffer> {
  let bytes = fileBytes.get(file);
  if (bytes === undefined) {
    bytes = readFile(file);
    fileBytes.set(file, bytes);
    void bytes.catch(() => fileBytes.delete(file));
  }
  return bytes;
}

/**
 * Serves a page's files by name from a fixed list: any other name is a 404, whatever it looks
 * like, and no part of a request ever becomes part of a file path.
 */
export function pageAssetServer(
  assets: Readonly<Record<string, PageAsset>>,
  csp: string,
  notFoundDetail: string,
): (name: string) => Promise<HttpResponseInit> {
  return async (name) => {
    const asset = Object.hasOwn(assets, name) ? assets[name] : undefined;
    if (asset === undefined) throw new AppError('not_found', notFoundDetail);
    const headers = pageHeaders(csp, asset.contentType);
    if ('text' in asset) return { status: 200, headers, body: asset.text };
    return { status: 200, headers, body: await readOnce(asset.file) };
  };
}

/** Text safe in HTML content and quoted attribute values. */
export const escapeHtml = (text: string) => text.replace(/[&"'<>]/g, (char) => `&#${char.charCodeAt(0)};`);

/**
 * An HTML page under its CSP. A page that shows tenant data is `no-store`: no cache keeps a copy of
 * it; one that holds none is only revalidated.
 */
export const htmlPageResponse = (
  html: string,
  csp: string,
  caching: 'no-cache' | 'no-store' = 'no-cache',
): HttpResponseInit => ({
  status: 200,
  headers: { ...pageHeaders(csp, 'text/html; charset=utf-8'), 'cache-control': caching },
  body: html,
});

export const CONTENT_TYPES = {
  css: 'text/css; charset=utf-8',
  javascript: 'text/javascript; charset=utf-8',
  png: 'image/png',
} as const;
