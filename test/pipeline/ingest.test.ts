/**
 * ingest's promises: every good row is stored even when others are bad, and an image whose content is
 * already stored for that id is never sent to the embedder again.
 */
import { mkdtemp, mkdir, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import type { Embedder } from '../../src/ports/embedder.js';
import { createLocalEmbedder } from '../../src/adapters/local/embedder/index.js';
import { ingestCatalog } from '../../src/pipeline/ingest.js';
import { openLanceDbStore } from '../../src/adapters/lancedb/index.js';

const HEADER = 'product_id,image_path,category,color,style,season,sales_count,description,price\n';

async function drawImage(file: string, color: string, shape: 'circle' | 'square'): Promise<void> {
  const body = shape === 'circle' ? `<circle cx="100" cy="100" r="60" fill="${color}"/>` : `<rect x="50" y="50" width="100" height="100" fill="${color}"/>`;
  await sharp(Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="200" height="200"><rect width="200" height="200" fill="#f2f2f2"/>${body}</svg>`)).jpeg().toFile(file);
}

/** Counts images sent to the embedder, and fails on images whose bytes contain a marker. */
function countingEmbedder(inner: Embedder, failOn?: Buffer): Embedder & { sent: number } {
  const wrapper = {
    id: inner.id, provider: inner.provider, model: inner.model, paid: inner.paid, dimension: inner.dimension, supportsText: false, sent: 0,
    async embedImages(images: readonly Buffer[]) {
      wrapper.sent += images.length;
      if (failOn && images.some((b) => b.equals(failOn))) throw new Error('the embedding service rejected this image');
      return inner.embedImages(images);
    },
  };
  return wrapper;
}

async function setup() {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'hitline-ingest-'));
  const images = path.join(dir, 'images');
  await mkdir(images);
  await drawImage(path.join(images, 'a.jpg'), '#c03030', 'circle');
  await drawImage(path.join(images, 'b.jpg'), '#3050c0', 'square');
  await drawImage(path.join(images, 'c.jpg'), '#30a050', 'circle');
  return { dir, images, csv: path.join(dir, 'products.csv'), store: openLanceDbStore({ dir: path.join(dir, 'store') }) };
}

describe('ingest', () => {
  it('embeds each image once, reuses stored vectors, and rewrites only what changed', async () => {
    const { images, csv, store } = await setup();
    const embedder = countingEmbedder(createLocalEmbedder({ recipe: 'histogram' }));
    await writeFile(csv, HEADER + 'A,a.jpg,dress,red,casual,summer,2000,Red dress,10\nB,b.jpg,dress,blue,casual,summer,3000,Blue dress,12\nB2,b.jpg,dress,blue,casual,summer,100,Same photo as B,12\n');
    const first = await ingestCatalog({ catalogCsv: csv, imagesDir: images, store, embedder });
    expect(first).toMatchObject({ added: 3, embedded: 2, problems: [] });
    expect(embedder.sent).toBe(2); // B and B2 share one image

    await writeFile(csv, HEADER + 'A,a.jpg,dress,red,casual,summer,2500,Red dress (new copy),10\nB,b.jpg,dress,blue,casual,summer,3000,Blue dress,12\nB2,b.jpg,dress,blue,casual,summer,100,Same photo as B,12\n');
    const second = await ingestCatalog({ catalogCsv: csv, imagesDir: images, store, embedder });
    expect(second).toMatchObject({ added: 0, updated: 1, unchanged: 2, embedded: 0, reusedVectors: 3 });
    expect(embedder.sent).toBe(2);
    expect((await store.get(['A']))[0]).toMatchObject({ salesCount: 2500, description: 'Red dress (new copy)' });

    await drawImage(path.join(images, 'a.jpg'), '#c03030', 'square'); // same name, new picture
    const third = await ingestCatalog({ catalogCsv: csv, imagesDir: images, store, embedder });
    expect(third).toMatchObject({ updated: 1, unchanged: 2, embedded: 1 });
    expect(embedder.sent).toBe(3);
    expect(await store.count()).toBe(3);
    await store.close();
  });

  it('keeps every good row when one row is bad, one image is broken and the embedder refuses one image', async () => {
    const { images, csv, store } = await setup();
    await writeFile(path.join(images, 'broken.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]));
    const refused = await readFile(path.join(images, 'c.jpg'));
    const embedder = countingEmbedder(createLocalEmbedder({ recipe: 'histogram' }), refused);
    await writeFile(
      csv,
      HEADER +
        'A,a.jpg,dress,red,casual,summer,2000,Red dress,10\n' +
        'X,broken.jpg,dress,red,casual,summer,2000,Broken photo,10\n' +
        'Y,a.jpg,dress,red,casual,summer,lots,Bad sales,10\n' +
        'C,c.jpg,dress,green,casual,summer,2000,Refused by the service,10\n' +
        'B,b.jpg,dress,blue,casual,summer,3000,Blue dress,12\n',
    );
    const report = await ingestCatalog({ catalogCsv: csv, imagesDir: images, store, embedder, chunkSize: 10 });
    expect(report.added).toBe(2);
    expect(await store.count()).toBe(2);
    expect(report.problems.map((p) => [p.row, p.column])).toEqual(
      expect.arrayContaining([[2, 'image_path'], [3, 'sales_count'], [4, 'image_path']]),
    );
    expect(report.problems.find((p) => p.row === 4)?.message).toContain('rejected this image');
    expect(report.problems.every((p) => p.file === csv)).toBe(true);
    await store.close();
  });

  it('on a pool of embedding threads, makes an image the pool cannot decode a problem of its row naming the file, and stores the rest', async () => {
    const { images, csv, store } = await setup();
    const pool = createLocalEmbedder({ threads: 2 });
    // c.jpg passes the catalog's checks; the pool is handed bytes it cannot decode in its place.
    const refused = await readFile(path.join(images, 'c.jpg'));
    const embedder: Embedder = {
      ...pool,
      embedImages: (imgs) => pool.embedImages(imgs.map((b) => (b.equals(refused) ? Buffer.from('not an image at all') : b))),
    };
    await writeFile(csv, HEADER + 'A,a.jpg,dress,red,casual,summer,2000,Red dress,10\nC,c.jpg,dress,green,casual,summer,2000,Green dress,10\nB,b.jpg,dress,blue,casual,summer,3000,Blue dress,12\n');
    try {
      const report = await ingestCatalog({ catalogCsv: csv, imagesDir: images, store, embedder });
      expect(report).toMatchObject({ added: 2, embedded: 2 });
      expect(report.problems).toEqual([
        { file: csv, row: 2, column: 'image_path', message: expect.stringMatching(new RegExp(`could not embed the image ${path.join(images, 'c.jpg')}: image 1 of 1 could not be decoded`)) },
      ]);
      // The threads' vectors are the ones the calling thread computes.
      const [stored] = (await store.get(['A'], { withVectors: true })) as Array<{ vector: Float32Array }>;
      const [expected] = await createLocalEmbedder().embedImages([await readFile(path.join(images, 'a.jpg'))]);
      expect(Array.from(stored.vector)).toEqual(Array.from(expected));
    } finally {
      await pool.close();
      await store.close();
    }
  });

  it('writes in batches and compacts the store every few thousand rows (here: every 4), ending with every row stored', async () => {
    const { images, csv, store } = await setup();
    const events: string[] = [];
    const upsert = store.upsert.bind(store);
    store.upsert = async (rows) => {
      events.push(`write ${rows.map((r) => r.id).join('')}`);
      await upsert(rows);
    };
    const compact = store.compact.bind(store);
    store.compact = async () => {
      events.push('compact');
      await compact();
    };
    const letters = ['A', 'B', 'C', 'D', 'E', 'F', 'G'];
    await writeFile(csv, HEADER + letters.map((id, i) => `${id},${'abc'[i % 3]}.jpg,dress,red,casual,summer,${2000 + i},Dress ${id},10\n`).join(''));
    const report = await ingestCatalog({
      catalogCsv: csv, imagesDir: images, store, embedder: createLocalEmbedder({ recipe: 'histogram' }), chunkSize: 2, writeBatchRows: 2, compactEveryRows: 4,
    });
    expect(report).toMatchObject({ added: 7, problems: [] });
    expect(events).toEqual(['write AB', 'write CD', 'compact', 'write EF', 'write G']);
    expect(await store.count()).toBe(7);
    await store.close();
  });
});
