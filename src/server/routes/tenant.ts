/** The calling tenant: who it is, its webhook, its spend, the presets it can use. */
import { createRoute, z } from '@hono/zod-openapi';
import { presetsFileFor } from '../../compose/context.js';
import { loadPresets } from '../../presets/index.js';
import { newWebhookSecret } from '../../service/tenants/api-key.js';
import { publicSettings } from '../../service/tenants/tenant-registry.js';
import { tenantCosts } from '../../service/cost.js';
import { ConflictError } from '../../service/errors.js';
import { LOCAL_TENANT, type App, type ServerDeps } from '../app-env.js';
import { COMMON_ERRORS, json } from '../schemas/common.js';
import { TenantCost, TenantInfo, WebhookBody, WebhookCreated } from '../schemas/outputs.js';
import { send } from './respond.js';

const PresetInfo = z
  .object({
    id: z.string(), label: z.string(), width: z.number().int(), height: z.number().int(), aspect: z.string(), format: z.string(), maxFileBytes: z.number().int(),
    background: z.string(), minFill: z.number(), text: z.string(), source: z.string(), origin: z.string(),
  })
  .openapi('Preset');

export function tenantRoutes(app: App, deps: ServerDeps): void {
  const registered = (tenantId: string) => {
    if (tenantId === LOCAL_TENANT && !deps.registry.has(tenantId)) throw new ConflictError('the local tenant has no settings', { hint: 'Add tenants with `hitline tenants add <id>` to use webhooks and budgets.' });
  };

  app.openapi(
    createRoute({ method: 'get', path: '/api/tenant', tags: ['tenant'], summary: 'The tenant this key belongs to, and its settings', responses: { 200: json(TenantInfo, 'The tenant.'), ...COMMON_ERRORS } }),
    async (c) => {
      const p = c.get('principal');
      return send(c, TenantInfo, { id: p.tenantId, keyPrefix: p.keyPrefix, settings: publicSettings(deps.registry.settings(p.tenantId) ?? {}) });
    },
  );

  app.openapi(
    createRoute({
      method: 'put', path: '/api/tenant/webhook', tags: ['tenant'],
      summary: 'Set the webhook URL; answers a new signing secret, shown this once',
      description: 'Events: run.finished, run.stopped, product.failed. Deliveries are best effort (retried with the same hitline-event-id); polling the API stays the source of truth.',
      request: { body: { content: { 'application/json': { schema: WebhookBody } }, required: true } },
      responses: { 200: json(WebhookCreated, 'The webhook and its secret.'), 409: COMMON_ERRORS[400], ...COMMON_ERRORS },
    }),
    async (c) => {
      const tenantId = c.get('principal').tenantId;
      registered(tenantId);
      const secret = newWebhookSecret();
      const { url } = c.req.valid('json');
      await deps.registry.updateSettings(tenantId, (s) => ({ ...s, webhook: { url, secret } }));
      return send(c, WebhookCreated, { url, secret });
    },
  );

  app.openapi(
    createRoute({ method: 'delete', path: '/api/tenant/webhook', tags: ['tenant'], summary: 'Remove the webhook', responses: { 204: { description: 'Removed.' }, 409: COMMON_ERRORS[400], ...COMMON_ERRORS } }),
    async (c) => {
      const tenantId = c.get('principal').tenantId;
      registered(tenantId);
      await deps.registry.updateSettings(tenantId, ({ webhook: _removed, ...rest }) => rest);
      return c.body(null, 204);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/api/cost', tags: ['cost'], summary: 'The tenant\'s spend: this month, all time, per run', responses: { 200: json(TenantCost, 'Spend from the cost ledger.'), ...COMMON_ERRORS } }),
    async (c) => {
      const tenant = c.get('tenant');
      const monthlyBudgetUsd = deps.registry.settings(tenant.id)?.monthlyBudgetUsd;
      return send(c, TenantCost, { ...(await tenantCosts(tenant.hitline.ledger)), ...(monthlyBudgetUsd !== undefined ? { monthlyBudgetUsd } : {}) });
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/api/presets', tags: ['runs'], summary: 'The marketplace presets a run can make (with the tenant\'s presets.json applied)', responses: { 200: json(z.object({ presets: z.array(PresetInfo) }), 'The presets.'), ...COMMON_ERRORS } }),
    async (c) => send(c, z.object({ presets: z.array(PresetInfo) }), { presets: await loadPresets({ configFile: presetsFileFor(c.get('tenant').hitline.ws) }) }),
  );
}
