/** The queue's state (`serve --queue`): jobs waiting, active and failed, workers connected; or that runs execute in this process. */
import { createRoute, z } from '@hono/zod-openapi';
import type { App, ServerDeps } from '../app-env.js';
import { json } from '../schemas/common.js';
import { send } from './respond.js';

const QueueState = z
  .object({
    mode: z.enum(['queue', 'in-process']).openapi({ description: '"queue": products are made by `hitline worker` processes; "in-process": by the server itself.' }),
    waiting: z.number().int().optional(),
    active: z.number().int().optional(),
    delayed: z.number().int().optional().openapi({ description: 'Jobs waiting to be retried after an error.' }),
    failed: z.number().int().optional(),
    completed: z.number().int().optional().openapi({ description: 'Jobs completed in the last day.' }),
    workers: z.number().int().optional(),
  })
  .openapi('QueueState');

export function queueRoutes(app: App, deps: ServerDeps): void {
  app.openapi(
    createRoute({
      method: 'get', path: '/api/queue', tags: ['runs'], summary: 'The queue of every run (counts only, no tenant data)',
      responses: { 200: json(QueueState, 'Queue depth, active jobs, failures and workers.') },
    }),
    async (c) => send(c, QueueState, deps.queueStatus ? { mode: 'queue', ...(await deps.queueStatus()) } : { mode: 'in-process' }),
  );
}
