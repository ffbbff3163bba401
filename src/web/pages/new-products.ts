/**
 * New products: the upload of new_products.csv with its photos (app.js sends it to POST /api/new-products,
 * then opens this upload's page), its rows with problems, each product's matches (the hits with each leg's
 * rank, through the service's matchOne, as `hitline match` and POST /api/match), and the run launch form.
 */
import type { Hono } from 'hono';
import { html } from 'hono/html';
import type { NewProduct } from '../../core/product.js';
import { matchOne } from '../../service/catalog/catalog-queries.js';
import { DEFAULT_MATCH_SETTINGS } from '../../pipeline/match.js';
import type { TenantContext } from '../../service/tenants/tenant-contexts.js';
import { signedIn } from '../guard.js';
import { newProductsOf } from '../upload-rows.js';
import type { Translate } from '../i18n/index.js';
import type { WebDeps, WebEnv } from '../web-env.js';
import { legRanks } from './catalog.js';
import { launchForm } from './launch.js';
import { page, problemTable, type Html } from './layout.js';
import { uploadForm } from './upload-form.js';

/** Products matched per page view (each match embeds the photo). */
const MATCHES_PER_VIEW = 12;

export function newProductRoutes(web: Hono<WebEnv>, deps: WebDeps): void {
  web.get('/new', signedIn(deps), (c) => {
    const t = c.get('t');
    return page(c, t('new.title'), 'new', html`<h1>${t('new.title')}</h1><p>${t('new.intro')}</p>
<section class="panel" aria-labelledby="upload-title"><h2 id="upload-title">${t('upload.newTitle')}</h2>
${uploadForm(t, { id: 'new-upload', api: '/api/new-products', then: '/new/', tableName: 'new_products.csv', navigate: true })}</section>`);
  });

  web.get('/new/:uploadId', signedIn(deps), async (c) => {
    const t = c.get('t');
    const tenant = c.get('tenant');
    const { upload, rows } = await newProductsOf(tenant, c.req.param('uploadId'));
    const shown = Math.min(rows.length, Math.max(MATCHES_PER_VIEW, Number(c.req.query('show')) || 0));
    const matched: Html[] = [];
    for (const row of rows.slice(0, shown)) matched.push(await matchCard(t, tenant, upload.id, row));
    return page(c, t('new.title'), 'new', html`<h1>${t('new.title')}</h1>
<p>${t('new.rows', { n: rows.length, file: upload.csvName })}</p>
${problemTable(t, upload.problems)}
<section aria-labelledby="matches-title"><h2 id="matches-title">${t('new.matches')}</h2>
<ul class="matches">${matched}</ul>
${shown < rows.length ? html`<p><a href="/new/${upload.id}?show=${shown + MATCHES_PER_VIEW}">${t('new.more')}</a></p>` : ''}</section>
${await launchForm(c, upload.id, deps.registry.settings(tenant.id)?.defaultPresets ?? [])}`);
  });
}

async function matchCard(t: Translate, tenant: TenantContext, uploadId: string, row: NewProduct): Promise<Html> {
  const { imagePath: _server, newId, ...fields } = row;
  const match = await matchOne(tenant, { imageFile: row.imagePath, product: { newId, ...fields }, settings: DEFAULT_MATCH_SETTINGS });
  return html`<li class="match" data-product="${newId}">
<figure><img src="/thumbs/uploads/${uploadId}/${encodeURIComponent(newId)}" alt="${newId}" width="120" height="120" loading="lazy"><figcaption><strong>${newId}</strong> <span class="tag">${row.category}</span></figcaption></figure>
<div><h3>${t('new.hits')}</h3>${match.hits.length === 0 ? html`<p>${t('new.noHits', { why: match.shortfall ?? '' })}</p>` : ''}
<ol class="hits">${match.hits.map((h) => html`<li><img src="/thumbs/catalog/${encodeURIComponent(h.productId)}" alt="${h.productId}" width="96" height="96" loading="lazy"><div><strong>${h.productId}</strong> <span class="muted">${t('catalog.sales', { n: h.product.salesCount })} · ${t('new.score', { score: h.score.toFixed(4) })}</span>${legRanks(t, h)}</div></li>`)}</ol>
${match.shortfall && match.hits.length > 0 ? html`<p class="hint">${match.shortfall}</p>` : ''}</div></li>`;
}
