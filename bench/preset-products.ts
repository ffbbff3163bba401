/** The new products the preset bench delivers: fashion-1204 photos (references: 3 photos of the same article type) and the demo catalog. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { readCsvTable } from '../src/catalog/csv-table.js';
import { readHitCatalog, readNewProducts } from '../src/catalog/read-catalog.js';
import type { HitProduct, NewProduct } from '../src/core/product.js';
import { buildDemoCatalog } from '../src/demo/index.js';
import type { ReferenceImage } from '../src/ports/style-analyzer.js';
import type { ProductRecord } from '../src/ports/vector-store.js';
import { fashionDataDir } from '../src/util/paths.js';

/** One new product with everything deliverPresets needs. */
export interface BenchProduct {
  product: NewProduct;
  photo: Buffer;
  references: ReferenceImage[];
}

export const COPY = { title_zh: '新品上市', price: '$29.99', badge: 'NEW' };

function record(id: string, h: Partial<HitProduct> & { imagePath: string }): ProductRecord {
  return {
    id, category: h.category ?? '', color: h.color ?? '', style: h.style ?? '', season: h.season ?? '', salesCount: h.salesCount ?? 0, price: h.price ?? null,
    description: h.description ?? '', imagePath: h.imagePath, imageHash: id, attributes: {}, keywords: '',
  };
}

export async function fashionProducts(count: number): Promise<BenchProduct[]> {
  const dir = fashionDataDir();
  const styles = await readCsvTable(path.join(dir, 'styles.csv'), { required: ['id', 'articletype', 'productdisplayname'], known: [] });
  const rows = styles.rows.map((r) => ({ id: r.cell('id'), type: r.cell('articletype'), colour: r.cell('basecolour'), usage: r.cell('usage'), season: r.cell('season'), name: r.cell('productdisplayname') }));
  const byType = new Map<string, typeof rows>();
  for (const r of rows) byType.set(r.type, [...(byType.get(r.type) ?? []), r]);
  // Every k-th photo (in id order) whose article type has at least 4 photos, so 3 references exist.
  const eligible = rows.filter((r) => (byType.get(r.type)?.length ?? 0) >= 4).sort((a, b) => Number(a.id) - Number(b.id));
  const step = Math.max(1, Math.floor(eligible.length / count));
  const out: BenchProduct[] = [];
  for (let i = 0; i < eligible.length && out.length < count; i += step) {
    const r = eligible[i];
    const refs = (byType.get(r.type) ?? []).filter((x) => x.id !== r.id).slice(0, 3);
    out.push({
      product: {
        newId: `F${r.id}`, imagePath: `${r.id}.jpg`, category: r.type, style: r.usage, season: r.season, promptHint: r.name,
        attributes: { title: r.name.slice(0, 60), ...COPY },
      },
      photo: await readFile(path.join(dir, 'images', `${r.id}.jpg`)),
      references: await Promise.all(refs.map(async (x) => ({
        product: record(x.id, { imagePath: path.join(dir, 'images', `${x.id}.jpg`), category: x.type, color: x.colour, style: x.usage, season: x.season, description: x.name }),
        bytes: await readFile(path.join(dir, 'images', `${x.id}.jpg`)),
      }))),
    });
  }
  return out;
}

export async function demoProducts(count: number, dir: string): Promise<BenchProduct[]> {
  const demo = await buildDemoCatalog(dir, { newProducts: count });
  const hits = (await readHitCatalog(demo.catalogCsv, demo.imagesDir)).rows;
  const news = (await readNewProducts(demo.newCsv, demo.newImagesDir)).rows;
  return Promise.all(news.map(async (n) => {
    const top = hits.filter((h) => h.value.category === n.value.category).sort((a, b) => b.value.salesCount - a.value.salesCount).slice(0, 3);
    return {
      product: { ...n.value, attributes: { ...n.value.attributes, title: n.value.promptHint.slice(0, 60) || n.value.category, ...COPY } },
      photo: await readFile(n.imageAbsPath),
      references: await Promise.all(top.map(async (h) => ({ product: record(h.value.productId, { ...h.value, imagePath: h.imageAbsPath }), bytes: await readFile(h.imageAbsPath) }))),
    };
  }));
}
