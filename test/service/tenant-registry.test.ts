/** Tenants and keys: stored as hashes only, listed by prefix, rotated with or without grace, revoked by prefix. */
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { KEY_PATTERN, hashApiKey, newApiKey } from '../../src/service/tenants/api-key.js';
import { TenantRegistry } from '../../src/service/tenants/tenant-registry.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'hitline-tenants-'));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('API keys', () => {
  it('are hl_ and 32 base62 characters, different every time', () => {
    const keys = new Set(Array.from({ length: 200 }, newApiKey));
    expect(keys.size).toBe(200);
    for (const k of keys) expect(k).toMatch(KEY_PATTERN);
  });
});

describe('TenantRegistry', () => {
  it('stores only the sha256 of a key, shows its 12-character prefix, and knows the key again', async () => {
    const reg = new TenantRegistry(path.join(dir, 'a'));
    const { key } = await reg.add('acme', { monthlyBudgetUsd: 20 });
    const file = await readFile(reg.file, 'utf8');
    expect(file).not.toContain(key);
    expect(file).toContain(hashApiKey(key));
    expect(((await stat(reg.file)).mode & 0o777).toString(8)).toBe('600');
    expect(reg.list()).toEqual([{ id: 'acme', created: expect.any(String), keys: [{ id: expect.any(String), prefix: key.slice(0, 12), created: expect.any(String), state: 'active' }], settings: { monthlyBudgetUsd: 20 } }]);
    expect(reg.authenticate(key)).toMatchObject({ tenantId: 'acme', keyPrefix: key.slice(0, 12) });
    expect(reg.authenticate(key.slice(0, -1) + (key.endsWith('a') ? 'b' : 'a'))).toBeUndefined();
    expect(reg.authenticate('not a key')).toBeUndefined();
  });

  it('refuses bad and duplicate ids with a hint', async () => {
    const reg = new TenantRegistry(path.join(dir, 'b'));
    await expect(reg.add('Acme Corp')).rejects.toThrow(/"Acme Corp" is not a tenant id/);
    await expect(reg.add('../x')).rejects.toThrow(/not a tenant id/);
    await reg.add('acme');
    await expect(reg.add('acme')).rejects.toThrow(/already exists/);
    await expect(reg.updateSettings('acme', (s) => ({ ...s, webhook: { url: 'file:///etc/passwd', secret: 'whsec_0123456789abcdef' } }))).rejects.toThrow(/tenant setting webhook.url/);
  });

  it('rotates: the old key stops at once, or after the grace period', async () => {
    let now = new Date('2026-12-01T10:00:00Z');
    const reg = new TenantRegistry(path.join(dir, 'c'), () => now);
    const first = (await reg.add('acme')).key;
    const second = (await reg.rotate('acme')).key;
    expect(reg.authenticate(first)).toBeUndefined();
    expect(reg.authenticate(second)).toBeDefined();
    const third = (await reg.rotate('acme', 30)).key;
    expect(reg.authenticate(second)).toBeDefined();
    expect(reg.list()[0].keys.map((k) => k.state)).toEqual(['revoked', 'expiring', 'active']);
    now = new Date('2026-12-01T10:31:00Z');
    expect(reg.authenticate(second)).toBeUndefined();
    expect(reg.authenticate(third)).toBeDefined();
    await reg.revoke('acme', third.slice(0, 12));
    expect(reg.authenticate(third)).toBeUndefined();
    await expect(reg.revoke('acme', 'hl_nope')).rejects.toThrow(/has no key starting hl_nope/);
  });

  it('sees changes another process makes to the file (a key rotated from the CLI while serving)', async () => {
    const root = path.join(dir, 'd');
    const server = new TenantRegistry(root);
    const cli = new TenantRegistry(root);
    const { key } = await cli.add('acme');
    expect(server.authenticate(key)).toBeDefined();
    await cli.revoke('acme', key.slice(0, 12));
    expect(server.authenticate(key)).toBeUndefined();
  });

  it('loses no tenant when two writers add at once (the lock)', async () => {
    const root = path.join(dir, 'e');
    await Promise.all(['one', 'two', 'three', 'four'].map((id) => new TenantRegistry(root).add(id)));
    expect(new TenantRegistry(root).tenantIds().sort()).toEqual(['four', 'one', 'three', 'two']);
  });
});
