/**
 * report.html: a self-contained side-by-side review page (every picture embedded as a thumbnail, each
 * linked to its full-size file in the run folder). Every string from the user's data is HTML-escaped.
 */
import path from 'node:path';
import pMap from 'p-map';
import type { CostLine, MatchQuery, ProductSummary, RunSummary, SummaryHit } from '../core/run-summary.js';
import { writeFileAtomic } from '../util/atomic-write.js';
import { thumbnailJpeg } from '../imaging/thumbnail.js';
import { ThumbnailCache, type ThumbnailKind } from './thumbnail-cache.js';

/** The report's embedded pictures: JPEG thumbnails that fit inside size×size. */
const reportThumbnail = (size: number): ThumbnailKind => ({ id: `report-jpeg@1 ${size}`, extension: 'jpg', make: (source) => thumbnailJpeg(source, size) });

export interface ReportOptions {
  /** Where thumbnails come from; pass one built on the workspace's cache folder so later runs reuse them (thumbnail-cache.ts). */
  thumbnails?: ThumbnailCache;
}

export function escapeHtml(text: unknown): string {
  return String(text ?? '').replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

async function safeThumb(thumbs: ThumbnailCache, file: string, size: number): Promise<string | undefined> {
  try {
    return `data:image/jpeg;base64,${(await thumbs.thumbnail(file, reportThumbnail(size))).toString('base64')}`;
  } catch {
    return undefined;
  }
}

function img(uri: string | undefined, alt: string, href?: string): string {
  if (!uri) return `<div class="missing">image unavailable</div>`;
  const tag = `<img src="${uri}" alt="${escapeHtml(alt)}">`;
  return href ? `<a href="${escapeHtml(href)}">${tag}</a>` : tag;
}

export function formatCost(c: CostLine): string {
  if (c.calls === 0) return 'no paid calls';
  const perImage = c.perImage === null ? '' : `, $${c.perImage.toFixed(4)} per image`;
  const unknown = c.callsWithoutCost ? ` (${c.callsWithoutCost} call(s) without a reported cost)` : '';
  return `$${c.usd.toFixed(4)} in ${c.calls} paid call(s)${perImage}${unknown}`;
}

const rankText = (r: number | null) => (r === null ? '–' : `#${r}`);

/** Which leg brought the hit: its rank in every fused leg ("dense #2 · keyword – · style #1"). */
function legRanks(h: SummaryHit): string {
  const ranks = h.ranks ?? { dense: h.denseRank, keyword: h.keywordRank };
  return Object.entries(ranks).map(([leg, r]) => `${escapeHtml(leg)} ${rankText(r)}`).join(' · ');
}

/** What the query became: the fusion and weights, the keyword weight and why, the expansion terms. */
function queryText(q: MatchQuery | undefined, keywords: string | undefined): string {
  if (!q) return keywords ? `<p class="query">keywords: ${escapeHtml(keywords)}</p>` : '';
  const kw = `keyword weight ${q.keywordWeight.toFixed(2)}${q.informativeness === null ? '' : ` (IDF mass ${q.informativeness.toFixed(1)})`}`;
  const expansion = q.expansion.length ? `; expansion: ${q.expansion.map((e) => `${escapeHtml(e.term)}×${e.votes}`).join(' ')}` : '';
  return `<p class="query">query: ${escapeHtml(q.keywords || '–')} · ${escapeHtml(q.fusion)}; ${kw}${expansion}</p>`;
}

async function productSection(runDir: string, p: ProductSummary, thumbs: ThumbnailCache): Promise<string> {
  const hits = await Promise.all(
    p.hits.map(async (h) => `
      <figure class="hit">${img(await safeThumb(thumbs, h.imagePath, 240), h.productId)}
        <figcaption><b>${escapeHtml(h.productId)}</b> · fused ${h.score.toFixed(4)}<br>
        ${legRanks(h)} · sold ${h.salesCount}</figcaption></figure>`),
  );
  const outputs = await Promise.all(
    p.outputs.map(async (o) => `
      <figure class="out">${img(await safeThumb(thumbs, path.join(runDir, o.file), 360), o.file, o.file)}
        <figcaption>${escapeHtml(o.file)} · ${o.width}×${o.height}${o.cached ? ' · from cache' : ''}
        ${o.warnings.map((w) => `<div class="warn">${escapeHtml(w)}</div>`).join('')}</figcaption></figure>`),
  );
  const b = p.brief;
  const brief = b
    ? `<dl class="brief">
        ${(['scene', 'background', 'lighting', 'colorTone', 'composition', 'pose', 'mood'] as const)
          .map((k) => `<dt>${k}</dt><dd>${escapeHtml(b[k])}</dd>`).join('')}
        <dt>palette</dt><dd>${b.palette.map((c) => `<span class="sw" style="background:${/^#[0-9a-f]{6}$/i.test(c) ? c : '#fff'}" title="${escapeHtml(c)}"></span>`).join('')}</dd>
        <dt>props</dt><dd>${escapeHtml(b.props.join(', ') || '–')}</dd>
        <dt>negatives</dt><dd>${escapeHtml(b.negatives.join('; '))}</dd>
        <dt>prompt</dt><dd class="prompt">${escapeHtml(b.prompt)}</dd></dl>`
    : '';
  return `
  <section class="product ${p.status}">
    <h2>${escapeHtml(p.newId)} <small>${escapeHtml(p.product.category)} · ${escapeHtml(p.product.style)} · ${escapeHtml(p.product.season)}</small>
      <span class="status">${p.status}</span></h2>
    ${p.error ? `<p class="error">${escapeHtml(p.error)}</p>` : ''}
    ${p.warnings.length ? `<details class="warnings" open><summary>${p.warnings.length} warning${p.warnings.length > 1 ? 's' : ''}</summary><ul>${p.warnings.map((w) => `<li class="warn">${escapeHtml(w)}</li>`).join('')}</ul></details>` : ''}
    <div class="row">
      <figure class="new">${img(await safeThumb(thumbs, p.imagePath, 300), p.newId)}<figcaption>new product<br>${escapeHtml(p.product.promptHint)}</figcaption></figure>
      <div class="hits"><h3>top hits</h3>${queryText(p.query, p.keywords)}${hits.join('') || '<p>none</p>'}</div>
      <div class="outs"><h3>generated</h3>${outputs.join('') || '<p>none</p>'}</div>
    </div>
    ${brief ? `<details open><summary>style brief</summary>${brief}</details>` : ''}
    <p class="timings">${Object.entries(p.timings).map(([k, v]) => `${escapeHtml(k)} ${v.toFixed(2)} s`).join(' · ')}
      · ${formatCost(p.cost)}</p>
  </section>`;
}

export async function renderRunReport(runDir: string, s: RunSummary, options: ReportOptions = {}): Promise<string> {
  const thumbs = options.thumbnails ?? new ThumbnailCache();
  // A few products at a time: on a re-run their pictures are read and hashed, and their thumbnails read back.
  const sections = await pMap(s.products, (p) => productSection(runDir, p, thumbs), { concurrency: 4 });
  const problems = s.inputProblems.length
    ? `<section class="problems"><h2>Rows that could not be used</h2><ul>${s.inputProblems
        .map((q) => `<li>${escapeHtml(q.file)}${q.row ? `, row ${q.row}` : ''}${q.column ? `, column ${escapeHtml(q.column)}` : ''}: ${escapeHtml(q.message)}</li>`)
        .join('')}</ul></section>`
    : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>hitline run ${escapeHtml(s.runId)}</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px;color:#222;background:#f6f6f4}
header{margin-bottom:16px} .totals span{margin-right:16px}
.product{background:#fff;border-radius:8px;padding:16px;margin:16px 0;box-shadow:0 1px 3px #0002}
.product.failed{border-left:6px solid #c33} .product.done{border-left:6px solid #3a3}
h2 small{color:#777;font-weight:normal} .status{float:right;font-size:12px;text-transform:uppercase;color:#555}
.row{display:flex;gap:16px;align-items:flex-start;flex-wrap:wrap}
figure{margin:0 8px 8px 0;display:inline-block;vertical-align:top;max-width:380px}
figure img{max-height:300px;max-width:100%;border:1px solid #ddd;background:#fafafa}
.hit img{max-height:200px} figcaption{font-size:12px;color:#444}
.hits,.outs{flex:1;min-width:260px} .query{font-size:12px;color:#555;margin:0 0 8px} h3{margin:0 0 8px;font-size:13px;color:#666;text-transform:uppercase}
.brief{display:grid;grid-template-columns:110px 1fr;gap:2px 12px;margin:8px 0} dt{color:#777} dd{margin:0}
.sw{display:inline-block;width:22px;height:22px;margin-right:4px;border:1px solid #ccc;vertical-align:middle}
.prompt{font-style:italic} .warn{color:#a60} .error{color:#c33;font-weight:bold} .timings{color:#888;font-size:12px}
.missing{width:160px;height:120px;background:#eee;color:#999;display:flex;align-items:center;justify-content:center}
</style></head><body>
<header><h1>hitline run ${escapeHtml(s.runId)}</h1>
<p class="totals"><span>${s.totals.products} product(s)</span><span>${s.totals.done} done</span><span>${s.totals.failed} failed</span>
<span>${s.totals.images} image(s)</span><span>${formatCost(s.totals.cost)}</span><span>${s.settings.aspectRatio} at ${s.settings.sizeTier}</span><span>${s.totals.seconds.toFixed(1)} s</span></p>
<p>embedder ${escapeHtml(s.adapters.embedder)} · store ${escapeHtml(s.adapters.store)} · analyzer ${escapeHtml(s.adapters.analyzer)} · generator ${escapeHtml(s.adapters.generator)}
· top ${s.settings.top}, ${s.settings.perLeg} per leg, RRF k ${s.settings.rrfK}, sales &gt; ${s.settings.minSales}</p></header>
${problems}
${sections.join('\n')}
</body></html>`;
}

export async function writeRunReport(runDir: string, summary: RunSummary, options: ReportOptions = {}): Promise<string> {
  const file = path.join(runDir, 'report.html');
  await writeFileAtomic(file, await renderRunReport(runDir, summary, options));
  return file;
}
