/**
 * The server for API tests: a HitlineServer in a temporary workspace with the tenants asked for, called
 * through `app.request()` (no port) or, once `listen: true` is asked for and `transport` is set to
 * 'listening', over a real loopback port with fetch; its log is captured so tests can read it. Also the
 * forms a client sends (catalog and new products from the drawn demo catalog) and small waiting helpers.
 */
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { Writable } from 'node:stream';
import { expect } from 'vitest';
import type { DemoCatalog } from '../../src/demo/index.js';
import { jsonLineLogger } from '../../src/service/log.js';
import { TenantRegistry } from '../../src/service/tenants/tenant-registry.js';
import { openHitlineServer, type HitlineServer, type HitlineServerOptions } from '../../src/server/hitline-server.js';
import { listen } from '../../src/server/serve.js';

export type Transport = 'in-process' | 'listening';

export interface TestServer {
  hitline: HitlineServer;
  /** How `call` reaches the app; 'listening' needs `listen: true`. */
  transport: Transport;
  /** The listening server's address, with `listen: true`. */
  url?: string;
  workspace: string;
  /** API key of each tenant asked for. */
  keys: Record<string, string>;
  /** Every log line written so far. */
  log: string[];
  /** Calls the app as `key`'s tenant (no key: no Authorization header). */
  call(pathAndQuery: string, init?: RequestInit & { key?: string }): Promise<Response>;
  json<T = any>(pathAndQuery: string, init?: RequestInit & { key?: string }): Promise<{ status: number; body: T; headers: Headers }>;
  close(): Promise<void>;
}

export async function startTestServer(workspace: string, tenants: string[], options: Partial<HitlineServerOptions> & { listen?: boolean } = {}): Promise<TestServer> {
  const registry = new TenantRegistry(workspace);
  const keys: Record<string, string> = {};
  for (const id of tenants) keys[id] = (await registry.add(id)).key;
  const log: string[] = [];
  const sink = new Writable({ write(chunk, _e, done) { log.push(...chunk.toString().split('\n').filter(Boolean)); done(); } });
  const { listen: wantsPort, ...serverOptions } = options;
  const logger = jsonLineLogger(sink);
  // Tests make many quick calls with one key: the rate limit is raised unless a test sets it.
  const limits = { ratePerSecond: 1_000, rateBurst: 2_000, ...serverOptions.limits };
  const hitline = openHitlineServer({ workspace, allowLocalTenant: true, offline: true, logger, env: {}, ...serverOptions, limits });
  await hitline.start();
  const listening = wantsPort ? await listen(hitline, { host: '127.0.0.1', port: 0, graceMs: 5_000, logger, signals: [] }) : undefined;
  const ts: TestServer = {
    hitline, workspace, keys, log, transport: 'in-process', url: listening?.url,
    call(p, init = {}) {
      const { key, ...rest } = init;
      const headers = new Headers(rest.headers);
      if (key) headers.set('authorization', `Bearer ${key}`);
      if (ts.transport === 'listening') return fetch(`${listening!.url}${p}`, { ...rest, headers });
      return Promise.resolve(hitline.app.request(p, { ...rest, headers }));
    },
    async json(p, init) {
      const res = await ts.call(p, init);
      const text = await res.text();
      return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
    },
    close: () => (listening ? listening.shutdown('test done') : hitline.close(5_000)),
  };
  return ts;
}

export function jsonBody(body: unknown, extra: Record<string, string> = {}): RequestInit {
  return { method: 'POST', headers: { 'content-type': 'application/json', ...extra }, body: JSON.stringify(body) };
}

/** A multipart form with the CSV as "table" and each image under its image_path name. */
export async function uploadForm(csv: string, imagesDir: string, options: { csvText?: string; only?: string[] } = {}): Promise<FormData> {
  const form = new FormData();
  form.append('table', new Blob([options.csvText ?? (await readFile(csv))]), path.basename(csv));
  for (const name of (await readdir(imagesDir)).sort()) {
    if (options.only && !options.only.includes(name)) continue;
    form.append('images', new Blob([await readFile(path.join(imagesDir, name))]), name);
  }
  return form;
}

export const catalogForm = (demo: DemoCatalog) => uploadForm(demo.catalogCsv, demo.imagesDir);
export const newProductsForm = (demo: DemoCatalog) => uploadForm(demo.newCsv, demo.newImagesDir);

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 200_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Uploads the demo catalog as `key`'s tenant and waits for the import to finish. */
export async function importCatalog(ts: TestServer, demo: DemoCatalog, key?: string): Promise<any> {
  const started = await ts.json('/api/catalog/imports', { method: 'POST', body: await catalogForm(demo), key });
  expect(started.status).toBe(202);
  return waitFor('the import', async () => {
    const s = await ts.json(`/api/catalog/imports/${started.body.id}`, { key });
    return s.body.state === 'finished' || s.body.state === 'failed' ? s.body : undefined;
  });
}

/** Waits until the run's status is one of `statuses`; returns the status. */
export function waitForRun(ts: TestServer, runId: string, statuses: string[], key?: string, timeoutMs?: number): Promise<any> {
  return waitFor(`run ${runId} to be ${statuses.join(' or ')}`, async () => {
    const s = await ts.json(`/api/runs/${runId}`, { key });
    return statuses.includes(s.body.status) ? s.body : undefined;
  }, timeoutMs);
}

/** Reads a text/event-stream response to its end: the events with their ids. */
export async function readEvents(res: Response): Promise<Array<{ id: number; event: string; data: any }>> {
  const text = await res.text();
  return text.split('\n\n').filter((block) => block.includes('data:')).map((block) => {
    const field = (name: string) => block.split('\n').find((l) => l.startsWith(`${name}:`))?.slice(name.length + 1).trim();
    return { id: Number(field('id')), event: field('event')!, data: JSON.parse(field('data')!) };
  });
}
