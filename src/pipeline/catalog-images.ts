/**
 * Catalog photos for workers on other machines. The store keeps each hit's image as a path on the machine
 * that ran `ingest`; a worker elsewhere cannot read it. With a shared storage (a bucket) ingest also puts each
 * photo there under its content hash, and the stages read a hit's photo from its path first, then from there.
 */
import { readFile } from 'node:fs/promises';
import type { BlobStorage } from '../ports/blob-storage.js';
import type { ReferenceImage } from '../ports/style-analyzer.js';
import type { ProductRecord, VectorStore } from '../ports/vector-store.js';

/** `catalog-images/ab/abcd…`: content-addressed, so a photo shared by many rows or catalogs is stored once. */
export function catalogImageKey(imageHash: string): string | undefined {
  return /^[0-9a-f]{64}$/.test(imageHash) ? `catalog-images/${imageHash.slice(0, 2)}/${imageHash}` : undefined;
}

/** Puts the photo in the shared storage unless it is there already. */
export async function shareCatalogImage(storage: BlobStorage, imageHash: string, bytes: Uint8Array): Promise<void> {
  const key = catalogImageKey(imageHash);
  if (key && !(await storage.has(key))) await storage.put(key, bytes);
}

/** A hit's photo: from its path, or, when this machine cannot read that path, from the storage; otherwise the path's error. */
export async function readCatalogImage(product: { imagePath: string; imageHash: string }, storage?: BlobStorage): Promise<Buffer> {
  try {
    return await readFile(product.imagePath);
  } catch (err) {
    const key = storage && catalogImageKey(product.imageHash);
    const shared = key ? await storage!.get(key) : undefined;
    if (shared) return shared;
    throw err;
  }
}

/** The catalog rows of `ids` with their photos, as generation references in the order given; ids no longer stored are left out. */
export async function catalogReferences(store: VectorStore, ids: readonly string[], storage?: BlobStorage): Promise<ReferenceImage[]> {
  const byId = new Map(((await store.get(ids)) as ProductRecord[]).map((r) => [r.id, r]));
  const references: ReferenceImage[] = [];
  for (const id of ids) {
    const product = byId.get(id);
    if (product) references.push({ product, bytes: await readCatalogImage(product, storage) });
  }
  return references;
}
