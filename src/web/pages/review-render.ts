/**
 * The review grid's markup: one row per product (new photo, top hits, the brief collapsed, outputs per
 * preset) and one cell per output (thumbnail, check results with the reason of each failure, review state,
 * approve / reject with a reason / regenerate / compare). Cells and rows are also the fragments htmx swaps
 * in after an action, so a page and an action render them the same way.
 */
import type { Context } from 'hono';
import { html } from 'hono/html';
import type { RunOutput, RunProductView } from '../../service/outputs/run-outputs.js';
import type { Translate } from '../i18n/index.js';
import type { WebEnv } from '../web-env.js';
import { legRanks } from './catalog.js';
import { csrfField, type Html } from './layout.js';

export interface RowContext {
  runId: string;
  /** Presets in the order the run asked for them; "promo" comes last. */
  presetOrder: readonly string[];
  /** Outputs with a regeneration asked for and not done yet. */
  regenerating: ReadonlySet<string>;
}

const enc = encodeURIComponent;
const BRIEF_FIELDS = ['scene', 'background', 'lighting', 'mood', 'palette', 'prompt'] as const;

export function reviewRow(c: Context<WebEnv>, r: RowContext, p: RunProductView): Html {
  const t = c.get('t');
  const rank = (preset: string) => (r.presetOrder.includes(preset) ? r.presetOrder.indexOf(preset) : r.presetOrder.length);
  const outputs = [...p.outputs].sort((a, b) => rank(a.preset) - rank(b.preset) || a.variant - b.variant);
  const waiting = p.outputs.some((o) => r.regenerating.has(o.id));
  return html`<section class="review-row" id="row-${p.productId}" data-product="${p.productId}" aria-labelledby="title-${p.productId}"${waiting ? html` hx-get="/runs/${r.runId}/rows/${enc(p.productId)}" hx-trigger="every 2s" hx-swap="outerHTML"` : ''}>
<div class="subject">
  <h2 id="title-${p.productId}">${p.productId}</h2>
  <a href="/api/runs/${r.runId}/products/${enc(p.productId)}/photo"><img src="/thumbs/runs/${r.runId}/photos/${enc(p.productId)}" alt="${t('review.photo')} ${p.productId}" width="140" height="140" loading="lazy"></a>
  ${p.status === 'failed' ? html`<p class="error">${t('review.failedProduct', { error: p.error ?? '' })}</p>` : ''}
  <h3 class="small">${t('review.hits')}</h3>
  <ol class="mini-hits">${p.hits.slice(0, 3).map((h) => html`<li><img src="/thumbs/catalog/${enc(h.productId)}" alt="${h.productId}" width="56" height="56" loading="lazy"><span><strong>${h.productId}</strong>${legRanks(t, h)}</span></li>`)}</ol>
  ${p.brief ? html`<details class="brief"><summary>${t('review.brief')}</summary><dl>${BRIEF_FIELDS.map((f) => html`<dt>${t(`brief.${f}`)}</dt><dd>${f === 'palette' ? p.brief!.palette.join(', ') : p.brief![f]}</dd>`)}</dl></details>` : ''}
</div>
<div class="outputs" role="list" aria-label="${t('review.outputs')} ${p.productId}">${outputs.map((o) => outputCell(c, r, o))}</div>
${waiting ? html`<p class="hint">${t('review.regenerating')}</p>` : ''}
</section>`;
}

export function outputCell(c: Context<WebEnv>, r: RowContext, o: RunOutput): Html {
  const t = c.get('t');
  const base = `/runs/${r.runId}/outputs/${o.id}`;
  const failed = (o.checks ?? []).filter((x) => !x.passed);
  const checks =
    o.checks === null ? html`<p class="check unchecked">${t('review.unchecked')}</p>`
    : html`<p class="check ${failed.length ? 'fail' : 'pass'}">${failed.length ? `✗ ${t('review.checksFailed')}` : `✓ ${t('review.checksPassed')}`}</p>
${failed.length ? html`<ul class="reasons">${failed.map((x) => html`<li><strong>${x.check}</strong>: ${x.detail}</li>`)}</ul>` : ''}
<details class="all-checks"><summary>${t('review.allChecks', { n: o.checks.length })}</summary><ul>${o.checks.map((x) => html`<li class="${x.passed ? 'pass' : 'fail'}">${x.passed ? '✓' : '✗'} ${x.check}: ${x.detail}</li>`)}</ul></details>`;
  const state =
    o.review.state === 'approved' ? t('review.state.approved')
    : o.review.state === 'rejected' ? t('review.state.rejected', { reason: o.review.reason ?? '' })
    : t('review.state.pending');
  const swap = html`hx-target="#o-${o.id}" hx-swap="outerHTML"`;
  return html`<article class="output review-${o.review.state} checks-${o.checkStatus}" id="o-${o.id}" data-output="${o.id}" role="listitem" tabindex="0" aria-label="${o.preset} ${o.variant} · ${state}">
<a class="thumb" href="/runs/${r.runId}/compare/${o.id}" data-compare><img src="/thumbs/runs/${r.runId}/outputs/${o.id}" alt="${o.productId} ${o.preset} ${o.variant}" width="160" height="160" loading="lazy"></a>
<div class="meta"><strong>${o.preset}</strong> #${o.variant} <span class="muted">${o.width}×${o.height}</span>${o.regeneratedFrom ? html` <span class="tag">${t('review.regeneratedFrom')}</span>` : ''}</div>
${checks}
<p class="review-state">${state}</p>
<div class="actions">
<form method="post" action="${base}/approve" hx-post="${base}/approve" ${swap}>${csrfField(c)}<button type="submit" class="approve" data-key="a">${t('review.approve')}</button></form>
<form method="post" action="${base}/regenerate" hx-post="${base}/regenerate" hx-target="#row-${o.productId}" hx-swap="outerHTML">${csrfField(c)}<button type="submit" data-key="g"${r.regenerating.has(o.id) ? html` disabled` : ''}>${t('review.regenerate')}</button></form>
<form method="post" action="${base}/reject" hx-post="${base}/reject" ${swap} class="reject">${csrfField(c)}
<label class="sr-only" for="reason-${o.id}">${t('review.reason')}</label><input id="reason-${o.id}" name="reason" required maxlength="1000" placeholder="${t('review.reasonPlaceholder')}" data-key="x">
<button type="submit">${t('review.reject')}</button></form>
</div></article>`;
}
