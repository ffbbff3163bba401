// hitline's web app, in the browser: uploads with progress, live run progress, review keys, small helpers.
// Served as it is (no build step); htmx does the page updates. No inline code anywhere: the CSP forbids it.
'use strict';
(function () {
  const csrf = () => document.querySelector('meta[name="csrf-token"]')?.content ?? '';
  const flash = (text, isError) => {
    const box = document.getElementById('flash');
    if (!box) return;
    box.replaceChildren();
    const p = document.createElement('p');
    p.className = isError ? 'error' : 'ok';
    p.setAttribute('role', isError ? 'alert' : 'status');
    p.textContent = text;
    box.append(p);
  };
  const apiError = (xhr) => {
    try {
      const e = JSON.parse(xhr.responseText).error;
      return e.hint ? `${e.message} (${e.hint})` : e.message;
    } catch {
      return `${xhr.status} ${xhr.statusText}`;
    }
  };

  // --- Uploads: the form's files go to the API with XMLHttpRequest (for upload progress). ---
  document.addEventListener('submit', (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute('data-upload')) return;
    event.preventDefault();
    const body = new FormData();
    const files = (name) => [...form.querySelector(`input[name="${name}"]`).files];
    const [table] = files('table');
    const [archive] = files('archive');
    const message = form.querySelector('.upload-message');
    const bar = form.querySelector('.upload-progress');
    if (archive) body.append('archive', archive, archive.name);
    else if (table) {
      body.append('table', table, table.name);
      for (const f of files('images')) body.append('images', f, f.name);
    } else {
      message.textContent = form.dataset.need;
      return;
    }
    const xhr = new XMLHttpRequest();
    xhr.open('POST', form.dataset.api);
    xhr.setRequestHeader('X-CSRF-Token', csrf());
    bar.hidden = false;
    xhr.upload.addEventListener('progress', (e) => {
      if (!e.lengthComputable) return;
      const pct = Math.round((100 * e.loaded) / e.total);
      bar.value = pct;
      message.textContent = form.dataset.sending.replace('{pct}', String(pct));
    });
    xhr.addEventListener('load', () => {
      if (xhr.status >= 300) {
        message.textContent = form.dataset.failed.replace('{message}', apiError(xhr));
        message.classList.add('error');
        return;
      }
      bar.value = 100;
      const id = JSON.parse(xhr.responseText).id;
      if (form.hasAttribute('data-navigate')) window.location.assign(form.dataset.then + encodeURIComponent(id));
      else htmx.ajax('GET', form.dataset.then + encodeURIComponent(id), { target: form.querySelector('.upload-result'), swap: 'innerHTML' });
    });
    xhr.addEventListener('error', () => (message.textContent = form.dataset.failed.replace('{message}', 'network error')));
    xhr.send(body);
  });

  // --- Live progress: the run's Server-Sent Events trigger a (throttled) reload of the progress block. ---
  const EVENT_TYPES = ['run-status', 'run-start', 'stage-start', 'stage-done', 'stage-retry', 'product-done', 'product-failed', 'product-pending', 'run-end', 'note', 'review', 'output-regenerated'];
  let source;
  let refreshTimer;
  const refresh = () => {
    const block = document.getElementById('progress');
    if (!block?.dataset.refresh || refreshTimer) return;
    refreshTimer = setTimeout(() => {
      refreshTimer = undefined;
      htmx.ajax('GET', block.dataset.refresh, { target: '#progress', swap: 'outerHTML' });
    }, 400);
  };
  const watchProgress = () => {
    const block = document.getElementById('progress');
    if (!block) return;
    if (!block.dataset.events) {
      source?.close();
      source = undefined;
      return;
    }
    if (source) return;
    source = new EventSource(block.dataset.events);
    for (const type of EVENT_TYPES) source.addEventListener(type, refresh);
  };
  document.addEventListener('DOMContentLoaded', watchProgress);
  document.addEventListener('htmx:afterSettle', watchProgress);

  // --- Buttons that call an API route directly (cancel, resume): reload on success, say why on failure. ---
  document.addEventListener('htmx:afterRequest', (event) => {
    const elt = event.detail.elt;
    if (!elt?.hasAttribute?.('data-reload')) return;
    if (event.detail.successful) window.location.reload();
    else flash(apiError(event.detail.xhr), true);
  });

  // --- Filters that apply on change. ---
  document.addEventListener('change', (event) => {
    if (event.target.matches?.('select[data-autosubmit]')) event.target.form.requestSubmit();
  });

  // --- Review keys: j / k next and previous output, a approve, x reject (reason), g regenerate, c compare. ---
  let advanceAfter;
  const outputs = () => [...document.querySelectorAll('[data-review-grid] .output')];
  const current = () => document.activeElement?.closest?.('.output') ?? null;
  const move = (from, step) => {
    const all = outputs();
    if (all.length === 0) return;
    const at = from ? all.indexOf(from) : -1;
    const next = all[Math.min(all.length - 1, Math.max(0, at + step))] ?? all[0];
    next.focus();
    next.scrollIntoView({ block: 'nearest' });
  };
  document.addEventListener('keydown', (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const typing = event.target.closest?.('input, textarea, select');
    if (typing) {
      if (event.key === 'Escape') typing.closest('.output')?.focus();
      return;
    }
    if (event.key === 'Escape') document.querySelector('a[data-back]')?.click();
    if (!document.querySelector('[data-review-grid]')) return;
    const cell = current();
    const press = (selector) => {
      const target = cell?.querySelector(selector);
      if (!target || target.disabled) return;
      event.preventDefault();
      return target;
    };
    switch (event.key) {
      case 'j': event.preventDefault(); move(cell, 1); break;
      case 'k': event.preventDefault(); move(cell, -1); break;
      case 'a': { const b = press('[data-key="a"]'); if (b) { advanceAfter = cell.id; b.click(); } break; }
      case 'g': press('[data-key="g"]')?.click(); break;
      case 'x': press('[data-key="x"]')?.focus(); break;
      case 'c': press('a[data-compare]')?.click(); break;
    }
  });
  // A reason typed and sent with Enter also moves on to the next output.
  document.addEventListener('htmx:beforeRequest', (event) => {
    if (event.detail.elt.matches?.('form.reject')) advanceAfter = event.detail.elt.closest('.output')?.id;
  });
  document.addEventListener('htmx:afterSettle', () => {
    if (!advanceAfter) return;
    const swapped = document.getElementById(advanceAfter);
    advanceAfter = undefined;
    if (swapped?.closest('[data-review-grid]')) move(swapped, 1);
  });
})();
