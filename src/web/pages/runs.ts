/**
 * Runs: the list, and one run's progress per product and stage (the service's runStatus, as GET
 * /api/runs/{id}). While the run is live, app.js listens to its events (GET /api/runs/{id}/events, the same
 * Server-Sent Events the API serves) and reloads the progress fragment as they come. Cancel and resume are
 * the API's own routes, called from the page (their rules live there, once).
 */
import type { Hono } from 'hono';
import { html } from 'hono/html';
import { listRuns, runStatus, type RunStatusView } from '../../service/runs/run-view.js';
import { signedIn } from '../guard.js';
import type { MessageKey, Translate } from '../i18n/index.js';
import type { WebDeps, WebEnv } from '../web-env.js';
import { page, usd, type Html } from './layout.js';

const LIVE = new Set(['queued', 'running', 'cancelling']);
const RESUMABLE = new Set(['stopped', 'cancelled', 'failed', 'interrupted']);

export const statusLabel = (t: Translate, status: string) => t(`status.${status}` as MessageKey);

export function runRoutes(web: Hono<WebEnv>, deps: WebDeps): void {
  web.get('/runs', signedIn(deps), async (c) => {
    const t = c.get('t');
    const runs = await listRuns(c.get('tenant'), deps.executor, { limit: 100 });
    return page(c, t('runs.title'), 'runs', html`<h1>${t('runs.title')}</h1>
${runs.length === 0 ? html`<p>${t('runs.none')} <a href="/new">${t('nav.new')}</a></p>` : html`<table class="runs"><thead><tr><th scope="col">${t('runs.created')}</th><th scope="col">${t('runs.status')}</th><th scope="col">${t('runs.products')}</th><th scope="col">${t('runs.spent')}</th><th scope="col"><span class="sr-only">${t('runs.open')}</span></th></tr></thead>
<tbody>${runs.map((r) => html`<tr><td><time datetime="${r.createdAt}">${r.createdAt.slice(0, 16).replace('T', ' ')}</time></td><td><span class="status status-${r.status}">${statusLabel(t, r.status)}</span></td><td>${r.totals.done}/${r.totals.products}</td><td>${usd(r.spentUsd)}</td>
<td><a href="/runs/${r.runId}">${r.runId}</a> · <a href="/runs/${r.runId}/review">${t('run.review')}</a></td></tr>`)}</tbody></table>`}`);
  });

  web.get('/runs/:runId', signedIn(deps), async (c) => {
    const t = c.get('t');
    const status = await runStatus(c.get('tenant'), deps.executor, c.req.param('runId'));
    return page(c, t('run.title', { id: status.runId }), 'runs', html`<h1>${t('run.title', { id: status.runId })}</h1>
<p class="actions"><a class="button" href="/runs/${status.runId}/review">${t('run.review')}</a> <a class="button" href="/runs/${status.runId}/export">${t('run.export')}</a></p>
${progress(t, status)}`);
  });

  web.get('/runs/:runId/progress', signedIn(deps), async (c) => c.html(progress(c.get('t'), await runStatus(c.get('tenant'), deps.executor, c.req.param('runId')))));
}

/** The progress block: totals, one row per product with its stages. Live runs carry the events URL for app.js. */
function progress(t: Translate, s: RunStatusView): Html {
  const live = LIVE.has(s.status);
  const stages = Object.keys(s.products[0]?.stages ?? { match: 1, analyze: 1, generate: 1 }) as Array<keyof RunStatusView['products'][number]['stages']>;
  return html`<section id="progress" aria-labelledby="progress-title" data-status="${s.status}"${live ? html` data-events="/api/runs/${s.runId}/events" data-refresh="/runs/${s.runId}/progress"` : ''}>
<h2 id="progress-title">${t('run.progress')} · <span class="status status-${s.status}">${statusLabel(t, s.status)}</span></h2>
${s.stop ? html`<p class="error">${s.stop.message}</p>` : ''}${s.failure ? html`<p class="error">${s.failure.message}</p>` : ''}
<p>${t('run.totals', s.totals)} · ${t('runs.spent')} ${usd(s.spentUsd)}${s.budgetUsd !== undefined ? html` / ${usd(s.budgetUsd)}` : ''}</p>
<progress max="${Math.max(1, s.totals.products)}" value="${s.totals.done + s.totals.failed}" aria-label="${t('run.progress')}"></progress>
${live ? html`<p class="hint">${t('run.live')}</p><button type="button" hx-post="/api/runs/${s.runId}/cancel" hx-swap="none" data-reload>${t('run.cancel')}</button>` : ''}
${RESUMABLE.has(s.status) ? html`<button type="button" hx-post="/api/runs/${s.runId}/resume" hx-swap="none" data-reload>${t('run.resume')}</button>` : ''}
<table class="progress"><thead><tr><th scope="col">${t('run.product')}</th><th scope="col">${t('run.state')}</th>${stages.map((st) => html`<th scope="col">${t(`stage.${st}` as MessageKey)}</th>`)}</tr></thead>
<tbody>${s.products.map((p) => html`<tr data-product="${p.productId}" data-state="${p.state}"><th scope="row">${p.productId}</th><td><span class="state state-${p.state}">${t(`stageState.${p.state}` as MessageKey)}</span>${p.error ? html` <span class="error">${p.error}</span>` : ''}</td>
${stages.map((st) => html`<td class="state state-${p.stages[st] ?? 'waiting'}">${t(`stageState.${p.stages[st] ?? 'waiting'}` as MessageKey)}</td>`)}</tr>`)}</tbody></table></section>`;
}
