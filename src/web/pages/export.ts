/**
 * Export: per marketplace preset, how many outputs are approved and a link to the API's export zip
 * (GET /api/runs/{id}/exports/{preset}: the approved images named by product and preset, with manifest.csv
 * and manifest.json). The browser downloads it with the session cookie; nothing is packed twice.
 */
import type { Hono } from 'hono';
import { html } from 'hono/html';
import { exportedOutputs } from '../../service/outputs/export-zip.js';
import { readRunRecord } from '../../service/runs/run-record.js';
import { runProducts } from '../../service/runs/run-view.js';
import { signedIn } from '../guard.js';
import type { WebDeps, WebEnv } from '../web-env.js';
import { page } from './layout.js';

export function exportRoutes(web: Hono<WebEnv>, deps: WebDeps): void {
  web.get('/runs/:runId/export', signedIn(deps), async (c) => {
    const t = c.get('t');
    const runId = c.req.param('runId');
    const record = await readRunRecord(c.get('tenant').hitline.ws, runId);
    const products = await runProducts(c.get('tenant'), runId);
    const rows = [...record.request.presets, 'promo'].map((preset) => {
      const approved = exportedOutputs(products, { preset, includeAll: false, layout: 'folders' }).length;
      const all = exportedOutputs(products, { preset, includeAll: true, layout: 'folders' }).length;
      return { preset, approved, all };
    });
    return page(c, t('export.title', { id: runId }), 'runs', html`<h1>${t('export.title', { id: runId })}</h1><p>${t('export.intro')}</p>
<table class="exports"><thead><tr><th scope="col">${t('export.preset')}</th><th scope="col">${t('export.approved')}</th><th scope="col"><span class="sr-only">${t('export.download')}</span></th></tr></thead>
<tbody>${rows.map((r) => html`<tr data-preset="${r.preset}"><th scope="row"><code>${r.preset}</code></th><td>${r.approved} / ${r.all}</td>
<td>${r.approved > 0 ? html`<a class="button primary" href="/api/runs/${runId}/exports/${r.preset}" download="${runId}-${r.preset}.zip">${t('export.download')}</a>` : html`<span class="muted">${t('export.nothing')}</span>`}
 <a href="/api/runs/${runId}/exports/${r.preset}?include=all" download="${runId}-${r.preset}-all.zip">${t('export.includeAll')}</a></td></tr>`)}</tbody></table>
<p><a href="/runs/${runId}/review">${t('run.review')}</a></p>`);
  });
}
