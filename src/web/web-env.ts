/** What the web app's pages can reach: the same service objects the API's routes use, and, per request, who is signed in. */
import type { CatalogImports } from '../service/catalog/catalog-imports.js';
import type { RunExecutor } from '../service/runs/run-executor.js';
import type { TenantContext, TenantContexts } from '../service/tenants/tenant-contexts.js';
import type { Principal, TenantRegistry } from '../service/tenants/tenant-registry.js';
import type { Lang, Translate } from './i18n/index.js';
import type { WebSession, WebSessions } from './sessions.js';

export interface WebDeps {
  registry: TenantRegistry;
  contexts: TenantContexts;
  executor: RunExecutor;
  imports: CatalogImports;
  sessions: WebSessions;
  /** Set when no tenant is configured on a loopback address: signing in needs no key. */
  localPrincipal?: Principal;
}

export type WebEnv = {
  Variables: {
    lang: Lang;
    t: Translate;
    /** Set on every page behind sign-in (guard.ts). */
    session: WebSession;
    tenant: TenantContext;
  };
};
