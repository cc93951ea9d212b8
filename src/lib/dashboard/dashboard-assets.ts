import { CONTENT_TYPES, packageFile, type PageAsset, pageAssetServer } from '../api/page-assets';
import { DASHBOARD_SCRIPT } from './dashboard-script';
import { DASHBOARD_STYLES } from './dashboard-styles';

/**
 * The reference page's policy without `data:` images, which nothing here needs: everything from
 * this origin, no inline script or style, nothing framed. The chart data is a JSON data block,
 * never executed, so `script-src` does not apply to it.
 */
export const DASHBOARD_CSP =
  "default-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/** The only files `dashboard/{asset}` serves, by name: library code and the page's own, no tenant data. */
export const DASHBOARD_ASSETS: Readonly<Record<string, PageAsset>> = {
  'uPlot.iife.min.js': {
    contentType: CONTENT_TYPES.javascript,
    file: packageFile('uplot', 'dist', 'uPlot.iife.min.js'),
  },
  'uPlot.min.css': { contentType: CONTENT_TYPES.css, file: packageFile('uplot', 'dist', 'uPlot.min.css') },
  'dashboard.js': { contentType: CONTENT_TYPES.javascript, text: DASHBOARD_SCRIPT },
  'dashboard.css': { contentType: CONTENT_TYPES.css, text: DASHBOARD_STYLES },
};

export const dashboardAssetResponse = pageAssetServer(
  DASHBOARD_ASSETS,
  DASHBOARD_CSP,
  'The dashboard has no such file.',
);
