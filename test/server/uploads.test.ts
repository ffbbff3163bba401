/**
 * Bad uploads over the wire. A catalog with the rows the CLI refuses gets exactly the CLI's problems (row,
 * column, reason), with the client's file names instead of server paths, and its good rows imported; a
 * file that cannot be read as a table is a 400 naming why; zip entries with `..`, absolute paths or a
 * symbolic-link mode are refused by name and nothing lands outside the upload; limits answer 413.
 */
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../helpers/capture.js';
import { imageBytes, noisyJpeg } from '../catalog/fixtures.js';
import { startTestServer, uploadForm, waitFor, type TestServer } from './helpers.js';
import { makeZip } from './zip-helpers.js';

const HEADER = 'product_id,image_path,category,color,style,season,sales_count,description,price';
let tmp: string;
let dir: string;
let ts: TestServer;
let key: string;

const GOOD = ['P01', 'P02', 'P03', 'P04'].map((id, i) => `${id},${id}.jpg,dress,red,casual,summer,${2000 + i},a red dress,19.9`);
const BAD = [
  'B01,P01.jpg,dress,red,casual,summer,many,not a number,1', // sales_count
  'B02,missing.jpg,dress,red,casual,summer,10,,', // no such image
  'B03,notes.jpg,dress,red,casual,summer,10,,', // a text file named .jpg
  'B04,truncated.jpg,dress,red,casual,summer,10,,', // a cut-off JPEG
  'B05,anim.gif,dress,red,casual,summer,10,,', // a GIF
  'P02,P02.jpg,dress,red,casual,summer,10,,', // duplicate id
  'B07,../outside.jpg,dress,red,casual,summer,10,,', // outside the images folder
  'B08,/etc/hostname,dress,red,casual,summer,10,,', // absolute
  'B09,P03.jpg,,red,casual,summer,10,,', // no category
];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'hitline-uploads-'));
  dir = path.join(tmp, 'catalog');
  await mkdir(path.join(dir, 'images'), { recursive: true });
  for (const id of ['P01', 'P02', 'P03', 'P04']) await writeFile(path.join(dir, 'images', `${id}.jpg`), await noisyJpeg(320, 240));
  await writeFile(path.join(dir, 'images', 'notes.jpg'), 'these are not pixels');
  await writeFile(path.join(dir, 'images', 'truncated.jpg'), (await noisyJpeg(320, 240)).subarray(0, 1500));
  await writeFile(path.join(dir, 'images', 'anim.gif'), await imageBytes('gif'));
  await writeFile(path.join(dir, 'products.csv'), [HEADER, ...GOOD, ...BAD].join('\n') + '\n');
  ts = await startTestServer(path.join(tmp, 'ws'), ['acme'], { limits: { uploadRequestBytes: 8 * 1024 * 1024, upload: { maxFiles: 12, maxFileBytes: 2 * 1024 * 1024, maxTotalBytes: 8 * 1024 * 1024 } } });
  key = ts.keys.acme;
});

afterAll(async () => {
  await ts.close();
  await rm(tmp, { recursive: true, force: true });
});

/** A problem without where the files were: what the CLI and the API must agree on. */
const comparable = (p: { row?: number; column?: string; message: string }, ...roots: string[]) => ({
  row: p.row, column: p.column, message: roots.reduce((m, r) => m.replaceAll(`${r}${path.sep}`, '').replaceAll(r, '.'), p.message),
});

async function importStatus(form: FormData | Buffer, contentType?: string) {
  return ts.json('/api/catalog/imports', { method: 'POST', body: form instanceof FormData ? form : new Uint8Array(form), key, headers: contentType ? { 'content-type': contentType } : {} });
}

describe('bad catalog uploads', () => {
  it('reports the rows the CLI refuses with the CLI\'s row, column and reason, and imports the good ones', async () => {
    const cli = await runCli(['ingest', '--catalog', path.join(dir, 'products.csv'), '--images', path.join(dir, 'images'), '--workspace', path.join(tmp, 'cli-ws'), '--offline', '--json']);
    expect(cli.code).toBe(1);
    const cliProblems = JSON.parse(cli.stdout).problems;
    expect(cliProblems.length).toBe(BAD.length);

    const started = await importStatus(await uploadForm(path.join(dir, 'products.csv'), path.join(dir, 'images')));
    expect(started.status).toBe(202);
    const done = await waitFor('import', async () => {
      const s = await ts.json(`/api/catalog/imports/${started.body.id}`, { key });
      return s.body.state === 'finished' ? s.body : undefined;
    });
    expect(done.report).toMatchObject({ added: GOOD.length, storeCount: GOOD.length });
    const uploadDir = path.join(ts.workspace, 'tenants', 'acme', 'uploads', started.body.id, 'files');
    expect(done.report.problems.map((p: any) => comparable(p))).toEqual(cliProblems.map((p: any) => comparable(p, path.join(dir, 'images'), dir)));
    for (const p of done.report.problems) {
      expect(p.file).toBe('products.csv');
      expect(p.message).not.toContain(uploadDir);
      expect(p.message).not.toContain(ts.workspace);
    }
    const row = (n: number) => done.report.problems.find((p: any) => p.row === GOOD.length + n).message;
    expect(row(3)).toMatch(/notes\.jpg: not an image/);
    expect(row(5)).toMatch(/anim\.gif: unsupported format gif/);
  });

  it('answers 400 naming why when the file cannot be read as a table', async () => {
    const cases: Array<[string, RegExp]> = [
      ['product_id,image,category\nP01,P01.jpg,dress\n', /lacks required column\(s\) image_path, sales_count/],
      [`${HEADER}\nP01,P01.jpg,dress,red,casual,summer,1,"unterminated,\n`, /line 2/],
      ['', /is empty; expected a header row/],
    ];
    for (const [csvText, message] of cases) {
      const res = await importStatus(await uploadForm(path.join(dir, 'products.csv'), path.join(dir, 'images'), { csvText, only: ['P01.jpg'] }));
      expect(res.status).toBe(400);
      expect(res.body.error.message).toMatch(message);
      expect(res.body.error.message).toContain('products.csv');
      expect(res.body.error.message).not.toContain(ts.workspace);
    }
    const latin1 = Buffer.from(`${HEADER}\nP01,P01.jpg,robe d\xe9t\xe9,red,casual,summer,1,,\n`, 'latin1');
    const form = await uploadForm(path.join(dir, 'products.csv'), path.join(dir, 'images'), { only: [] });
    form.set('table', new Blob([latin1]), 'products.csv');
    expect((await importStatus(form)).body.error.message).toMatch(/UTF-8/);
    const noTable = new FormData();
    noTable.append('images', new Blob([new Uint8Array(await noisyJpeg(32, 32))]), 'P01.jpg');
    expect((await importStatus(noTable)).body.error.message).toMatch(/no CSV table/);
    expect((await ts.json('/api/catalog/imports', { method: 'POST', body: 'x', key, headers: { 'content-type': 'text/plain' } })).status).toBe(415);
  });

  it('refuses hostile names in multipart uploads and zips by name, writing nothing outside the upload', async () => {
    const csv = Buffer.from(`${HEADER}\nP01,P01.jpg,dress,red,casual,summer,2000,,\n`);
    const jpeg = await noisyJpeg(64, 64);
    const zips: Array<[string, Buffer, RegExp]> = [
      ['dot-dot', await makeZip([{ name: 'products.csv', data: csv }, { name: '../evil.jpg', data: jpeg }]), /zip entry "\.\.\/evil\.jpg" refused: it contains "\.\."/],
      ['absolute', await makeZip([{ name: 'products.csv', data: csv }, { name: '/tmp/evil.jpg', data: jpeg }]), /zip entry "\/tmp\/evil\.jpg" refused: it is an absolute path/],
      ['symlink', await makeZip([{ name: 'products.csv', data: csv }, { name: 'P01.jpg', data: Buffer.from('/etc/passwd'), mode: 0o120777 }]), /zip entry "P01\.jpg" refused: it is a symbolic link/],
      ['drive', await makeZip([{ name: 'products.csv', data: csv }, { name: 'C:/evil.jpg', data: jpeg }]), /refused: it starts with a drive letter/],
    ];
    for (const [what, zip, message] of zips) {
      const res = await importStatus(zip, 'application/zip');
      expect(res.status, what).toBe(400);
      expect(res.body.error.message, what).toMatch(message);
    }
    expect((await importStatus(Buffer.from('PK but not really a zip'), 'application/zip')).body.error.message).toMatch(/not a zip file/);
    const form = new FormData();
    form.append('table', new Blob([csv]), 'products.csv');
    form.append('images', new Blob([new Uint8Array(jpeg)]), '../../evil.jpg');
    const multipart = await importStatus(form);
    expect(multipart.status).toBe(400);
    expect(multipart.body.error.message).toMatch(/file "\.\.\/\.\.\/evil\.jpg" refused: it contains "\.\."/);
    expect(await readdir(tmp)).not.toContain('evil.jpg');
    expect(await readdir(path.join(ts.workspace, 'tenants', 'acme'))).not.toContain('evil.jpg');
    // Refused uploads leave no draft behind.
    expect((await readdir(path.join(ts.workspace, 'tenants', 'acme', 'uploads'))).filter((n) => n.endsWith('.partial'))).toEqual([]);
  });

  it('imports a zip of products.csv with an images/ folder next to it', async () => {
    const zip = await makeZip([
      { name: 'shop/products.csv', data: Buffer.from(`${HEADER}\nZ01,Z01.jpg,dress,red,casual,summer,3000,zipped,1\n`) },
      { name: 'shop/images/Z01.jpg', data: await readFile(path.join(dir, 'images', 'P01.jpg')) },
      { name: '__MACOSX/shop/._products.csv', data: Buffer.from('litter') },
    ]);
    const res = await importStatus(zip, 'application/zip');
    expect(res.status).toBe(202);
    expect(res.body.upload).toMatchObject({ csvName: 'shop/products.csv', rows: 1, problems: [] });
  });

  it('answers 413 for too many files, a file over its limit, or a JSON body over its limit', async () => {
    const many = new FormData();
    many.append('table', new Blob([`${HEADER}\n`]), 'products.csv');
    for (let i = 0; i < 12; i++) many.append('images', new Blob([Buffer.from([i])]), `f${i}.jpg`);
    expect((await importStatus(many)).status).toBe(413);
    const big = new FormData();
    big.append('table', new Blob([`${HEADER}\n`]), 'products.csv');
    big.append('images', new Blob([Buffer.alloc(3 * 1024 * 1024)]), 'big.jpg');
    const res = await importStatus(big);
    expect(res.status).toBe(413);
    expect(res.body.error.message).toMatch(/"big\.jpg" is over the 2097152-byte limit per file/);
    const json = await ts.json('/api/runs', { method: 'POST', key, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ newProducts: 'x'.repeat(2 * 1024 * 1024) }) });
    expect(json.status).toBe(413);
  });

  it('reports new-product rows the run reader refuses, and a run from an upload with no good rows is refused', async () => {
    const form = await uploadForm(path.join(dir, 'products.csv'), path.join(dir, 'images'), { csvText: 'new_id,image_path,category\nN1,missing.jpg,dress\nN2,P01.jpg,\n', only: ['P01.jpg'] });
    form.set('table', form.get('table') as Blob, 'new_products.csv');
    const upload = await ts.json('/api/new-products', { method: 'POST', body: form, key });
    expect(upload.status).toBe(201);
    expect(upload.body.problems.map((p: any) => [p.row, p.column])).toEqual([[1, 'image_path'], [2, 'category']]);
    const run = await ts.json('/api/runs', { method: 'POST', key, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ newProducts: upload.body.id }) });
    expect(run.status).toBe(400);
    expect(run.body.error.message).toMatch(/has no readable rows/);
  });
});

