/** Liveness (/healthz: the process answers) and readiness (/readyz: accepting work, workspace writable, tenant registry readable). */
import { randomBytes } from 'node:crypto';
import { rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createRoute, z } from '@hono/zod-openapi';
import type { App, ServerDeps } from '../app-env.js';
import { json } from '../schemas/common.js';
import { send } from './respond.js';

const Health = z.object({ status: z.literal('ok') });
const Readiness = z.object({ ready: z.boolean(), checks: z.array(z.object({ name: z.string(), ok: z.boolean(), detail: z.string().optional() })) }).openapi('Readiness');

export function healthRoutes(app: App, deps: ServerDeps): void {
  app.openapi(
    createRoute({ method: 'get', path: '/healthz', tags: ['health'], summary: 'Liveness', responses: { 200: json(Health, 'The process answers.') } }),
    (c) => send(c, Health, { status: 'ok' }),
  );

  app.openapi(
    createRoute({
      method: 'get', path: '/readyz', tags: ['health'], summary: 'Readiness: accepting work, workspace writable, tenant registry readable',
      responses: { 200: json(Readiness, 'Ready.'), 503: json(Readiness, 'Not ready (shutting down, or a check failed).') },
    }),
    async (c) => {
      const checks = [{ name: 'accepting', ok: deps.accepting(), ...(deps.accepting() ? {} : { detail: 'shutting down' }) }, await writable(deps.contexts.root), registryReadable(deps)];
      const ready = checks.every((x) => x.ok);
      return send(c, Readiness, { ready, checks }, ready ? 200 : 503);
    },
  );
}

async function writable(root: string) {
  const probe = path.join(root, `.ready-${randomBytes(4).toString('hex')}`);
  try {
    await writeFile(probe, '');
    await rm(probe);
    return { name: 'workspace-writable', ok: true };
  } catch (e) {
    return { name: 'workspace-writable', ok: false, detail: (e as NodeJS.ErrnoException).code ?? 'cannot write' };
  }
}

function registryReadable(deps: ServerDeps) {
  try {
    return { name: 'tenant-registry', ok: true, detail: `${deps.registry.tenantIds().length} tenant(s)` };
  } catch (e) {
    return { name: 'tenant-registry', ok: false, detail: (e as Error).message };
  }
}
