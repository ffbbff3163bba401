/**
 * Launching a run: presets (with their sizes and rules), model, size, variants and budget. The form's only
 * button asks for the estimate (the service's dry run: calls per stage and what they cost); the run can be
 * started only from the estimate, which carries the same values and an Idempotency-Key, so a double click
 * makes one run. Both go through the service functions POST /api/runs calls (planRunRequest, createRun).
 */
import { randomBytes } from 'node:crypto';
import type { Context, Hono } from 'hono';
import { html } from 'hono/html';
import { z } from 'zod';
import { presetsFileFor } from '../../compose/context.js';
import { SIZE_TIERS } from '../../core/output-sizes.js';
import { UserInputError } from '../../core/errors.js';
import { loadPresets } from '../../presets/index.js';
import { createRun, planRunRequest } from '../../service/runs/create-run.js';
import type { ApiRunRequest } from '../../service/runs/run-record.js';
import { signedIn } from '../guard.js';
import type { MessageKey } from '../i18n/index.js';
import type { WebDeps, WebEnv } from '../web-env.js';
import { csrfField, usd, type Html } from './layout.js';

const optionalNumber = (schema: z.ZodNumber) => z.preprocess((v) => (v === '' || v === undefined ? undefined : v), z.coerce.number().pipe(schema).optional());

/** The launch form as posted: the same limits as the API's RunBody. */
const LaunchForm = z.object({
  newProducts: z.string().max(64),
  presets: z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/)).max(20)),
  model: z.preprocess((v) => (v === '' ? undefined : v), z.string().regex(/^[a-z0-9-]+\/[a-z0-9._:-]+$/, 'must look like provider/model').optional()),
  size: z.enum(SIZE_TIERS).default('2K'),
  variants: z.coerce.number().int().min(1).max(8).default(1),
  budgetUsd: optionalNumber(z.number().min(0)),
  idempotencyKey: z.string().max(64).optional(),
});

async function formRequest(c: Context<WebEnv>): Promise<{ request: ApiRunRequest; idempotencyKey?: string }> {
  const body = await c.req.parseBody({ all: true });
  const parsed = LaunchForm.safeParse(body);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new UserInputError(`${issue.path.join('.')}: ${issue.message}`);
  }
  const { idempotencyKey, ...f } = parsed.data;
  const request: ApiRunRequest = {
    newProducts: f.newProducts, presets: f.presets, model: f.model, variants: f.variants, aspect: '3:4', size: f.size, references: 1, top: 3, minSales: 1500, staged: false,
    ...(f.budgetUsd !== undefined ? { budgetUsd: f.budgetUsd } : {}),
  };
  return { request, idempotencyKey };
}

/** The form, with the tenant's default presets ticked. */
export async function launchForm(c: Context<WebEnv>, uploadId: string, defaultPresets: readonly string[]): Promise<Html> {
  const t = c.get('t');
  const presets = await loadPresets({ configFile: presetsFileFor(c.get('tenant').hitline.ws) });
  const defaults = new Set(defaultPresets);
  return html`<section class="panel" aria-labelledby="launch-title"><h2 id="launch-title">${t('launch.title')}</h2>
<form id="launch" method="post" action="/runs/estimate" hx-post="/runs/estimate" hx-target="#plan" hx-swap="innerHTML" class="stack">
${csrfField(c)}<input type="hidden" name="newProducts" value="${uploadId}">
<fieldset><legend>${t('launch.presets')}</legend><p class="hint">${t('launch.noPresets')}</p>
<ul class="presets">${presets.map((p) => html`<li><label><input type="checkbox" name="presets" value="${p.id}"${defaults.has(p.id) ? html` checked` : ''}> <strong>${p.label}</strong> <code>${p.id}</code></label>
<div class="muted">${t('launch.presetRule', { width: p.width, height: p.height, format: p.format, background: p.background, text: p.text })}</div></li>`)}</ul></fieldset>
<div class="row">
<label>${t('launch.model')} <input name="model" type="text" spellcheck="false" placeholder="google/gemini-3.1-flash-image-preview"></label>
<label>${t('launch.size')} <select name="size">${SIZE_TIERS.map((s) => html`<option${s === '2K' ? html` selected` : ''}>${s}</option>`)}</select></label>
<label>${t('launch.variants')} <input name="variants" type="number" min="1" max="8" value="1" required></label>
<label>${t('launch.budget')} <input name="budgetUsd" type="number" min="0" step="0.01" inputmode="decimal"></label>
</div>
<div><button type="submit" class="primary">${t('launch.estimate')}</button></div>
</form>
<div id="plan" aria-live="polite"></div></section>`;
}

export function launchRoutes(web: Hono<WebEnv>, deps: WebDeps): void {
  const monthly = (tenantId: string) => deps.registry.settings(tenantId)?.monthlyBudgetUsd;

  web.post('/runs/estimate', signedIn(deps), async (c) => {
    const t = c.get('t');
    const tenant = c.get('tenant');
    const { request } = await formRequest(c);
    const plan = await planRunRequest({ tenant, actor: c.get('session').principal.keyPrefix, request, monthlyBudgetUsd: monthly(tenant.id) });
    const hidden = (name: string, value: string | number | undefined) => (value === undefined ? '' : html`<input type="hidden" name="${name}" value="${String(value)}">`);
    return c.html(html`<div class="plan"><h3>${t('plan.title')}</h3><p>${t('plan.products', { n: plan.products })}</p>
<table><thead><tr><th scope="col">${t('plan.stage')}</th><th scope="col">${t('plan.calls')}</th><th scope="col">${t('plan.reused')}</th><th scope="col">${t('plan.model')}</th><th scope="col">${t('plan.usd')}</th></tr></thead>
<tbody>${(Object.entries(plan.stages) as Array<[string, (typeof plan.stages)['embed']]>).map(([stage, s]) => html`<tr><td>${t(`planStage.${stage}` as MessageKey)}</td><td>${s.calls}</td><td>${s.reused}</td><td><code>${s.model}</code></td><td>${usd(s.estimatedUsd)}</td></tr>`)}</tbody></table>
<p class="total"><strong>${plan.estimatedUsd === 0 && plan.worstUsd === 0 ? t('plan.free') : t('plan.total', { usd: usd(plan.estimatedUsd), worst: usd(plan.worstUsd) })}</strong></p>
${plan.unknownPrices.length ? html`<p class="error">${t('plan.unknownPrices', { models: plan.unknownPrices.join(', ') })}</p>` : ''}
${plan.productsWithinBudget !== undefined ? html`<p>${t('plan.withinBudget', { n: plan.productsWithinBudget, total: plan.products })}</p>` : ''}
<form method="post" action="/runs">${csrfField(c)}${hidden('idempotencyKey', randomBytes(12).toString('hex'))}${hidden('newProducts', request.newProducts)}${request.presets.map((p) => hidden('presets', p))}
${hidden('model', request.model)}${hidden('size', request.size)}${hidden('variants', request.variants)}${hidden('budgetUsd', request.budgetUsd)}
<button type="submit" class="primary" id="start-run">${t('launch.start')}</button></form></div>`);
  });

  web.post('/runs', signedIn(deps), async (c) => {
    const tenant = c.get('tenant');
    const { request, idempotencyKey } = await formRequest(c);
    const outcome = await createRun(deps.executor, { tenant, actor: c.get('session').principal.keyPrefix, request, idempotencyKey, monthlyBudgetUsd: monthly(tenant.id) });
    return c.redirect(`/runs/${outcome.record.runId}`, 303);
  });
}
