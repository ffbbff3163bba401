/**
 * The server's parts, wired: the tenant registry and contexts, catalog imports, the run executor (the
 * embedded one), webhooks, and the HTTP app on top. `start` takes up what a stop or a crash left;
 * `close` stops taking work and lets runs in flight checkpoint. Tests use this without a port.
 */
import path from 'node:path';
import { HitlineError } from '../core/errors.js';
import type { LimitSpec } from '../pipeline/batch/provider-limits.js';
import { CatalogImports } from '../service/catalog/catalog-imports.js';
import { jsonLineLogger, type Logger } from '../service/log.js';
import { EmbeddedRunExecutor } from '../service/runs/embedded-executor.js';
import type { RunExecutor } from '../service/runs/run-executor.js';
import { TenantContexts, tenantWorkspaceDir } from '../service/tenants/tenant-contexts.js';
import { TenantRegistry } from '../service/tenants/tenant-registry.js';
import { DEFAULT_UPLOAD_LIMITS } from '../service/uploads/uploads.js';
import { WebhookSender } from '../service/webhooks/webhook-sender.js';
import { keyStillValidIn, WebSessions } from '../web/sessions.js';
import { buildApp } from './app.js';
import { connectQueue, type QueueConnection } from '../compose/queue/index.js';
import { LOCAL_PRINCIPAL, LOCAL_TENANT, type App, type ServerLimits } from './app-env.js';

export interface HitlineServerOptions {
  /** The server's workspace: tenants.json and tenants/<id>/. */
  workspace: string;
  /** Requests without a key act as the local tenant while no tenant is configured (loopback only). */
  allowLocalTenant: boolean;
  offline?: boolean;
  env?: NodeJS.ProcessEnv;
  logger?: Logger;
  /** Runs executing at once (default 1). */
  maxRuns?: number;
  limits?: Partial<ServerLimits>;
  corsOrigin?: string;
  /** `--limit` values for every run (provider and model caps). */
  runLimits?: readonly LimitSpec[];
  /** Retry waits for webhooks (tests shorten them). */
  webhookBackoffMs?: number[];
  /** A queue (Redis URL): runs' products are made by `hitline worker` processes. */
  queueUrl?: string;
}

const DEFAULT_SERVER_LIMITS: ServerLimits = {
  uploadRequestBytes: 2 * 1024 ** 3,
  matchRequestBytes: 40 * 1024 * 1024,
  jsonBytes: 1024 * 1024,
  upload: DEFAULT_UPLOAD_LIMITS,
  ratePerSecond: 20,
  rateBurst: 40,
};

export interface HitlineServer {
  app: App;
  executor: RunExecutor;
  registry: TenantRegistry;
  webhooks: WebhookSender;
  /** Takes up imports and runs a stop or a crash left unfinished; returns how many. */
  start(): Promise<number>;
  close(graceMs?: number): Promise<void>;
}

export function openHitlineServer(o: HitlineServerOptions): HitlineServer {
  const root = path.resolve(o.workspace);
  const logger = o.logger ?? jsonLineLogger();
  const registry = new TenantRegistry(root);
  const contexts = new TenantContexts({ root, env: o.env, offline: o.offline });
  const webhooks = new WebhookSender({
    target: (tenantId) => registry.settings(tenantId)?.webhook,
    logFile: (tenantId) => path.join(tenantWorkspaceDir(root, tenantId), 'webhooks.jsonl'),
    logger,
    backoffMs: o.webhookBackoffMs,
  });
  let queue: QueueConnection | undefined;
  const executor = new EmbeddedRunExecutor({
    contexts, logger, maxConcurrent: o.maxRuns ?? 1, limits: o.runLimits, queue: () => queue,
    monthlyBudget: (tenantId) => registry.settings(tenantId)?.monthlyBudgetUsd,
    onEvent: (tenantId, runId, e) => webhooks.onRunEvent(tenantId, runId, e),
  });
  const imports = new CatalogImports(logger);
  let accepting = true;
  const sessions = new WebSessions({ keyStillValid: keyStillValidIn(registry, o.allowLocalTenant ? LOCAL_PRINCIPAL : undefined) });
  const app = buildApp({
    registry, contexts, executor, imports, logger, sessions, limits: { ...DEFAULT_SERVER_LIMITS, ...o.limits },
    localTenantAllowed: o.allowLocalTenant, corsOrigin: o.corsOrigin, accepting: () => accepting,
    queueStatus: o.queueUrl ? () => (queue ? queue.status() : Promise.reject(new HitlineError('the queue is not connected yet', { retryable: true }))) : undefined,
  });
  const tenantIds = () => {
    const ids = registry.tenantIds();
    return ids.length === 0 && o.allowLocalTenant ? [LOCAL_TENANT] : ids;
  };
  return {
    app, executor, registry, webhooks,
    async start() {
      if (!o.allowLocalTenant && registry.tenantIds().length === 0) {
        throw new HitlineError('no tenant is configured, and without one the server only runs on a loopback address', {
          hint: 'Add one with `hitline tenants add <id>` (same --workspace), or serve on 127.0.0.1 for one local tenant without a key.',
        });
      }
      if (o.queueUrl) queue = await connectQueue(o.queueUrl, (message) => logger.log('warn', message));
      let taken = 0;
      for (const id of tenantIds()) taken += await imports.recover(await contexts.get(id));
      return taken + (await executor.recover(tenantIds()));
    },
    async close(graceMs = 30_000) {
      accepting = false;
      await executor.close(graceMs);
      await queue?.close();
      await imports.idle();
      webhooks.close();
      await contexts.close();
    },
  };
}
