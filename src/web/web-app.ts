/**
 * The web app for sellers, served by `hitline serve` at `/`: server-rendered HTML pages (hono/html, every
 * value escaped) made more fluid by htmx and a small app.js, both served by hitline itself. The pages read
 * and act through the same service functions the API routes call; what the browser needs the API for
 * directly (uploads with progress, live events, full-size images, export zips, cancel and resume) it calls
 * with the session cookie, which the API's auth middleware accepts together with the CSRF token.
 *
 * Its middleware is registered per page path, so nothing here runs for /api, /docs or /openapi.json.
 */
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { compress } from 'hono/compress';
import type { Logger } from '../service/log.js';
import { assetRoutes } from './assets.js';
import { onWebError, withLanguage } from './guard.js';
import { catalogRoutes } from './pages/catalog.js';
import { exportRoutes } from './pages/export.js';
import { launchRoutes } from './pages/launch.js';
import { newProductRoutes } from './pages/new-products.js';
import { reviewRoutes } from './pages/review.js';
import { runRoutes } from './pages/runs.js';
import { signInRoutes } from './pages/sign-in.js';
import { thumbnailRoutes } from './thumbnails.js';
import type { WebDeps, WebEnv } from './web-env.js';

/** Where the web app answers; everything else (/api, /docs, /openapi.json, /healthz) is the API's. */
export const WEB_PATHS = ['/', '/sign-in', '/sign-out', '/lang/*', '/assets/*', '/thumbs/*', '/catalog', '/catalog/*', '/new', '/new/*', '/runs', '/runs/*'] as const;

/** Form posts of the pages are small (a rejection reason, the launch form). */
const FORM_BYTES = 64 * 1024;

export function buildWebApp(deps: WebDeps, logger: Logger): Hono<WebEnv> {
  const web = new Hono<WebEnv>();
  for (const p of WEB_PATHS) {
    web.use(p, withLanguage());
    web.use(p, bodyLimit({ maxSize: FORM_BYTES }));
    web.use(p, compress()); // pages and scripts (a review page of 50 products is ~700 KB of HTML, ~10× less gzipped); images are left as they are
  }
  assetRoutes(web);
  signInRoutes(web, deps);
  thumbnailRoutes(web, deps);
  catalogRoutes(web, deps);
  newProductRoutes(web, deps);
  launchRoutes(web, deps);
  runRoutes(web, deps);
  reviewRoutes(web, deps);
  exportRoutes(web, deps);
  web.onError(onWebError(logger));
  return web;
}
