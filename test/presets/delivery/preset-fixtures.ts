/** Drawn test images and inputs for the preset, render and delivery tests (no binaries in the repo). */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import sharp from 'sharp';
import type { ReferenceImage } from '../../../src/ports/style-analyzer.js';
import type { StyleBrief } from '../../../src/core/style-brief.js';
import type { NewProduct } from '../../../src/core/product.js';
import type { GenerateRequest, GenerateResult, ImageGenerator } from '../../../src/ports/image-generator.js';
import type { ProductRecord } from '../../../src/ports/vector-store.js';
import { fashionDataDir } from '../../../src/util/paths.js';

/** A T-shirt drawn flat on a plain backdrop: body colour, a contrasting stripe and a pocket. */
export async function teeShirtPhoto(options: { color?: string; stripe?: string; backdrop?: string; width?: number; height?: number } = {}): Promise<Buffer> {
  const { color = '#c0392b', stripe = '#f1c40f', backdrop = '#e9e9e6', width = 600, height = 800 } = options;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 600 800">
    <rect width="600" height="800" fill="${backdrop}"/>
    <path d="M200 150 L255 120 Q300 160 345 120 L400 150 L500 250 L445 310 L410 280 L410 660 L190 660 L190 280 L155 310 L100 250 Z" fill="${color}"/>
    <rect x="190" y="380" width="220" height="40" fill="${stripe}"/>
    <rect x="320" y="200" width="50" height="60" fill="none" stroke="#222" stroke-width="4"/>
  </svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 92 }).toBuffer();
}

/** A product on a busy, textured background (a street-like scene): the cut-out must refuse it. */
export async function busyPhoto(width = 600, height = 800): Promise<Buffer> {
  const data = Buffer.alloc(width * height * 3);
  let seed = 7;
  const rand = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = (y * width + x) * 3;
      const tile = ((x >> 4) + (y >> 4)) % 3;
      data[i] = 60 + tile * 60 + rand() * 60;
      data[i + 1] = 90 + ((x * 7) % 80) + rand() * 40;
      data[i + 2] = 40 + ((y * 5) % 120) + rand() * 50;
    }
  }
  const product = await teeShirtPhoto({ width: 300, height: 400, backdrop: '#7a6a5a' });
  return sharp(data, { raw: { width, height, channels: 3 } }).composite([{ input: product, left: 150, top: 200 }]).jpeg({ quality: 90 }).toBuffer();
}

/** A studio reference photo (a best seller): a plain warm backdrop with a subject. */
export async function referencePhoto(backdrop = '#efe6da'): Promise<Buffer> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="600" height="800">
    <defs><linearGradient id="g" x1="0" y1="0" x2="0" y2="1"><stop offset="0" stop-color="${backdrop}"/><stop offset="1" stop-color="#d9cbb8"/></linearGradient></defs>
    <rect width="600" height="800" fill="url(#g)"/>
    <rect x="200" y="180" width="200" height="460" rx="40" fill="#2e4057"/>
  </svg>`;
  return sharp(Buffer.from(svg)).jpeg({ quality: 90 }).toBuffer();
}

export function productRow(attributes: Record<string, string> = {}): NewProduct {
  return { newId: 'NEW-001', imagePath: 'new-001.jpg', category: 'tshirts', style: 'casual', season: 'summer', promptHint: '', attributes };
}

export function brief(overrides: Partial<StyleBrief> = {}): StyleBrief {
  return {
    scene: 'plain light studio backdrop', background: 'warm beige seamless paper', lighting: 'soft key light from the left',
    colorTone: 'warm, moderate saturation', palette: ['#efe6da', '#2e4057'], composition: 'product centred, three quarters of the frame',
    pose: 'flat lay, product laid out', mood: 'clean and calm', props: [], negatives: ['clutter'], prompt: 'a clean studio product photo of the shirt',
    ...overrides,
  };
}

export function referenceRecord(id: string, bytes: Buffer): ReferenceImage {
  const product: ProductRecord = {
    id, category: 'tshirts', color: 'navy', style: 'casual', season: 'summer', salesCount: 900, price: 19.9, description: 'best seller',
    imagePath: `/catalog/${id}.jpg`, imageHash: `hash-${id}`, attributes: {}, keywords: 'tshirt',
  };
  return { product, bytes };
}

/**
 * Wraps a generator so the first `failures` calls return the product recoloured (hue turned half way round):
 * the classic "the model changed my product's colour" failure.
 */
export function recolouringGenerator(inner: ImageGenerator, failures: number, id = `${inner.id}+recolour`): ImageGenerator & { calls: GenerateRequest[] } {
  const calls: GenerateRequest[] = [];
  return {
    ...inner,
    id,
    calls,
    async generate(request): Promise<GenerateResult> {
      calls.push(request);
      const result = await inner.generate(request);
      if (calls.length > failures) return result;
      const images = await Promise.all(result.images.map(async (img) => ({ ...img, bytes: await sharp(img.bytes).modulate({ hue: 180 }).png().toBuffer(), mime: 'image/png' as const })));
      return { ...result, images };
    },
  };
}

/** exiftool's JSON for some tags, or null when exiftool is not installed. */
export function exiftool(file: string, tags: string[]): Record<string, unknown> | null {
  try {
    const out = execFileSync('exiftool', ['-j', '-struct', ...tags.map((t) => `-${t}`), file], { encoding: 'utf8' });
    return (JSON.parse(out) as Record<string, unknown>[])[0];
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

export const HAS_EXIFTOOL = (() => {
  try {
    execFileSync('exiftool', ['-ver'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

/** The real fashion photo set, or null (with the reason) when it is absent. */
export function fashionImages(): { dir: string; files: string[] } | null {
  const dir = path.join(fashionDataDir(), 'images');
  if (!existsSync(dir)) return null;
  return { dir, files: readdirSync(dir).filter((f) => f.endsWith('.jpg')).sort() };
}
