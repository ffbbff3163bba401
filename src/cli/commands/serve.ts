/** `hitline serve`: the HTTP API on a port, until SIGTERM or Ctrl-C. */
import type { LimitSpec } from '../../pipeline/batch/provider-limits.js';
import { jsonLineLogger } from '../../service/log.js';
import { queueUrlFrom } from '../../compose/queue/index.js';
import { openHitlineServer } from '../../server/hitline-server.js';
import { isLoopback, listen } from '../../server/serve.js';

export interface ServeFlags {
  workspace: string;
  host: string;
  port: number;
  maxRuns: number;
  rateLimit: number;
  graceSeconds: number;
  corsOrigin?: string;
  offline?: boolean;
  /** `--limit` values applied to every run. */
  limit: LimitSpec[];
  /** `--queue`: runs' products are made by `hitline worker` processes. */
  queue?: string;
}

export async function serveCommand(flags: ServeFlags, stdout: NodeJS.WritableStream, stderr: NodeJS.WritableStream): Promise<number> {
  const logger = jsonLineLogger(stderr);
  const hitline = openHitlineServer({
    workspace: flags.workspace, allowLocalTenant: isLoopback(flags.host), offline: flags.offline, logger, maxRuns: flags.maxRuns,
    limits: { ratePerSecond: flags.rateLimit, rateBurst: flags.rateLimit * 2 }, corsOrigin: flags.corsOrigin, runLimits: flags.limit, queueUrl: queueUrlFrom(flags.queue, process.env),
  });
  const taken = await hitline.start();
  const local = hitline.registry.tenantIds().length === 0;
  const server = await listen(hitline, { host: flags.host, port: flags.port, graceMs: flags.graceSeconds * 1000, logger });
  if (local) {
    stderr.write(
      '\n  !!! No tenant is configured: every request WITHOUT a key acts as the tenant "local" !!!\n' +
        `  !!! (data in ${flags.workspace}/tenants/local). Anyone who can reach ${server.url} can use it. !!!\n` +
        '  !!! Add tenants with `hitline tenants add <id>`; from then on every request needs a key. !!!\n\n',
    );
  }
  if (taken > 0) logger.log('info', 'took up unfinished work', { count: taken });
  stdout.write(`hitline serving on ${server.url}  (API under /api, OpenAPI at ${server.url}/openapi.json, docs at ${server.url}/docs)\n`);
  await server.closed;
  return 0;
}
