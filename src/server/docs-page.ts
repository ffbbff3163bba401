/**
 * The API's docs page, rendered on the server from the OpenAPI document: every route with its parameters,
 * body and answers, then every schema with its fields. No script and no CDN (the page works offline and
 * under a strict Content-Security-Policy); its stylesheet is served from /docs.css.
 */
type Json = Record<string, any>;

const esc = (s: unknown) => String(s ?? '').replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);

function typeOf(schema: Json | undefined): string {
  if (!schema) return '';
  if (schema.$ref) {
    const name = String(schema.$ref).split('/').pop();
    return `<a href="#schema-${esc(name)}">${esc(name)}</a>`;
  }
  if (schema.enum) return schema.enum.map((v: unknown) => `<code>${esc(JSON.stringify(v))}</code>`).join(' | ');
  if (schema.anyOf || schema.oneOf) return (schema.anyOf ?? schema.oneOf).map(typeOf).join(' | ');
  if (schema.type === 'array') return `${typeOf(schema.items)}[]`;
  if (schema.type === 'object' && schema.properties) return `{ ${Object.keys(schema.properties).map(esc).join(', ')} }`;
  return esc(Array.isArray(schema.type) ? schema.type.join(' | ') : schema.type ?? (schema.format ?? 'any'));
}

function fields(schema: Json | undefined): string {
  if (!schema?.properties) return '';
  const required = new Set<string>(schema.required ?? []);
  const rows = Object.entries<Json>(schema.properties).map(
    ([name, p]) => `<tr><td><code>${esc(name)}</code>${required.has(name) ? '' : '?'}</td><td>${typeOf(p)}</td><td>${esc(p.description ?? '')}${p.default !== undefined ? ` (default <code>${esc(JSON.stringify(p.default))}</code>)` : ''}</td></tr>`,
  );
  return `<table><tr><th>field</th><th>type</th><th>notes</th></tr>${rows.join('')}</table>`;
}

function operation(method: string, route: string, op: Json): string {
  const params = (op.parameters ?? []) as Json[];
  const body = op.requestBody?.content as Json | undefined;
  const answers = Object.entries<Json>(op.responses ?? {}).map(
    ([status, r]) => `<li><code>${esc(status)}</code> ${esc(r.description)} ${Object.entries<Json>(r.content ?? {}).map(([type, c]) => `<span class="type">${esc(type)}</span> ${typeOf(c.schema)}`).join(', ')}</li>`,
  );
  return `<section class="op" id="${esc(`${method}-${route}`)}">
<h3><span class="method ${esc(method)}">${esc(method.toUpperCase())}</span> <code>${esc(route)}</code></h3>
<p>${esc(op.summary)}</p>${op.description ? `<p class="desc">${esc(op.description)}</p>` : ''}
${params.length ? `<h4>Parameters</h4><ul>${params.map((p) => `<li><code>${esc(p.name)}</code> (${esc(p.in)}${p.required ? ', required' : ''}) ${typeOf(p.schema)} ${esc(p.description ?? p.schema?.description ?? '')}</li>`).join('')}</ul>` : ''}
${body ? `<h4>Body</h4><ul>${Object.entries<Json>(body).map(([type, c]) => `<li><span class="type">${esc(type)}</span> ${typeOf(c.schema)}</li>`).join('')}</ul>` : ''}
<h4>Answers</h4><ul>${answers.join('')}</ul></section>`;
}

export function renderDocsPage(doc: Json): string {
  const byTag = new Map<string, string[]>();
  for (const [route, methods] of Object.entries<Json>(doc.paths ?? {})) {
    for (const [method, op] of Object.entries<Json>(methods)) {
      const tag = (op.tags?.[0] as string) ?? 'other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), operation(method, route, op)]);
    }
  }
  const schemas = Object.entries<Json>(doc.components?.schemas ?? {}).map(
    ([name, s]) => `<section id="schema-${esc(name)}"><h3>${esc(name)}</h3>${s.description ? `<p>${esc(s.description)}</p>` : ''}${fields(s) || `<p>${typeOf(s)}</p>`}</section>`,
  );
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(doc.info?.title)} API</title><link rel="stylesheet" href="/docs.css"></head>
<body><header><h1>${esc(doc.info?.title)} API <small>${esc(doc.info?.version)}</small></h1><p>${esc(doc.info?.description)}</p>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a> (OpenAPI ${esc(doc.openapi)}).</p>
<nav>${[...byTag.keys()].map((t) => `<a href="#tag-${esc(t)}">${esc(t)}</a>`).join(' · ')} · <a href="#schemas">schemas</a></nav></header>
<main>${[...byTag.entries()].map(([tag, ops]) => `<h2 id="tag-${esc(tag)}">${esc(tag)}</h2>${ops.join('\n')}`).join('\n')}
<h2 id="schemas">Schemas</h2>${schemas.join('\n')}</main></body></html>`;
}

export const DOCS_CSS = `body{font:15px/1.5 system-ui,sans-serif;margin:0 auto;max-width:980px;padding:1rem 1.5rem;color:#1d2330}
h1 small{font-weight:400;color:#667}h2{border-bottom:2px solid #dde;margin-top:2.5rem;text-transform:capitalize}
.op{border:1px solid #dde;border-radius:6px;padding:.25rem 1rem;margin:1rem 0}.op h3{margin:.6rem 0}
.method{display:inline-block;min-width:4.2em;text-align:center;border-radius:4px;color:#fff;font-size:.8em;padding:.1em .4em;background:#557}
.method.get{background:#2a7}.method.post{background:#27c}.method.put{background:#c82}.method.delete{background:#c33}
code{background:#f3f3f7;padding:0 .25em;border-radius:3px}.type{color:#667;font-size:.9em}.desc{color:#445}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #eee;text-align:left;padding:.2rem .4rem;vertical-align:top}
a{color:#1a56c4}a:focus-visible{outline:2px solid #1a56c4;outline-offset:2px}`;
