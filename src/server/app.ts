/**
 * The HTTP API: one Hono app (@hono/zod-openapi) whose routes are validated by the zod schemas that also
 * generate the OpenAPI 3.1 document at /openapi.json; /docs renders it as a page. Under /api every request
 * names its tenant by key (auth.ts), is rate limited per key, and sees only that tenant's workspace.
 * The sellers' web app (src/web/) is mounted at `/`.
 * `app.request()` runs it in tests without a port; serve.ts puts it on one.
 */
import { OpenAPIHono } from '@hono/zod-openapi';
import type { MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { secureHeaders } from 'hono/secure-headers';
import { buildWebApp } from '../web/web-app.js';
import { LOCAL_PRINCIPAL, type AppEnv, type App, type ServerDeps } from './app-env.js';
import { DOCS_CSS, renderDocsPage } from './docs-page.js';
import { errorJson, onAppError, validationHook } from './errors.js';
import { authenticate } from './middleware/auth.js';
import { rateLimit } from './middleware/rate-limit.js';
import { requestLog } from './middleware/request-log.js';
import { catalogRoutes } from './routes/catalog.js';
import { healthRoutes } from './routes/health.js';
import { matchRoutes } from './routes/match.js';
import { newProductRoutes } from './routes/new-products.js';
import { outputRoutes } from './routes/outputs.js';
import { queueRoutes } from './routes/queue.js';
import { runEventRoutes } from './routes/run-events.js';
import { runRoutes } from './routes/runs.js';
import { tenantRoutes } from './routes/tenant.js';

/** Routes that stream a body to disk: they have their own limits (body-size.ts) and must not be buffered. */
const STREAMED_UPLOADS = new Set(['/api/catalog/imports', '/api/new-products', '/api/match']);

const API_INFO = {
  title: 'hitline',
  version: '0.1.0',
  description:
    'Promo images for new products in the style of a seller\'s best sellers, as a service: a catalog per tenant, match, asynchronous runs with per-stage progress and live events, review and per-marketplace exports. Every /api route takes Authorization: Bearer <key>.',
};

export function buildApp(deps: ServerDeps): App {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });
  app.use('*', requestLog(deps.logger));
  app.use('*', secureHeaders({
    // The web app's own files only: no inline script or style, no other origin (src/web/).
    contentSecurityPolicy: {
      defaultSrc: ["'none'"], scriptSrc: ["'self'"], styleSrc: ["'self'"], imgSrc: ["'self'"], connectSrc: ["'self'"],
      frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'self'"],
    },
    xFrameOptions: 'DENY',
    referrerPolicy: 'no-referrer',
  }));
  if (deps.corsOrigin) app.use('/api/*', cors({ origin: deps.corsOrigin, allowHeaders: ['Authorization', 'Content-Type', 'Idempotency-Key', 'Last-Event-ID'], exposeHeaders: ['Retry-After', 'Location', 'Idempotent-Replayed'] }));
  app.use('/api/*', authenticate(deps));
  app.use('/api/*', rateLimit({ perSecond: deps.limits.ratePerSecond, burst: deps.limits.rateBurst }));
  app.use('/api/*', jsonBodyLimit(deps.limits.jsonBytes));

  healthRoutes(app, deps);
  tenantRoutes(app, deps);
  catalogRoutes(app, deps);
  matchRoutes(app, deps);
  newProductRoutes(app, deps);
  runRoutes(app, deps);
  runEventRoutes(app, deps);
  outputRoutes(app, deps);
  queueRoutes(app, deps);
  app.route('/', buildWebApp({ ...deps, localPrincipal: deps.localTenantAllowed ? LOCAL_PRINCIPAL : undefined }, deps.logger));

  app.openAPIRegistry.registerComponent('securitySchemes', 'apiKey', { type: 'http', scheme: 'bearer', description: 'A tenant API key (hl_...), from `hitline tenants add` or `hitline tenants rotate`.' });
  app.doc31('/openapi.json', { openapi: '3.1.0', info: API_INFO, security: [{ apiKey: [] }] });
  app.get('/docs', (c) => c.html(renderDocsPage(app.getOpenAPI31Document({ openapi: '3.1.0', info: API_INFO }))));
  app.get('/docs.css', (c) => c.body(DOCS_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=3600' }));
  app.notFound((c) => errorJson(c, 404, 'not_found', `no route ${c.req.method} ${c.req.path}`, { hint: 'See /docs for the routes.' }));
  app.onError(onAppError(deps.logger));
  return app;
}

function jsonBodyLimit(maxSize: number): MiddlewareHandler<AppEnv> {
  const limit = bodyLimit({
    maxSize,
    onError: (c) => errorJson(c, 413, 'payload_too_large', `a JSON body may be at most ${maxSize} bytes`, {}, { Connection: 'close' }),
  });
  return (c, next) => (STREAMED_UPLOADS.has(c.req.path) ? next() : limit(c, next));
}
