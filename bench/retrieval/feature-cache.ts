/**
 * Embeds the photo set once per embedder id and caches the vectors (and the per-image timings) in
 * bench/out/retrieval/, so reruns of the benchmark are quick. The cache is keyed by the embedder id, which
 * changes whenever the recipe changes.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Embedder } from '../../src/ports/embedder.js';
import { REPO_ROOT } from '../../src/util/paths.js';
import type { FashionItem } from './fashion-set.js';

export const CACHE_DIR = path.join(REPO_ROOT, 'bench', 'out', 'retrieval');

export interface EmbeddedSet {
  embedderId: string;
  dimension: number;
  ids: string[];
  vectors: Float32Array[];
  /** Wall time of embedImages([one image]) per image, decode included, in ms. */
  msPerImage: number[];
  /** Resident set size (MB) after the first image and after the last: memory must not grow with the count. */
  rssMb?: [number, number];
}

function cacheFiles(embedderId: string) {
  const base = path.join(CACHE_DIR, embedderId.replace(/[^A-Za-z0-9._-]+/g, '_'));
  return { meta: `${base}.json`, data: `${base}.f32` };
}

export async function embedSetCached(embedder: Embedder, items: readonly FashionItem[], log: (line: string) => void): Promise<EmbeddedSet> {
  const files = cacheFiles(embedder.id);
  const ids = items.map((i) => i.id);
  if (fs.existsSync(files.meta) && fs.existsSync(files.data)) {
    const meta = JSON.parse(fs.readFileSync(files.meta, 'utf8')) as Omit<EmbeddedSet, 'vectors'>;
    if (meta.embedderId === embedder.id && meta.dimension === embedder.dimension && meta.ids.join() === ids.join()) {
      const flat = new Float32Array(new Uint8Array(fs.readFileSync(files.data)).buffer);
      const vectors = ids.map((_, i) => flat.slice(i * meta.dimension, (i + 1) * meta.dimension));
      log(`  ${embedder.id}: ${ids.length} vectors from cache ${path.relative(REPO_ROOT, files.data)}`);
      return { ...meta, vectors };
    }
  }
  log(`  ${embedder.id}: embedding ${items.length} photos one at a time (timed)…`);
  await embedder.embedImages([fs.readFileSync(items[0].imagePath)]); // warm-up: model load and first-call compilation
  const vectors: Float32Array[] = [];
  const msPerImage: number[] = [];
  const rss = () => Math.round(process.memoryUsage().rss / 2 ** 20);
  let rssFirst = 0;
  const started = performance.now();
  for (const [i, item] of items.entries()) {
    const t0 = performance.now();
    const [v] = await embedder.embedImages([fs.readFileSync(item.imagePath)]);
    msPerImage.push(performance.now() - t0);
    vectors.push(v);
    if (i === 0) rssFirst = rss();
    if ((i + 1) % 200 === 0) log(`    ${i + 1}/${items.length} (${((performance.now() - started) / (i + 1)).toFixed(0)} ms/image so far)`);
  }
  fs.mkdirSync(CACHE_DIR, { recursive: true });
  const flat = new Float32Array(vectors.length * embedder.dimension);
  vectors.forEach((v, i) => flat.set(v, i * embedder.dimension));
  fs.writeFileSync(files.data, Buffer.from(flat.buffer));
  const meta = { embedderId: embedder.id, dimension: embedder.dimension, ids, msPerImage, rssMb: [rssFirst, rss()] as [number, number] };
  fs.writeFileSync(files.meta, JSON.stringify(meta));
  return { ...meta, vectors };
}

export interface Timing {
  /** Median wall time of embedImages([one photo]), decode included, ms. */
  wallMs: number;
  /** Median CPU time (user + system, all threads of the process) of the same calls, ms: less sensitive to other jobs. */
  cpuMs: number;
  images: number;
}

/** Times `embedder` on `sample` one photo at a time, after one warm-up call (model load). */
export async function timeEmbedder(embedder: Embedder, sample: readonly FashionItem[]): Promise<Timing> {
  const photos = sample.map((item) => fs.readFileSync(item.imagePath));
  await embedder.embedImages([photos[0]]);
  const wall: number[] = [];
  const cpu: number[] = [];
  for (const photo of photos) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    await embedder.embedImages([photo]);
    const c = process.cpuUsage(c0);
    wall.push(performance.now() - t0);
    cpu.push((c.user + c.system) / 1000);
  }
  return { wallMs: median(wall), cpuMs: median(cpu), images: photos.length };
}

export function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}
