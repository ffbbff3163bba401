/**
 * The catalog page: a grid of the tenant's hits with filters (category, sales) and text search, in pages,
 * and the catalog upload (app.js sends the files to POST /api/catalog/imports with progress, then this
 * page's import fragment follows the import until it is done and lists the rows with problems).
 * Everything read here goes through the service functions the API's catalog routes call.
 */
import type { Context, Hono } from 'hono';
import { html } from 'hono/html';
import { z } from 'zod';
import { listProducts, searchProducts, type CatalogProduct } from '../../service/catalog/catalog-queries.js';
import type { ImportStatus } from '../../service/catalog/catalog-imports.js';
import { signedIn } from '../guard.js';
import type { Translate } from '../i18n/index.js';
import type { WebDeps, WebEnv } from '../web-env.js';
import { page, problemTable, type Html } from './layout.js';
import { uploadForm } from './upload-form.js';

const PAGE_SIZE = 48;

const CatalogQuery = z.object({
  q: z.string().trim().max(500).optional().catch(undefined),
  category: z.string().max(200).optional().catch(undefined),
  minSales: z.coerce.number().nonnegative().optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(100_000).default(1).catch(1),
});

export function catalogRoutes(web: Hono<WebEnv>, deps: WebDeps): void {
  web.get('/catalog', signedIn(deps), async (c) => {
    const t = c.get('t');
    const tenant = c.get('tenant');
    const raw = c.req.query();
    const q = CatalogQuery.parse({ ...raw, category: raw.category || undefined, minSales: raw.minSales || undefined, q: raw.q || undefined });
    const filters = { category: q.category, minSales: q.minSales };
    const categories = [...new Set((await listProducts(tenant, { offset: 0, limit: 500 })).items.map((p) => p.category))].sort();
    let results: Html;
    let total: number;
    if (q.q) {
      const found = await searchProducts(tenant, q.q, { top: PAGE_SIZE, ...filters });
      total = found.results.length;
      results = grid(t, found.results.flatMap((r) => (r.product ? [{ product: r.product, ranks: r }] : [])));
    } else {
      const list = await listProducts(tenant, { ...filters, offset: (q.page - 1) * PAGE_SIZE, limit: PAGE_SIZE });
      total = list.total;
      results = html`${grid(t, list.items.map((product) => ({ product })))}${pager(c, t, q.page, Math.max(1, Math.ceil(list.total / PAGE_SIZE)))}`;
    }
    const empty = total === 0 && !q.q && q.category === undefined && q.minSales === undefined;
    return page(c, t('catalog.title'), 'catalog', html`<h1>${t('catalog.title')}</h1>
<form class="filters" method="get" action="/catalog" role="search" hx-get="/catalog" hx-target="#results" hx-select="#results" hx-swap="outerHTML" hx-push-url="true" hx-trigger="submit, input changed delay:400ms from:#q, change from:#category">
  <label>${t('catalog.search')} <input id="q" name="q" type="search" value="${q.q ?? ''}" placeholder="${t('catalog.searchPlaceholder')}"></label>
  <label>${t('catalog.category')} <select id="category" name="category"><option value="">${t('catalog.anyCategory')}</option>${categories.map((cat) => html`<option${cat === q.category ? html` selected` : ''}>${cat}</option>`)}</select></label>
  <label>${t('catalog.minSales')} <input name="minSales" type="number" min="0" step="1" inputmode="numeric" value="${q.minSales ?? ''}"></label>
  <button type="submit">${t('catalog.apply')}</button>
</form>
<section id="results" aria-live="polite"><p class="count">${t('catalog.total', { n: total })}</p>${empty ? html`<p>${t('catalog.empty')}</p>` : total === 0 ? html`<p>${t('catalog.noResults')}</p>` : results}</section>
<section aria-labelledby="upload-title" class="panel"><h2 id="upload-title">${t('upload.title')}</h2>
${uploadForm(t, { id: 'catalog-upload', api: '/api/catalog/imports', then: '/catalog/imports/', tableName: 'products.csv' })}
</section>`);
  });

  web.get('/catalog/imports/:importId', signedIn(deps), async (c) => c.html(importStatus(c.get('t'), await deps.imports.status(c.get('tenant'), c.req.param('importId')))));
}

type Ranks = { rank: number; denseRank: number | null; keywordRank: number | null };

function grid(t: Translate, items: Array<{ product: CatalogProduct; ranks?: Ranks }>): Html {
  return html`<ul class="cards">${items.map(({ product: p, ranks }) => html`<li class="card">
<img src="/thumbs/catalog/${encodeURIComponent(p.id)}" alt="${p.id} · ${p.category}" loading="lazy" width="160" height="160">
<div><strong>${p.id}</strong> <span class="tag">${p.category}</span></div>
<div class="muted">${t('catalog.sales', { n: p.salesCount })}${p.price !== null ? html` · ${p.price}` : ''}</div>
${ranks ? legRanks(t, ranks) : ''}
<p class="desc">${p.description}</p></li>`)}</ul>`;
}

/** A hit's fused rank and each leg's rank, as `hitline match` shows them. */
export function legRanks(t: Translate, r: Ranks): Html {
  return html`<div class="ranks"><span class="rank">${t('new.rank', { rank: r.rank })}</span> <span>${r.denseRank !== null ? t('new.denseRank', { rank: r.denseRank }) : html`<s>${t('new.legMissing')}</s>`}</span> · <span>${r.keywordRank !== null ? t('new.keywordRank', { rank: r.keywordRank }) : html`<s>${t('new.legMissing')}</s>`}</span></div>`;
}

function pager(c: Context<WebEnv>, t: Translate, current: number, pages: number): Html {
  if (pages <= 1) return html``;
  const at = (n: number) => {
    const u = new URL(c.req.url);
    u.searchParams.set('page', String(n));
    return `/catalog${u.search}`;
  };
  return html`<nav class="pager" aria-label="${t('catalog.page', { page: current, pages })}">
${current > 1 ? html`<a href="${at(current - 1)}" rel="prev">${t('catalog.prev')}</a>` : ''}
<span>${t('catalog.page', { page: current, pages })}</span>
${current < pages ? html`<a href="${at(current + 1)}" rel="next">${t('catalog.next')}</a>` : ''}</nav>`;
}

export function importStatus(t: Translate, s: ImportStatus): Html {
  const live = s.state === 'queued' || s.state === 'running';
  const label =
    s.state === 'queued' ? t('import.state.queued')
    : s.state === 'running' ? t('import.state.running', s.progress)
    : s.state === 'finished' ? t('import.state.finished', { added: s.report?.added ?? 0, updated: s.report?.updated ?? 0, unchanged: s.report?.unchanged ?? 0 })
    : t('import.state.failed', { message: s.error?.message ?? '' });
  return html`<div class="import" id="import-${s.id}" data-state="${s.state}"${live ? html` hx-get="/catalog/imports/${s.id}" hx-trigger="every 1s" hx-swap="outerHTML"` : ''}>
<p class="${s.state === 'failed' ? 'error' : ''}">${label}</p>
<progress max="${Math.max(1, s.progress.total)}" value="${s.progress.done}" aria-label="${label}"></progress>
${s.report ? problemTable(t, s.report.problems) : ''}
${s.state === 'finished' ? html`<p><a href="/catalog">${t('nav.catalog')}</a></p>` : ''}</div>`;
}
