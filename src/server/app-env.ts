/** What every route can reach: the service objects (ServerDeps) and, per request, who is calling (AppEnv). */
import type { OpenAPIHono } from '@hono/zod-openapi';
import type { CatalogImports } from '../service/catalog/catalog-imports.js';
import type { Logger } from '../service/log.js';
import type { RunExecutor } from '../service/runs/run-executor.js';
import type { TenantContext, TenantContexts } from '../service/tenants/tenant-contexts.js';
import type { Principal, TenantRegistry } from '../service/tenants/tenant-registry.js';
import type { UploadLimits } from '../service/uploads/uploads.js';
import type { WebSessions } from '../web/sessions.js';
import type { QueueStatus } from '../compose/queue/index.js';

export interface ServerLimits {
  /** Bytes of an upload request (catalog, new products). */
  uploadRequestBytes: number;
  /** Bytes of a match request (one photo and its fields). */
  matchRequestBytes: number;
  /** Bytes of a JSON request body. */
  jsonBytes: number;
  upload: UploadLimits;
  /** Requests per second per key (token bucket), and the burst allowed. */
  ratePerSecond: number;
  rateBurst: number;
}

export interface ServerDeps {
  registry: TenantRegistry;
  contexts: TenantContexts;
  executor: RunExecutor;
  imports: CatalogImports;
  logger: Logger;
  limits: ServerLimits;
  /** No tenant configured and a loopback address: requests without a key act as tenant "local". */
  localTenantAllowed: boolean;
  /** An Origin allowed to call the API from a browser; CORS is off when unset. */
  corsOrigin?: string;
  /** The web app's sign-in sessions; the API takes their cookie too (with the CSRF token on state changes). */
  sessions: WebSessions;
  /** Readiness: false while shutting down. */
  accepting: () => boolean;
  /** The queue's depth, when runs go through one (`serve --queue`). */
  queueStatus?: () => Promise<QueueStatus>;
}

export type AppEnv = { Variables: { principal: Principal; tenant: TenantContext; requestId: string } };
export type App = OpenAPIHono<AppEnv>;

export const LOCAL_TENANT = 'local';
/** Who a keyless request is while the local tenant is allowed. */
export const LOCAL_PRINCIPAL = { tenantId: LOCAL_TENANT, keyId: LOCAL_TENANT, keyPrefix: LOCAL_TENANT } as const;
