import fs from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createLocalStyleAnalyzer } from '../../../src/adapters/local/analyzer/index.js';
import type { ReferenceImage } from '../../../src/ports/style-analyzer.js';
import { styleBriefProblems, wordCount } from '../../../src/core/style-brief.js';
import type { NewProduct } from '../../../src/core/product.js';
import { colorDistance, parseColor } from '../../../src/imaging/color.js';
import type { ProductRecord } from '../../../src/ports/vector-store.js';
import { HitlineError, UserInputError } from '../../../src/core/errors.js';
import { fashionDataDir } from '../../../src/util/paths.js';
import { busyScene, flatLay, tshirtShape } from '../../helpers/synthetic-images.js';

function record(id: string, fields: Partial<ProductRecord> = {}): ProductRecord {
  return {
    id,
    category: 'midi_dress',
    color: 'red',
    style: 'casual',
    season: 'summer',
    salesCount: 2000,
    price: null,
    description: 'a dress',
    imagePath: `/catalog/${id}.jpg`,
    imageHash: 'x',
    attributes: {},
    keywords: '',
    ...fields,
  };
}

const newProduct: NewProduct = {
  newId: 'NEW001',
  imagePath: 'NEW001.jpg',
  category: 'midi_dress',
  style: 'elegant',
  season: 'autumn',
  promptHint: 'knit cardigan\nwith pearl buttons',
  attributes: {},
};

let darkWarm: Buffer;
let brightCool: Buffer;
let shoeShot: Buffer;

beforeAll(async () => {
  darkWarm = (await flatLay(240, 320, tshirtShape(240, 320, '#b0582a'), { top: [72, 46, 30], bottom: [40, 26, 16], noise: 2 })).bytes;
  brightCool = (await flatLay(240, 320, tshirtShape(240, 320, '#3a6fd0'), { top: [236, 242, 252], bottom: [226, 234, 248], noise: 2 })).bytes;
  shoeShot = (await flatLay(320, 240, '<ellipse cx="160" cy="130" rx="110" ry="45" fill="#c0302a"/>', { top: [248, 248, 248], bottom: [240, 240, 240], noise: 2 })).bytes;
});

const analyzer = createLocalStyleAnalyzer();
const refs = (...items: [string, Buffer, Partial<ProductRecord>?][]): ReferenceImage[] => items.map(([id, bytes, f]) => ({ product: record(id, f), bytes }));

describe('local style analyzer', () => {
  it('has a stable id', () => {
    expect(analyzer.id).toBe('local/measured@1');
  });

  it('produces a brief that passes the schema check, with a prompt of at most 100 words', async () => {
    const brief = await analyzer.analyze({ product: newProduct, references: refs(['SKU1', brightCool], ['SKU2', darkWarm], ['SKU3', brightCool]) });
    expect(styleBriefProblems(brief)).toEqual([]);
    expect(wordCount(brief.prompt)).toBeLessThanOrEqual(100);
    expect(brief.prompt).toContain('knit cardigan with pearl buttons');
    expect(brief.prompt).not.toContain('\n');
  });

  it('describes a dark warm reference set differently from a bright cool one', async () => {
    const dark = await analyzer.analyze({ product: newProduct, references: refs(['D', darkWarm]) });
    const bright = await analyzer.analyze({ product: newProduct, references: refs(['B', brightCool]) });
    expect(dark.lighting).toMatch(/low-key|dim/);
    expect(bright.lighting).toMatch(/high-key|bright/);
    expect(dark.colorTone).toMatch(/^warm/);
    expect(bright.colorTone).toMatch(/^cool/);
    expect(dark.scene).not.toBe(bright.scene);
    expect(dark.mood).toMatch(/dark and moody/);
    expect(bright.mood).toMatch(/bright and airy/);
    // The palette is measured: each brief holds its reference's garment colour.
    const near = (palette: string[], hex: string) => palette.some((p) => colorDistance(parseColor(p), parseColor(hex)) < 30);
    expect(near(dark.palette, '#b0582a')).toBe(true);
    expect(near(bright.palette, '#3a6fd0')).toBe(true);
    expect(near(dark.palette, '#3a6fd0')).toBe(false);
  });

  it('weights the best match most: the same references in the other order give the other light', async () => {
    const darkFirst = await analyzer.analyze({ product: newProduct, references: refs(['D', darkWarm], ['B', brightCool]) });
    const brightFirst = await analyzer.analyze({ product: newProduct, references: refs(['B', brightCool], ['D', darkWarm]) });
    expect(darkFirst.colorTone).toMatch(/^warm/);
    expect(brightFirst.colorTone).not.toMatch(/^warm/);
    expect(darkFirst.palette[0]).not.toBe(brightFirst.palette[0]);
  });

  it('reads the backdrop: plain studio vs busy scene', async () => {
    const studio = await analyzer.analyze({ product: newProduct, references: refs(['B', brightCool]) });
    expect(studio.scene).toMatch(/plain light studio backdrop/);
    const busy = await analyzer.analyze({ product: newProduct, references: refs(['X', await busyScene(300, 400)]) });
    expect(busy.scene).toMatch(/textured or outdoor scene/);
    expect(busy.background).toMatch(/busy/);
    expect(busy.composition).toMatch(/not measurable/);
  });

  it('poses by product kind: footwear is arranged, apparel is worn or shown front-on', async () => {
    const shoes = await analyzer.analyze({ product: { ...newProduct, category: 'Casual Shoes' }, references: refs(['S', shoeShot, { category: 'Casual Shoes' }]) });
    expect(shoes.pose).toMatch(/shoe/);
    expect(shoes.negatives.join(' ')).toMatch(/distorted, warped or re-designed product/);
    const dress = await analyzer.analyze({ product: newProduct, references: refs(['B', brightCool]) });
    expect(dress.pose).toMatch(/garment/);
    expect(dress.negatives.join(' ')).toMatch(/garment/);
  });

  it("takes props from the references' descriptions, not the product itself", async () => {
    const withProps = await analyzer.analyze({
      product: newProduct,
      references: refs(['A', brightCool, { description: 'Linen dress styled with a straw hat and sunglasses on a wooden chair' }], ['B', brightCool, { description: 'Dress with a hat' }]),
    });
    expect(withProps.props[0]).toBe('hat');
    expect(withProps.props).toEqual(expect.arrayContaining(['hat', 'sunglasses', 'chair']));
    const hats = await analyzer.analyze({
      product: { ...newProduct, category: 'Hats' },
      references: refs(['A', brightCool, { category: 'Hats', description: 'Straw hat shown with sunglasses' }]),
    });
    expect(hats.props).toEqual(['sunglasses']);
    const none = await analyzer.analyze({ product: newProduct, references: refs(['A', brightCool, { description: 'Floral ruffle maxi dress' }]) });
    expect(none.props).toEqual([]);
  });

  it("always carries the tutorial's remedies as negatives", async () => {
    const brief = await analyzer.analyze({ product: newProduct, references: refs(['B', brightCool]) });
    const all = brief.negatives.join(' | ');
    expect(all).toMatch(/labels or tags/);
    expect(all).toMatch(/extra items/);
    expect(all).toMatch(/text.*watermarks/);
    expect(all).toMatch(/distorted/);
  });

  it('is deterministic', async () => {
    const request = { product: newProduct, references: refs(['A', darkWarm], ['B', brightCool]) };
    expect(await analyzer.analyze(request)).toEqual(await analyzer.analyze(request));
  });

  it('refuses to analyze without references, saying what to do', async () => {
    const error = await analyzer.analyze({ product: newProduct, references: [] }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HitlineError);
    expect((error as HitlineError).message).toContain('NEW001');
    expect((error as HitlineError).hint).toContain('midi_dress');
  });

  it('names the catalog product whose image cannot be measured', async () => {
    const error = await analyzer.analyze({ product: newProduct, references: refs(['SKU9', Buffer.from('garbage')]) }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserInputError);
    expect((error as UserInputError).message).toContain('SKU9');
    expect((error as UserInputError).message).toContain('/catalog/SKU9.jpg');
  });
});

const fashion = fashionDataDir();
const haveFashion = fs.existsSync(path.join(fashion, 'images', '1563.jpg'));
if (!haveFashion) console.warn(`skipping real-photo analyzer test: ${fashion} not found (set HITLINE_FASHION_DIR)`);

describe.skipIf(!haveFashion)('local style analyzer on real catalog photos', () => {
  it('describes on-model T-shirt hits on a white studio backdrop', async () => {
    const read = (id: string) => fs.readFileSync(path.join(fashion, 'images', `${id}.jpg`));
    const brief = await analyzer.analyze({
      product: { ...newProduct, category: 'Tshirts', style: 'Casual' },
      references: refs(['1563', read('1563'), { category: 'Tshirts' }], ['2040', read('2040'), { category: 'Tshirts' }]),
    });
    expect(styleBriefProblems(brief)).toEqual([]);
    expect(brief.scene).toMatch(/plain light studio backdrop in white/);
    expect(brief.pose).toMatch(/^model standing/);
    expect(brief.composition).toMatch(/cut by the bottom edge/);
  });
});
