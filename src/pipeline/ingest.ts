/**
 * ingest: products.csv + images → the store. One bad row or image is reported and skipped; every good
 * row goes through. An image whose content hash is already stored for that id is never embedded again,
 * and a row whose image and fields are both unchanged is not rewritten.
 */
import type { BlobStorage } from '../ports/blob-storage.js';
import { shareCatalogImage } from './catalog-images.js';
import type { HitProduct } from '../core/product.js';
import { readHitCatalog, type CatalogReadOptions, type CatalogRow } from '../catalog/read-catalog.js';
import { loadImage } from '../catalog/load-image.js';
import type { Embedder } from '../ports/embedder.js';
import { keywordText } from '../search/tokenize.js';
import type { ProductRecord, StoredProduct, VectorStore } from '../ports/vector-store.js';
import { HitlineError, type RowProblem } from '../core/errors.js';
import { quietProgress, type ProgressSink } from '../util/progress.js';
import pMap from 'p-map';

export interface IngestOptions {
  catalogCsv: string;
  imagesDir: string;
  store: VectorStore;
  embedder: Embedder;
  progress?: ProgressSink;
  /** Rows read and embedded together. Bounds memory: two chunks' images are held (one embedding, one read ahead). */
  chunkSize?: number;
  maxPixels?: number;
  /** Empty the store first and refill it with this embedder (to switch embedders). */
  reindex?: boolean;
  /** Rows gathered before a store write; default WRITE_BATCH_ROWS. */
  writeBatchRows?: number;
  /** Rows written between two compactions of the store (`VectorStore.compact`); default COMPACT_EVERY_ROWS. */
  compactEveryRows?: number;
  /** How the catalog is read (symbolic links leading outside the images folder). */
  catalog?: CatalogReadOptions;
  /** A shared storage (a bucket) that also gets every photo, for workers on other machines (pipeline/catalog-images.ts). */
  shareImagesTo?: BlobStorage;
}

/**
 * Compacting every few thousand rows keeps an ingest's resident memory and write time flat in catalog size
 * (LanceDB adds a fragment per written chunk); each compaction costs a fraction of a second at 10,000 rows.
 * Measured in bench/results/batch.md.
 */
export const COMPACT_EVERY_ROWS = 2_048;

/**
 * Rows gathered before a store write. Each write re-indexes the keywords of the whole table and adds a
 * fragment (LanceDB), so fewer, larger writes cost less; 512 rows of 2,304-d vectors hold ~5 MB.
 */
export const WRITE_BATCH_ROWS = 512;

/** Images read at once while a chunk is prepared (reading, hashing and checking an image is mostly I/O). */
const LOAD_CONCURRENCY = 4;

export interface IngestReport {
  rowsRead: number;
  /** Rows new to the store. */
  added: number;
  /** Rows that existed and changed (fields or image). */
  updated: number;
  /** Rows identical to what was stored: nothing written. */
  unchanged: number;
  /** Images sent to the embedder. */
  embedded: number;
  /** Vectors reused because the image's content hash was already stored for that id. */
  reusedVectors: number;
  problems: RowProblem[];
  /** What the catalog read skipped without it being a problem (empty rows). */
  notes: string[];
  storeCount: number;
  seconds: number;
}

interface PendingRow {
  row: number;
  product: HitProduct;
  imageAbsPath: string;
  imageHash: string;
  imageBytes?: Buffer;
}

export async function ingestCatalog(options: IngestOptions): Promise<IngestReport> {
  const started = Date.now();
  const { store, embedder } = options;
  const progress = options.progress ?? quietProgress;
  const chunkSize = options.chunkSize ?? 64;
  const compactEvery = options.compactEveryRows ?? COMPACT_EVERY_ROWS;
  const writeBatch = options.writeBatchRows ?? WRITE_BATCH_ROWS;
  const { rows, problems, notes } = await readHitCatalog(options.catalogCsv, options.imagesDir, options.catalog);
  const embedderInfo = { embedderId: embedder.id, dimension: embedder.dimension };
  if (options.reindex) {
    if (!store.recreate) throw new HitlineError(`the ${store.kind} store cannot be rebuilt in place`, { hint: 'Ingest into a new --workspace instead.' });
    await store.recreate(embedderInfo);
  } else {
    await store.open(embedderInfo);
  }

  const report: IngestReport = {
    rowsRead: rows.length + problems.length, added: 0, updated: 0, unchanged: 0, embedded: 0, reusedVectors: 0,
    problems: [...problems], notes, storeCount: 0, seconds: 0,
  };
  progress.start('ingest', rows.length);
  // Three stages overlap: chunk i+1's images are read while chunk i is embedded, and chunk i is written while
  // chunk i+1 is embedded, so the embedder (a pool of threads offline) is not left waiting on files or the store.
  const chunks: Array<Array<CatalogRow<HitProduct>>> = [];
  for (let i = 0; i < rows.length; i += chunkSize) chunks.push(rows.slice(i, i + chunkSize));
  const prepare = (chunk: ReadonlyArray<CatalogRow<HitProduct>>) => prepareChunk(chunk, store, options);
  let next = chunks.length > 0 ? prepare(chunks[0]) : undefined;
  let writing: Promise<void> = Promise.resolve();
  const unwritten: StoredProduct[] = [];
  let processed = 0;
  let writtenSinceCompaction = 0;
  for (const [c, chunk] of chunks.entries()) {
    const { stored, pending, problems: loadProblems } = await next!;
    report.problems.push(...loadProblems);
    next = c + 1 < chunks.length ? prepare(chunks[c + 1]) : undefined;
    next?.catch(() => {}); // surfaced when awaited in the next round
    const vectors = await vectorsFor(pending, stored, embedder, options.catalogCsv, report);
    const toWrite: StoredProduct[] = [];
    for (const p of pending) {
      const vector = vectors.get(p.product.productId);
      if (!vector) continue; // its problem is already recorded
      const row = toStoredProduct(p, vector);
      const previous = stored.get(row.id);
      if (!previous) report.added += 1;
      else if (sameRecord(previous, row)) { report.unchanged += 1; continue; }
      else report.updated += 1;
      toWrite.push(row);
    }
    unwritten.push(...toWrite);
    processed += chunk.length;
    progress.update({ stage: 'ingest', done: processed, total: rows.length, failed: report.problems.length - problems.length });
    if (unwritten.length < writeBatch && c + 1 < chunks.length) continue;
    await writing; // one write at a time, in chunk order
    const batch = unwritten.splice(0);
    writing = (async () => {
      if (batch.length > 0) await store.upsert(batch);
      writtenSinceCompaction += batch.length;
      if (store.compact && writtenSinceCompaction >= compactEvery) {
        await store.compact();
        writtenSinceCompaction = 0;
      }
    })();
    writing.catch(() => {}); // surfaced when awaited
  }
  await writing;
  await store.optimize();
  report.storeCount = await store.count();
  report.seconds = (Date.now() - started) / 1000;
  progress.finish('ingest', `${report.added} added, ${report.updated} updated, ${report.unchanged} unchanged, ${report.problems.length} problem(s)`);
  return report;
}

/** Reads and checks a chunk's images and what the store holds for its ids; an image that cannot be used is a problem of its row. */
async function prepareChunk(chunk: ReadonlyArray<CatalogRow<HitProduct>>, store: VectorStore, options: IngestOptions) {
  const stored = await existingRecords(store, chunk.map((r) => r.value.productId));
  const loaded = await pMap(
    chunk,
    async (r): Promise<PendingRow | RowProblem> => {
      let image;
      try {
        image = await loadImage(r.imageAbsPath, { maxPixels: options.maxPixels });
      } catch (err) {
        return imageProblem(options.catalogCsv, r.row, err);
      }
      // Outside the row's try: a storage fault is the ingest's, not a bad row.
      if (options.shareImagesTo) await shareCatalogImage(options.shareImagesTo, image.contentHash, image.bytes);
      const sameImage = stored.get(r.value.productId)?.imageHash === image.contentHash;
      return { row: r.row, product: r.value, imageAbsPath: r.imageAbsPath, imageHash: image.contentHash, imageBytes: sameImage ? undefined : image.bytes };
    },
    { concurrency: LOAD_CONCURRENCY },
  );
  const pending = loaded.filter((x): x is PendingRow => 'product' in x);
  const problems = loaded.filter((x): x is RowProblem => !('product' in x));
  return { stored, pending, problems };
}

async function existingRecords(store: VectorStore, ids: string[]): Promise<Map<string, StoredProduct>> {
  const hashes = await store.imageHashes(ids);
  if (hashes.size === 0) return new Map();
  const found = (await store.get([...hashes.keys()], { withVectors: true })) as StoredProduct[];
  return new Map(found.map((p) => [p.id, p]));
}

/** Embeds the images that changed (each distinct content once); reuses stored vectors for the rest. */
async function vectorsFor(
  pending: PendingRow[], stored: Map<string, StoredProduct>, embedder: Embedder, file: string, report: IngestReport,
): Promise<Map<string, Float32Array>> {
  const vectors = new Map<string, Float32Array>();
  const toEmbed = new Map<string, PendingRow[]>(); // content hash → rows with that image
  for (const p of pending) {
    if (!p.imageBytes) {
      vectors.set(p.product.productId, stored.get(p.product.productId)!.vector);
      report.reusedVectors += 1;
    } else {
      const group = toEmbed.get(p.imageHash) ?? [];
      group.push(p);
      toEmbed.set(p.imageHash, group);
    }
  }
  const groups = [...toEmbed.values()];
  if (groups.length === 0) return vectors;
  const assign = (group: PendingRow[], vector: Float32Array) => group.forEach((p) => vectors.set(p.product.productId, vector));
  try {
    const embedded = await embedder.embedImages(groups.map((g) => g[0].imageBytes!));
    groups.forEach((g, i) => assign(g, embedded[i]));
    report.embedded += groups.length;
  } catch {
    // Isolate the bad image(s): one failure must not sink the chunk.
    for (const g of groups) {
      try {
        const [vector] = await embedder.embedImages([g[0].imageBytes!]);
        assign(g, vector);
        report.embedded += 1;
      } catch (err) {
        for (const p of g) report.problems.push({ file, row: p.row, column: 'image_path', message: `could not embed the image ${p.imageAbsPath}: ${messageOf(err)}` });
      }
    }
  }
  return vectors;
}

function toStoredProduct(p: PendingRow, vector: Float32Array): StoredProduct {
  const h = p.product;
  return {
    id: h.productId, category: h.category, color: h.color, style: h.style, season: h.season, salesCount: h.salesCount,
    price: h.price, description: h.description, imagePath: p.imageAbsPath, imageHash: p.imageHash, attributes: h.attributes,
    keywords: keywordText(h.category, h.color, h.style, h.season, h.description, ...Object.values(h.attributes)),
    vector,
  };
}

function sameRecord(a: ProductRecord, b: ProductRecord): boolean {
  const keys: Array<keyof ProductRecord> = ['category', 'color', 'style', 'season', 'salesCount', 'price', 'description', 'imagePath', 'imageHash', 'keywords'];
  return keys.every((k) => a[k] === b[k]) && JSON.stringify(a.attributes) === JSON.stringify(b.attributes);
}

function imageProblem(file: string, row: number, err: unknown): RowProblem {
  return { file, row, column: 'image_path', message: messageOf(err) };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
