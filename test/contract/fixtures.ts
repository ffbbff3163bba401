/**
 * Inputs the port contracts share: small photos drawn in code (kept small, since the offline adapters
 * spend their time per pixel), a new product, catalog rows and a style brief.
 */
import type { NewProduct } from '../../src/core/product.js';
import type { StyleBrief } from '../../src/core/style-brief.js';
import type { ReferenceImage } from '../../src/ports/style-analyzer.js';
import type { ProductRecord } from '../../src/ports/vector-store.js';
import { busyScene, flatLay, tshirtShape } from '../helpers/synthetic-images.js';

const WIDTH = 160;
const HEIGHT = 200;
const COLOURS = ['#c0392b', '#1f4e9c', '#27ae60', '#d4a017', '#8e44ad', '#16a085', '#e67e22', '#2c3e50', '#7f8c8d', '#e84393'];

/**
 * `count` different photos: T-shirts of different colours on a near-white backdrop, every third one a busy
 * scene instead, so an embedder gives each its own vector.
 */
export async function distinctPhotos(count: number): Promise<Buffer[]> {
  return Promise.all(
    Array.from({ length: count }, async (_, i) =>
      i % 3 === 2 ? busyScene(WIDTH, HEIGHT, 11 + i) : (await flatLay(WIDTH, HEIGHT, tshirtShape(WIDTH, HEIGHT, COLOURS[i % COLOURS.length]))).bytes,
    ),
  );
}

/** A flat-lay product photo whose cut-out is reliable (a plain backdrop, the product well inside the frame). */
export async function productPhoto(): Promise<Buffer> {
  return (await flatLay(240, 300, tshirtShape(240, 300, '#1fa34a'))).bytes;
}

/** Bytes no image decoder reads. */
export const UNREADABLE_IMAGE = Buffer.from('this is not an image file');

export const NEW_PRODUCT: NewProduct = {
  newId: 'NEW-CONTRACT-1',
  imagePath: 'NEW-CONTRACT-1.jpg',
  category: 'Tshirts',
  style: 'casual',
  season: 'summer',
  promptHint: 'relaxed cotton tee',
  attributes: {},
};

export function catalogRow(id: string): ProductRecord {
  return {
    id,
    category: 'Tshirts',
    color: 'green',
    style: 'casual',
    season: 'summer',
    salesCount: 1200,
    price: 19.9,
    description: `Best seller ${id}: a cotton tee shot on a plain backdrop`,
    imagePath: `/catalog/${id}.jpg`,
    imageHash: `hash-${id}`,
    attributes: {},
    keywords: 'cotton tee',
  };
}

export function references(photos: readonly Buffer[]): ReferenceImage[] {
  return photos.map((bytes, i) => ({ product: catalogRow(`SKU-${i + 1}`), bytes }));
}

export const BRIEF: StyleBrief = {
  scene: 'plain light studio backdrop',
  background: 'seamless off-white backdrop',
  lighting: 'soft, even studio light',
  colorTone: 'neutral, softly saturated',
  palette: ['#f4f2ee', '#1fa34a', '#333333'],
  composition: 'product centred, some headroom',
  pose: 'garment laid flat, front-on',
  mood: 'fresh and casual',
  props: [],
  negatives: ['exposed labels or tags', 'text or watermarks'],
  prompt: 'A clean studio photo of a green cotton tee laid flat on an off-white backdrop, soft even light.',
};
