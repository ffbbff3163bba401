/**
 * The review grid and its actions. The grid pages through a run's products (REVIEW_PAGE at a time;
 * thumbnails are lazy), all of them or only those that need review (pending outputs, failed checks
 * first). Approve, reject with a reason, regenerate and bulk approve call the service functions the API's
 * review routes call (review.ts), and answer with the re-rendered cell or row for htmx, or a redirect for
 * a plain form. The compare view shows the product photo beside the output at full size.
 */
import type { Context, Hono } from 'hono';
import { html } from 'hono/html';
import { z } from 'zod';
import { readReviews } from '../../service/outputs/review-log.js';
import { bulkApprove, requestRegeneration, reviewOutput } from '../../service/outputs/review.js';
import { findOutput, type RunProductView } from '../../service/outputs/run-outputs.js';
import { notFound } from '../../service/errors.js';
import { readRunRecord, runDirOf } from '../../service/runs/run-record.js';
import { runProducts } from '../../service/runs/run-view.js';
import type { TenantContext } from '../../service/tenants/tenant-contexts.js';
import { signedIn } from '../guard.js';
import type { WebDeps, WebEnv } from '../web-env.js';
import { csrfField, isHtmx, page } from './layout.js';
import { outputCell, reviewRow, type RowContext } from './review-render.js';

export const REVIEW_PAGE = 50;

const GridQuery = z.object({
  show: z.enum(['all', 'needs-review']).default('all').catch('all'),
  page: z.coerce.number().int().min(1).max(100_000).default(1).catch(1),
  approved: z.coerce.number().int().min(0).optional().catch(undefined),
});

/** Outputs whose regeneration was asked for and has neither arrived nor failed. */
export function pendingRegenerations(entries: Awaited<ReturnType<typeof readReviews>>): Set<string> {
  const open = new Map<string, number>();
  const bump = (id: string, by: number) => open.set(id, (open.get(id) ?? 0) + by);
  for (const e of entries) {
    if (e.action === 'regenerate') bump(e.outputId, 1);
    else if (e.action === 'regenerate-failed') bump(e.outputId, -1);
    else if (e.action === 'regenerated' && e.replaces) bump(e.replaces, -1);
  }
  return new Set([...open].filter(([, n]) => n > 0).map(([id]) => id));
}

/** What rendering a row or a cell needs besides the product: the run's preset order and the regenerations under way. */
async function rowContext(tenant: TenantContext, runId: string): Promise<RowContext> {
  const record = await readRunRecord(tenant.hitline.ws, runId);
  return { runId, presetOrder: [...record.request.presets, 'promo'], regenerating: pendingRegenerations(await readReviews(runDirOf(tenant.hitline.ws, runId))) };
}

async function loadRun(tenant: TenantContext, runId: string): Promise<{ ctx: RowContext; products: RunProductView[] }> {
  const [ctx, products] = await Promise.all([rowContext(tenant, runId), runProducts(tenant, runId)]);
  return { ctx, products };
}

/** Products with an output still to review; those with a failed check first. */
export function needsReview(products: readonly RunProductView[]): RunProductView[] {
  const pending = (p: RunProductView) => p.outputs.filter((o) => o.review.state === 'pending');
  const failing = (p: RunProductView) => pending(p).some((o) => o.checkStatus === 'failed-review');
  return products.filter((p) => pending(p).length > 0).sort((a, b) => Number(failing(b)) - Number(failing(a)));
}

export function reviewRoutes(web: Hono<WebEnv>, deps: WebDeps): void {
  const actor = (c: Context<WebEnv>) => c.get('session').principal.keyPrefix;
  const back = (c: Context<WebEnv>, runId: string, anchor: string) => c.redirect(`/runs/${runId}/review#${anchor}`, 303);

  web.get('/runs/:runId/review', signedIn(deps), async (c) => {
    const t = c.get('t');
    const runId = c.req.param('runId');
    const q = GridQuery.parse(c.req.query());
    const { ctx, products } = await loadRun(c.get('tenant'), runId);
    const shown = q.show === 'needs-review' ? needsReview(products) : products;
    const pages = Math.max(1, Math.ceil(shown.length / REVIEW_PAGE));
    const current = Math.min(q.page, pages);
    const slice = shown.slice((current - 1) * REVIEW_PAGE, current * REVIEW_PAGE);
    const link = (n: number) => `/runs/${runId}/review?show=${q.show}&page=${n}`;
    const pager = pages > 1 ? html`<nav class="pager" aria-label="${t('review.page', { from: (current - 1) * REVIEW_PAGE + 1, to: (current - 1) * REVIEW_PAGE + slice.length, total: shown.length })}">
${current > 1 ? html`<a href="${link(current - 1)}" rel="prev">${t('review.prev')}</a>` : ''}<span>${t('review.page', { from: (current - 1) * REVIEW_PAGE + 1, to: (current - 1) * REVIEW_PAGE + slice.length, total: shown.length })}</span>${current < pages ? html`<a href="${link(current + 1)}" rel="next">${t('review.next')}</a>` : ''}</nav>` : '';
    return page(c, t('review.title', { id: runId }), 'runs', html`<h1>${t('review.title', { id: runId })}</h1>
${q.approved !== undefined ? html`<p class="ok" role="status">${t('review.bulkDone', { n: q.approved })}</p>` : ''}
<div class="toolbar">
  <form method="get" action="/runs/${runId}/review" class="inline"><label>${t('review.filter')} <select name="show" data-autosubmit>
    <option value="all"${q.show === 'all' ? html` selected` : ''}>${t('review.filterAll')}</option>
    <option value="needs-review"${q.show === 'needs-review' ? html` selected` : ''}>${t('review.filterNeeds')}</option></select></label>
    <button type="submit">${t('catalog.apply')}</button></form>
  <form method="post" action="/runs/${runId}/bulk-approve" class="inline">${csrfField(c)}<button type="submit" class="primary" id="bulk-approve">${t('review.bulk')}</button></form>
  <a class="button" href="/runs/${runId}">${t('run.progress')}</a> <a class="button" href="/runs/${runId}/export">${t('run.export')}</a>
</div>
<p class="hint" id="shortcuts">${t('review.shortcuts')}</p>
${pager}
<div class="review-grid" data-review-grid aria-describedby="shortcuts">
${slice.length === 0 ? html`<p>${q.show === 'needs-review' ? t('review.noneNeeds') : t('review.none')}</p>` : slice.map((p) => reviewRow(c, ctx, p))}
</div>
${pager}`);
  });

  web.get('/runs/:runId/rows/:productId', signedIn(deps), async (c) => {
    const { ctx, products } = await loadRun(c.get('tenant'), c.req.param('runId'));
    const product = products.find((p) => p.productId === c.req.param('productId'));
    if (!product) throw notFound(`product ${c.req.param('productId')}`);
    return c.html(reviewRow(c, ctx, product));
  });

  const decide = (action: 'approve' | 'reject') =>
    web.post(`/runs/:runId/outputs/:outputId/${action}`, signedIn(deps), async (c) => {
      const runId = c.req.param('runId');
      const tenant = c.get('tenant');
      const reason = action === 'reject' ? String((await c.req.parseBody()).reason ?? '') : '';
      const output = await reviewOutput(tenant, deps.executor, runId, c.req.param('outputId'), action === 'approve' ? { action } : { action, reason }, actor(c));
      if (!isHtmx(c)) return back(c, runId, `o-${output.id}`);
      return c.html(outputCell(c, await rowContext(tenant, runId), output));
    });
  decide('approve');
  decide('reject');

  web.post('/runs/:runId/outputs/:outputId/regenerate', signedIn(deps), async (c) => {
    const runId = c.req.param('runId');
    const tenant = c.get('tenant');
    await requestRegeneration(tenant, deps.executor, runId, c.req.param('outputId'), false, actor(c));
    const { ctx, products } = await loadRun(tenant, runId);
    const { product } = findOutput(products, c.req.param('outputId'));
    return isHtmx(c) ? c.html(reviewRow(c, ctx, product)) : back(c, runId, `row-${product.productId}`);
  });

  web.post('/runs/:runId/bulk-approve', signedIn(deps), async (c) => {
    const runId = c.req.param('runId');
    await readRunRecord(c.get('tenant').hitline.ws, runId);
    const approved = await bulkApprove(c.get('tenant'), deps.executor, runId, actor(c));
    return c.redirect(`/runs/${runId}/review?approved=${approved.length}`, 303);
  });

  web.get('/runs/:runId/compare/:outputId', signedIn(deps), async (c) => {
    const t = c.get('t');
    const runId = c.req.param('runId');
    const { ctx, products } = await loadRun(c.get('tenant'), runId);
    const { product, output } = findOutput(products, c.req.param('outputId'));
    return page(c, t('compare.title', { product: product.productId, preset: output.preset }), 'runs', html`<h1>${t('compare.title', { product: product.productId, preset: output.preset })}</h1>
<p><a href="/runs/${runId}/review#o-${output.id}" data-back>${t('compare.back')}</a></p>
<div class="compare">
<figure><figcaption>${t('compare.photo')}</figcaption><img src="/api/runs/${runId}/products/${encodeURIComponent(product.productId)}/photo" alt="${t('compare.photo')} ${product.productId}"></figure>
<figure><figcaption>${t('compare.output', { width: output.width, height: output.height })}</figcaption><img src="/api/runs/${runId}/outputs/${output.id}/file" alt="${product.productId} ${output.preset} ${output.variant}"></figure>
</div>
<div class="review-grid" data-review-grid>${outputCell(c, ctx, output)}</div>`);
  });
}
