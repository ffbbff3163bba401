/**
 * The page shell every page shares: head (stylesheet, htmx and app.js, all served by hitline itself), the
 * header with navigation, language switch and sign-out, a live region for messages, then the page body.
 * Every value goes through hono/html's `html` template, which escapes it; `raw` is used only for markup
 * built here. The CSRF token rides on <body hx-headers> (htmx sends it) and in a meta tag (app.js).
 */
import type { Context } from 'hono';
import { html } from 'hono/html';
import type { HtmlEscapedString } from 'hono/utils/html';
import type { Translate } from '../i18n/index.js';
import type { WebEnv } from '../web-env.js';

export type Html = HtmlEscapedString | Promise<HtmlEscapedString>;
export type Section = 'catalog' | 'new' | 'runs' | 'none';

/**
 * htmx settings: no eval, no inline indicator styles (the CSP forbids both), no page snapshots in
 * localStorage, no style attributes carried across a swap; error answers are swapped too (guard.ts points them at the #flash live region).
 */
const HTMX_CONFIG = JSON.stringify({
  includeIndicatorStyles: false, attributesToSettle: ['class', 'width', 'height'], allowEval: false, allowScriptTags: false, historyCacheSize: 0, refreshOnHistoryMiss: true, selfRequestsOnly: true,
  responseHandling: [{ code: '204', swap: false }, { code: '[23]..', swap: true }, { code: '[45]..', swap: true, error: true }],
});

export function isHtmx(c: Context): boolean {
  return c.req.header('hx-request') === 'true';
}

export function page(c: Context<WebEnv>, title: string, section: Section, body: Html, status: 200 | 400 | 403 | 404 | 409 | 500 = 200) {
  const t = c.get('t');
  const session = c.get('session') as WebEnv['Variables']['session'] | undefined;
  const here = c.req.path + (new URL(c.req.url).search || '');
  return c.html(
    html`<!doctype html>
<html lang="${c.get('lang') === 'zh' ? 'zh-CN' : 'en'}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title} · hitline</title>
<meta name="htmx-config" content="${HTMX_CONFIG}">
${session ? html`<meta name="csrf-token" content="${session.csrf}">` : ''}
<link rel="icon" href="/assets/icon.svg" type="image/svg+xml"><link rel="stylesheet" href="/assets/app.css">
<script src="/assets/htmx.min.js" defer></script><script src="/assets/app.js" defer></script>
</head>
<body${session ? html` hx-headers="${JSON.stringify({ 'X-CSRF-Token': session.csrf })}"` : ''}>
<a class="skip" href="#main">${t('app.skip')}</a>
<header class="top">
  <a class="brand" href="/">hitline</a>
  ${session ? nav(t, section) : ''}
  <div class="top-right">
    <span class="lang" aria-label="${t('nav.language')}">
      <a href="/lang/en?back=${encodeURIComponent(here)}" lang="en"${c.get('lang') === 'en' ? html` aria-current="true"` : ''}>English</a>
      <a href="/lang/zh?back=${encodeURIComponent(here)}" lang="zh-CN"${c.get('lang') === 'zh' ? html` aria-current="true"` : ''}>中文</a>
    </span>
    ${session ? html`<span class="who">${t('nav.signedInAs', { tenant: session.principal.tenantId, key: session.principal.keyPrefix })}</span>
    <form method="post" action="/sign-out" class="inline"><input type="hidden" name="_csrf" value="${session.csrf}"><button type="submit" class="link">${t('nav.signOut')}</button></form>` : ''}
  </div>
</header>
<div id="flash" role="status" aria-live="polite"></div>
<main id="main" tabindex="-1">
${body}
</main>
</body></html>`,
    status,
  );
}

function nav(t: Translate, section: Section): Html {
  const item = (id: Section, href: string, label: string) => html`<a href="${href}"${id === section ? html` aria-current="page"` : ''}>${label}</a>`;
  return html`<nav aria-label="hitline">${item('catalog', '/catalog', t('nav.catalog'))}${item('new', '/new', t('nav.new'))}${item('runs', '/runs', t('nav.runs'))}</nav>`;
}

/** A hidden field carrying the CSRF token, for forms that also work without JavaScript. */
export function csrfField(c: Context<WebEnv>): Html {
  return html`<input type="hidden" name="_csrf" value="${c.get('session').csrf}">`;
}

/** A list of row problems (upload and import reports) as a table. */
export function problemTable(t: Translate, problems: ReadonlyArray<{ file: string; row?: number; column?: string; message: string }>): Html {
  if (problems.length === 0) return html`<p class="ok">${t('problems.none')}</p>`;
  return html`<table class="problems"><caption>${t('problems.title', { n: problems.length })}</caption>
<thead><tr><th scope="col">${t('problems.row')}</th><th scope="col">${t('problems.column')}</th><th scope="col">${t('problems.message')}</th></tr></thead>
<tbody>${problems.map((p) => html`<tr><td>${p.row ?? ''}</td><td>${p.column ?? ''}</td><td>${p.message}</td></tr>`)}</tbody></table>`;
}

export function usd(n: number | undefined): string {
  return n === undefined ? '?' : `$${n.toFixed(n > 0 && n < 0.01 ? 4 : 2)}`;
}
