/**
 * `hitline tenants ...`: the tenants of a server workspace. A new or rotated key is printed once, as the
 * last line of stdout (so `KEY=$(hitline tenants add acme | tail -1)` works); only its sha256 is stored.
 */
import { UserInputError } from '../../core/errors.js';
import { newWebhookSecret } from '../../service/tenants/api-key.js';
import { TenantRegistry, type TenantSettings } from '../../service/tenants/tenant-registry.js';
import { tenantWorkspaceDir } from '../../service/tenants/tenant-contexts.js';

export interface TenantSettingFlags {
  monthlyBudget?: string;
  defaultPreset?: string[];
  webhookUrl?: string;
  webhook?: boolean;
}

export async function tenantsAdd(workspace: string, id: string, flags: TenantSettingFlags, stdout: NodeJS.WritableStream): Promise<number> {
  const registry = new TenantRegistry(workspace);
  const settings = applySettingFlags({}, flags);
  const { key } = await registry.add(id, settings.settings);
  stdout.write(`Tenant "${id}" added; its data lives in ${tenantWorkspaceDir(workspace, id)}.\n`);
  if (settings.secret) stdout.write(`Webhook signing secret (shown once): ${settings.secret}\n`);
  stdout.write(`API key (shown once, stored hashed; send it as Authorization: Bearer <key>):\n${key}\n`);
  return 0;
}

export async function tenantsList(workspace: string, json: boolean, stdout: NodeJS.WritableStream): Promise<number> {
  const tenants = new TenantRegistry(workspace).list();
  if (json) {
    stdout.write(JSON.stringify({ tenants }, null, 2) + '\n');
    return 0;
  }
  if (tenants.length === 0) stdout.write('No tenants. `hitline serve` on 127.0.0.1 runs one local tenant without a key; add tenants with `hitline tenants add <id>`.\n');
  for (const t of tenants) {
    const s = t.settings;
    const settings = [
      s.monthlyBudgetUsd !== undefined ? `budget $${s.monthlyBudgetUsd}/month` : 'no monthly budget',
      s.defaultPresets?.length ? `presets ${s.defaultPresets.join(', ')}` : undefined,
      s.webhook ? `webhook ${s.webhook.url}` : undefined,
    ].filter(Boolean);
    stdout.write(`${t.id}  (since ${t.created.slice(0, 10)}; ${settings.join('; ')})\n`);
    for (const k of t.keys) stdout.write(`  ${k.prefix}…  ${k.state}${k.until ? ` until ${k.until}` : ''}  created ${k.created.slice(0, 19)}Z\n`);
  }
  return 0;
}

export async function tenantsRotate(workspace: string, id: string, graceMinutes: number, stdout: NodeJS.WritableStream): Promise<number> {
  const { key, retired } = await new TenantRegistry(workspace).rotate(id, graceMinutes);
  const what = graceMinutes > 0 ? `keep working for ${graceMinutes} minute(s)` : 'are revoked now';
  stdout.write(`${retired.length ? `Old key(s) ${retired.map((p) => `${p}…`).join(', ')} ${what}.` : 'The tenant had no active key.'}\nNew API key (shown once):\n${key}\n`);
  return 0;
}

export async function tenantsRevoke(workspace: string, id: string, prefix: string, stdout: NodeJS.WritableStream): Promise<number> {
  await new TenantRegistry(workspace).revoke(id, prefix.replace(/…$/, ''));
  stdout.write(`Key ${prefix} of "${id}" is revoked; requests with it now get 401.\n`);
  return 0;
}

export async function tenantsSet(workspace: string, id: string, flags: TenantSettingFlags, stdout: NodeJS.WritableStream): Promise<number> {
  let secret: string | undefined;
  await new TenantRegistry(workspace).updateSettings(id, (current) => {
    const applied = applySettingFlags(current, flags);
    secret = applied.secret;
    return applied.settings;
  });
  stdout.write(`Settings of "${id}" updated.\n`);
  if (secret) stdout.write(`Webhook signing secret (shown once):\n${secret}\n`);
  return 0;
}

function applySettingFlags(current: TenantSettings, flags: TenantSettingFlags): { settings: TenantSettings; secret?: string } {
  const settings: TenantSettings = { ...current };
  if (flags.monthlyBudget !== undefined) {
    if (flags.monthlyBudget === 'none') delete settings.monthlyBudgetUsd;
    else {
      const usd = Number(flags.monthlyBudget);
      if (!Number.isFinite(usd) || usd < 0) throw new UserInputError(`--monthly-budget must be a number of US dollars >= 0 or "none", got "${flags.monthlyBudget}"`);
      settings.monthlyBudgetUsd = usd;
    }
  }
  if (flags.defaultPreset?.length) settings.defaultPresets = [...flags.defaultPreset];
  let secret: string | undefined;
  if (flags.webhook === false) delete settings.webhook;
  else if (flags.webhookUrl !== undefined) {
    secret = newWebhookSecret();
    settings.webhook = { url: flags.webhookUrl, secret };
  }
  return { settings, secret };
}
