/**
 * A run's live events over Server-Sent Events. Each event carries its number in the run's event log as its
 * id, so a client that reconnects with Last-Event-ID (or ?after=N) first gets what it missed from the log,
 * then the live events; the stream ends after the run's final status, or once caught up for a run that is
 * not queued or running.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { streamSSE } from 'hono/streaming';
import { readRunEvents, type RunEvent } from '../../service/runs/run-events.js';
import { readRunRecord, runDirOf } from '../../service/runs/run-record.js';
import type { App, ServerDeps } from '../app-env.js';
import { COMMON_ERRORS } from '../schemas/common.js';

const FINAL = new Set(['stopped', 'cancelled', 'finished', 'failed']);
const HEARTBEAT_MS = 15_000;

export function runEventRoutes(app: App, deps: ServerDeps): void {
  const route = createRoute({
    method: 'get', path: '/api/runs/{runId}/events', tags: ['runs'],
    summary: 'Live events of a run (text/event-stream); reconnect with Last-Event-ID to resume',
    description: 'Event names are the event types: run-status, run-start, stage-start, stage-done, stage-retry, product-done, product-failed, product-pending, run-end, note, review, output-regenerated. Data is the event as JSON.',
    request: {
      params: z.object({ runId: z.string().openapi({ param: { name: 'runId', in: 'path' } }) }),
      query: z.object({ after: z.string().optional().openapi({ description: 'Send events after this id (as Last-Event-ID).' }) }),
    },
    responses: { 200: { content: { 'text/event-stream': { schema: z.string() } }, description: 'The event stream.' }, ...COMMON_ERRORS },
  });
  app.openAPIRegistry.registerPath(route);
  app.get('/api/runs/:runId/events', async (c) => {
    const tenant = c.get('tenant');
    const runId = c.req.param('runId');
    await readRunRecord(tenant.hitline.ws, runId);
    const after = Number(c.req.header('last-event-id') ?? c.req.query('after') ?? 0) || 0;
    return streamSSE(c, async (stream) => {
      const waiting: RunEvent[] = [];
      let wake: (() => void) | undefined;
      const unsubscribe = deps.executor.subscribe(tenant.id, runId, (e) => {
        waiting.push(e);
        wake?.();
      });
      stream.onAbort(() => wake?.());
      const heartbeat = setInterval(() => void stream.write(': keep-alive\n\n'), HEARTBEAT_MS);
      let lastSent = after;
      let ended = false;
      const sendEvent = async (e: RunEvent) => {
        if (e.id <= lastSent) return;
        lastSent = e.id;
        await stream.writeSSE({ id: String(e.id), event: e.type, data: JSON.stringify(e) });
        if (e.type === 'run-status' && FINAL.has(e.status)) ended = true;
      };
      try {
        for (const e of await readRunEvents(runDirOf(tenant.hitline.ws, runId), after)) await sendEvent(e);
        ended = false; // a final status replayed from an earlier session does not end a run that was resumed
        // A run the executor holds streams until its final status; any other ends once caught up.
        for (;;) {
          while (waiting.length > 0 && !stream.aborted) await sendEvent(waiting.shift()!);
          if (ended || stream.aborted || !deps.executor.live(tenant.id, runId)) break;
          await new Promise<void>((r) => (wake = r));
          wake = undefined;
        }
      } finally {
        clearInterval(heartbeat);
        unsubscribe();
      }
    });
  });
}
