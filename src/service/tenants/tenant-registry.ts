/**
 * The tenants of a hitline server: `<root>/tenants.json`, one record per tenant with its keys (sha256 only,
 * see api-key.ts) and settings. Written atomically under a lock file, so `hitline tenants ...` can change it
 * while `hitline serve` runs; the server rereads it when the file changes (one stat per request), so a
 * rotated or revoked key takes effect on the next request.
 */
import { readFileSync, statSync } from 'node:fs';
import { chmod, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import { HitlineError, UserInputError } from '../../core/errors.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import { acquireWorkspaceLock } from '../../util/workspace-lock.js';
import { KEY_PATTERN, hashApiKey, newApiKey, sameHash, shownPrefix } from './api-key.js';

const TENANT_ID_PATTERN = /^[a-z0-9](?:[a-z0-9-]{0,38}[a-z0-9])?$/;
const REGISTRY_FILE = 'tenants.json';

const KeyRecord = z.object({
  id: z.string(),
  prefix: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  created: z.string(),
  /** Set when revoked; the key no longer works from this time. */
  revoked: z.string().optional(),
  /** A rotated key kept for a grace period works until this time. */
  expires: z.string().optional(),
});

const WebhookSettings = z.object({ url: z.url({ protocol: /^https?$/ }), secret: z.string().min(16) });

export const TenantSettings = z.object({
  /** Spend allowed per calendar month (UTC), USD; no limit when absent. */
  monthlyBudgetUsd: z.number().nonnegative().optional(),
  /** Presets used when a run names none. */
  defaultPresets: z.array(z.string()).optional(),
  webhook: WebhookSettings.optional(),
});
export type TenantSettings = z.infer<typeof TenantSettings>;

const TenantRecord = z.object({ id: z.string().regex(TENANT_ID_PATTERN), created: z.string(), keys: z.array(KeyRecord), settings: TenantSettings });
const RegistryFile = z.object({ version: z.literal(1), tenants: z.array(TenantRecord) });
type TenantRecord = z.infer<typeof TenantRecord>;
type RegistryFile = z.infer<typeof RegistryFile>;

/** Who a request is: the tenant and which of its keys (the key's shown prefix names the actor in logs). */
export interface Principal {
  tenantId: string;
  keyId: string;
  keyPrefix: string;
}

export interface TenantListing {
  id: string;
  created: string;
  keys: Array<{ id: string; prefix: string; created: string; state: 'active' | 'revoked' | 'expiring' | 'expired'; until?: string }>;
  settings: Omit<TenantSettings, 'webhook'> & { webhook?: { url: string } };
}

export class TenantRegistry {
  private cache: { ino: number; mtimeMs: number; size: number; data: RegistryFile; byHash: Map<string, { tenant: TenantRecord; key: z.infer<typeof KeyRecord> }> } | undefined;

  constructor(readonly root: string, private readonly now: () => Date = () => new Date()) {}

  get file(): string {
    return path.join(this.root, REGISTRY_FILE);
  }

  /** The registry as on disk now (reread only when the file changed). */
  private read(): NonNullable<TenantRegistry['cache']> {
    let st;
    try {
      st = statSync(this.file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      this.cache = { ino: 0, mtimeMs: 0, size: 0, data: { version: 1, tenants: [] }, byHash: new Map() };
      return this.cache;
    }
    // Every write is a rename of a new file (a new inode), so a change is seen even within one mtime tick.
    if (this.cache && this.cache.ino === st.ino && this.cache.mtimeMs === st.mtimeMs && this.cache.size === st.size) return this.cache;
    const parsed = RegistryFile.safeParse(JSON.parse(readFileSync(this.file, 'utf8')));
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new HitlineError(`${this.file} is not a valid tenant registry: ${issue.path.join('.')}: ${issue.message}`, {
        hint: 'Restore it from a backup, or fix the field named; `hitline tenants list` reads the same file.',
      });
    }
    const byHash = new Map<string, { tenant: TenantRecord; key: z.infer<typeof KeyRecord> }>();
    for (const tenant of parsed.data.tenants) for (const key of tenant.keys) byHash.set(key.sha256, { tenant, key });
    this.cache = { ino: st.ino, mtimeMs: st.mtimeMs, size: st.size, data: parsed.data, byHash };
    return this.cache;
  }

  tenantIds(): string[] {
    return this.read().data.tenants.map((t) => t.id);
  }

  has(id: string): boolean {
    return this.read().data.tenants.some((t) => t.id === id);
  }

  settings(id: string): TenantSettings | undefined {
    return this.read().data.tenants.find((t) => t.id === id)?.settings;
  }

  /** The principal a presented key belongs to, or undefined (unknown, revoked or expired: all look the same). */
  authenticate(presented: string): Principal | undefined {
    if (!KEY_PATTERN.test(presented)) return undefined;
    const hash = hashApiKey(presented);
    const found = this.read().byHash.get(hash);
    if (!found || !sameHash(found.key.sha256, hash)) return undefined;
    const now = this.now().getTime();
    if (found.key.revoked && Date.parse(found.key.revoked) <= now) return undefined;
    if (found.key.expires && Date.parse(found.key.expires) <= now) return undefined;
    return { tenantId: found.tenant.id, keyId: found.key.id, keyPrefix: found.key.prefix };
  }

  list(): TenantListing[] {
    const now = this.now().getTime();
    return this.read().data.tenants.map((t) => ({
      id: t.id,
      created: t.created,
      keys: t.keys.map((k) => {
        const state = k.revoked && Date.parse(k.revoked) <= now ? 'revoked' : k.expires ? (Date.parse(k.expires) <= now ? 'expired' : 'expiring') : 'active';
        return { id: k.id, prefix: k.prefix, created: k.created, state, ...(k.expires ? { until: k.expires } : {}) } as TenantListing['keys'][number];
      }),
      settings: publicSettings(t.settings),
    }));
  }

  /** Adds a tenant; returns its first key (the only time it is shown). */
  async add(id: string, settings: TenantSettings = {}): Promise<{ key: string }> {
    checkTenantId(id);
    return this.update((data) => {
      if (data.tenants.some((t) => t.id === id)) throw new UserInputError(`tenant "${id}" already exists`, { hint: 'Use `hitline tenants rotate <id>` for a new key.' });
      const { key, record } = this.makeKey();
      data.tenants.push({ id, created: this.now().toISOString(), keys: [record], settings: checkSettings(settings) });
      return { key };
    });
  }

  /** A new key for the tenant; the active old ones are revoked now, or keep working for `graceMinutes`. */
  async rotate(id: string, graceMinutes = 0): Promise<{ key: string; retired: string[] }> {
    return this.update((data) => {
      const tenant = requireTenant(data, id);
      const now = this.now();
      const retired: string[] = [];
      for (const k of tenant.keys) {
        if (k.revoked || (k.expires && Date.parse(k.expires) <= now.getTime())) continue;
        if (graceMinutes > 0) k.expires = new Date(now.getTime() + graceMinutes * 60_000).toISOString();
        else k.revoked = now.toISOString();
        retired.push(k.prefix);
      }
      const { key, record } = this.makeKey();
      tenant.keys.push(record);
      return { key, retired };
    });
  }

  /** Revokes the tenant's key with this shown prefix (as `tenants list` prints it). */
  async revoke(id: string, prefix: string): Promise<void> {
    await this.update((data) => {
      const tenant = requireTenant(data, id);
      const key = tenant.keys.find((k) => k.prefix === prefix);
      if (!key) throw new UserInputError(`tenant "${id}" has no key starting ${prefix}`, { hint: '`hitline tenants list` shows each key\'s prefix.' });
      key.revoked ??= this.now().toISOString();
    });
  }

  async updateSettings(id: string, change: (settings: TenantSettings) => TenantSettings): Promise<TenantSettings> {
    return this.update((data) => {
      const tenant = requireTenant(data, id);
      tenant.settings = checkSettings(change(structuredClone(tenant.settings)));
      return tenant.settings;
    });
  }

  private makeKey() {
    const key = newApiKey();
    const record = { id: `key_${hashApiKey(key).slice(0, 10)}`, prefix: shownPrefix(key), sha256: hashApiKey(key), created: this.now().toISOString() };
    return { key, record };
  }

  /** Read, change and write the file under the registry lock, so two CLI commands never lose each other's change. */
  private async update<T>(change: (data: RegistryFile) => T): Promise<T> {
    await mkdir(this.root, { recursive: true });
    const lock = await acquireWorkspaceLock(path.join(this.root, 'tenants.lock'), { target: this.file });
    try {
      this.cache = undefined;
      const data = structuredClone(this.read().data);
      const result = change(data);
      await writeFileAtomic(this.file, JSON.stringify(data, null, 2) + '\n');
      await chmod(this.file, 0o600); // it holds webhook secrets
      this.cache = undefined;
      return result;
    } finally {
      await lock.release();
    }
  }
}

export function checkTenantId(id: string): string {
  if (!TENANT_ID_PATTERN.test(id)) {
    throw new UserInputError(`"${id}" is not a tenant id`, { hint: 'Use 1 to 40 lowercase letters, digits and dashes, not starting or ending with a dash (e.g. acme or shop-42).' });
  }
  return id;
}

function checkSettings(settings: unknown): TenantSettings {
  const parsed = TenantSettings.safeParse(settings);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  throw new UserInputError(`tenant setting ${issue.path.join('.')}: ${issue.message}`, { hint: 'A webhook URL is http(s)://host/path; a budget is a number of US dollars >= 0.' });
}

function requireTenant(data: RegistryFile, id: string): TenantRecord {
  const tenant = data.tenants.find((t) => t.id === id);
  if (!tenant) throw new UserInputError(`there is no tenant "${id}"`, { hint: '`hitline tenants list` shows the tenants.' });
  return tenant;
}

/** Settings as they may be shown: the webhook secret never leaves the registry. */
export function publicSettings(s: TenantSettings): TenantListing['settings'] {
  const { webhook, ...rest } = s;
  return { ...rest, ...(webhook ? { webhook: { url: webhook.url } } : {}) };
}
