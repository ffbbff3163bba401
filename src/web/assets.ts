/**
 * The web app's static files, all served by hitline from its own package (nothing from a CDN, no build
 * step): htmx from node_modules (the `htmx.org` dependency), app.js and app.css from src/web/assets/.
 * Read once, kept in memory, sent with a one-hour cache.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import type { Hono } from 'hono';
import type { WebEnv } from './web-env.js';

const require = createRequire(import.meta.url);

const ASSETS: Record<string, { file: () => string; type: string }> = {
  'htmx.min.js': { file: () => require.resolve('htmx.org/dist/htmx.min.js'), type: 'text/javascript; charset=utf-8' },
  'app.js': { file: () => fileURLToPath(new URL('./assets/app.js', import.meta.url)), type: 'text/javascript; charset=utf-8' },
  'icon.svg': { file: () => fileURLToPath(new URL('./assets/icon.svg', import.meta.url)), type: 'image/svg+xml' },
  'app.css': { file: () => fileURLToPath(new URL('./assets/app.css', import.meta.url)), type: 'text/css; charset=utf-8' },
};

export function assetRoutes(web: Hono<WebEnv>): void {
  const loaded = new Map<string, Buffer>();
  web.get('/assets/:name', (c) => {
    const name = c.req.param('name');
    const asset = Object.hasOwn(ASSETS, name) ? ASSETS[name] : undefined;
    if (!asset) return c.notFound();
    let body = loaded.get(name);
    if (!body) {
      body = readFileSync(asset.file());
      loaded.set(name, body);
    }
    return c.body(new Uint8Array(body), 200, { 'Content-Type': asset.type, 'Cache-Control': 'public, max-age=3600' });
  });
}
