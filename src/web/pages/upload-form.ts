/**
 * The upload form (catalog and new products): a CSV with its images, or one zip. app.js sends it with
 * XMLHttpRequest to the API route named by `data-api` (for the progress bar), with the CSRF header, then
 * loads `data-then` + the new upload's id into the result area.
 */
import { html } from 'hono/html';
import type { Translate } from '../i18n/index.js';
import type { Html } from './layout.js';

/** `navigate`: open `then` + id as a page once uploaded (else load it as a fragment below the form). */
export function uploadForm(t: Translate, o: { id: string; api: string; then: string; tableName: string; navigate?: boolean }): Html {
  return html`<form id="${o.id}" class="upload stack" data-upload data-api="${o.api}" data-then="${o.then}"${o.navigate ? html` data-navigate` : ''} data-need="${t('upload.needFiles')}" data-sending="${t('upload.sending', { pct: '{pct}' })}" data-failed="${t('upload.failed', { message: '{message}' })}">
  <div class="row">
    <label>${t('upload.table')} <input type="file" name="table" accept=".csv,text/csv" aria-describedby="${o.id}-hint"></label>
    <label>${t('upload.images')} <input type="file" name="images" accept="image/jpeg,image/png,image/webp" multiple></label>
    <span>${t('upload.or')}</span>
    <label>${t('upload.archive')} <input type="file" name="archive" accept=".zip,application/zip"></label>
  </div>
  <p class="hint" id="${o.id}-hint">${o.tableName}</p>
  <div><button type="submit" class="primary">${t('upload.submit')}</button></div>
  <progress class="upload-progress" max="100" value="0" hidden aria-label="${t('upload.submit')}"></progress>
  <p class="upload-message" role="status"></p>
  <div class="upload-result" aria-live="polite"></div>
</form>`;
}
