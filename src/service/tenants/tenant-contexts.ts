/**
 * Each tenant's data is a whole hitline workspace at `<root>/tenants/<id>/` (its own LanceDB folder, caches,
 * runs, cost ledger, config.json and presets.json): isolation by construction, with no tenant filter to
 * forget, and the CLI works on a tenant with `--workspace <root>/tenants/<id>`.
 *
 * This keeps, per tenant, the opened hitline context and the query adapters that match and search use (the
 * store handle and the embedder), opened on first use and closed when the tenant has been idle or when too
 * many are open. Offline embedders hold model weights and are shared by every tenant (their output does not
 * depend on the tenant); a paid embedder books its calls to the tenant's own ledger, so it is per tenant.
 */
import path from 'node:path';
import { adapterSettings, openHitlineContext, type HitlineContext } from '../../compose/context.js';
import { createEmbedder, openStore } from '../../compose/adapters.js';
import type { Embedder } from '../../ports/embedder.js';
import type { VectorStore } from '../../ports/vector-store.js';
import { EmbeddingCache } from '../../pipeline/embedding-cache.js';
import { openStoreForQueries } from '../../pipeline/match.js';
import { KeyedMutex } from '../keyed-mutex.js';
import { EmptyCatalogError } from '../errors.js';
import { checkTenantId } from './tenant-registry.js';

export interface QueryAdapters {
  store: VectorStore;
  embedder: Embedder;
  cache: EmbeddingCache;
}

export interface TenantContext {
  readonly id: string;
  readonly hitline: HitlineContext;
  /** Runs `fn` with the tenant's opened store and embedder (kept open between calls). */
  withQueries<T>(fn: (q: QueryAdapters) => Promise<T>): Promise<T>;
  /** Runs `fn` with the tenant's embedder; paid calls are booked under `runId` in its ledger. */
  withEmbedder<T>(runId: string, fn: (e: Embedder) => Promise<T>): Promise<T>;
}

export interface TenantContextsOptions {
  /** The server's workspace: tenants live under `<root>/tenants/`. */
  root: string;
  env?: NodeJS.ProcessEnv;
  offline?: boolean;
  /** Tenants with open query adapters at most (the least recently used idle one is closed first). */
  maxOpen?: number;
}

interface Entry {
  ctx: TenantContext;
  hitline: HitlineContext;
  queries?: Promise<QueryAdapters>;
  inUse: number;
  lastUsed: number;
}

export function tenantWorkspaceDir(root: string, tenantId: string): string {
  return path.join(path.resolve(root), 'tenants', checkTenantId(tenantId));
}

export class TenantContexts {
  private readonly entries = new Map<string, Entry>();
  private readonly opening = new KeyedMutex();
  private readonly sharedEmbedders = new Map<string, Embedder>();

  constructor(private readonly o: TenantContextsOptions) {}

  get root(): string {
    return path.resolve(this.o.root);
  }

  async get(tenantId: string): Promise<TenantContext> {
    const known = this.entries.get(tenantId);
    if (known) return known.ctx;
    return this.opening.run(tenantId, async () => {
      const again = this.entries.get(tenantId);
      if (again) return again.ctx;
      const hitline = await openHitlineContext({ workspace: tenantWorkspaceDir(this.o.root, tenantId), offline: this.o.offline }, this.o.env ?? process.env);
      const entry: Entry = { hitline, inUse: 0, lastUsed: Date.now(), ctx: undefined as unknown as TenantContext };
      entry.ctx = {
        id: tenantId, hitline,
        withQueries: (fn) => this.withQueries(entry, fn),
        withEmbedder: async (runId, fn) => {
          const embedder = this.embedderFor(createEmbedder(adapterSettings(hitline, runId)));
          try {
            return await fn(embedder);
          } finally {
            if (embedder.paid) await embedder.close?.();
          }
        },
      };
      this.entries.set(tenantId, entry);
      return entry.ctx;
    });
  }

  /** How many tenants have their store open now (for readiness and measurements). */
  openQueryHandles(): number {
    return [...this.entries.values()].filter((e) => e.queries).length;
  }

  private async withQueries<T>(entry: Entry, fn: (q: QueryAdapters) => Promise<T>): Promise<T> {
    entry.inUse += 1;
    entry.lastUsed = Date.now();
    try {
      if (!entry.queries) {
        entry.queries = this.openQueries(entry.hitline);
        entry.queries.catch(() => (entry.queries = undefined)); // an empty store is not an open one: try again next time
        await this.closeIdleBeyondLimit(entry);
      }
      return await fn(await entry.queries);
    } finally {
      entry.inUse -= 1;
      entry.lastUsed = Date.now();
    }
  }

  private async openQueries(hitline: HitlineContext): Promise<QueryAdapters> {
    const settings = adapterSettings(hitline, 'api-queries');
    const embedder = this.embedderFor(createEmbedder(settings));
    const store = await openStore(hitline.ws, settings);
    try {
      if (!(await store.recordedEmbedder())) throw new EmptyCatalogError();
      await openStoreForQueries(store, embedder);
    } catch (e) {
      await store.close();
      throw e;
    }
    return { store, embedder, cache: new EmbeddingCache(hitline.storage, embedder.id, embedder.dimension) };
  }

  private embedderFor(made: Embedder): Embedder {
    if (made.paid) return made;
    const shared = this.sharedEmbedders.get(made.id);
    if (shared) return shared;
    this.sharedEmbedders.set(made.id, made);
    return made;
  }

  private async closeIdleBeyondLimit(keep: Entry): Promise<void> {
    const open = [...this.entries.values()].filter((e) => e.queries && e !== keep);
    const excess = open.length + 1 - (this.o.maxOpen ?? 64);
    if (excess <= 0) return;
    const idle = open.filter((e) => e.inUse === 0).sort((a, b) => a.lastUsed - b.lastUsed).slice(0, excess);
    await Promise.all(idle.map((e) => this.closeQueries(e)));
  }

  private async closeQueries(entry: Entry): Promise<void> {
    const pending = entry.queries;
    entry.queries = undefined;
    const q = await pending?.catch(() => undefined);
    if (!q) return;
    await q.store.close();
    if (q.embedder.paid) await q.embedder.close?.();
  }

  async close(): Promise<void> {
    for (const entry of this.entries.values()) await this.closeQueries(entry);
    this.entries.clear();
    for (const e of this.sharedEmbedders.values()) await e.close?.();
    this.sharedEmbedders.clear();
  }
}
