/** The row rules both stores enforce (src/adapters/store-rules/row-schema.ts), with the messages they refuse with. */
import { describe, expect, it } from 'vitest';
import { checkRows } from '../../../src/adapters/store-rules/index.js';
import { EmbedderMismatchError, UserInputError, type HitlineError } from '../../../src/core/errors.js';
import type { StoredProduct } from '../../../src/ports/vector-store.js';
import { makeProduct } from '../../contract/vector-store/fixture.js';

const EMBEDDER = { embedderId: 'e', dimension: 4 };

/** A 4-d product that fits (an image hash of its own length, whatever the id). */
function product(id: string, fields: Partial<StoredProduct> = {}): StoredProduct {
  return makeProduct(id, { imageHash: 'f'.repeat(64), vector: Float32Array.from([0.5, 0.25, 0.125, 0.0625]), ...fields });
}

function refusal(rows: StoredProduct[]): HitlineError {
  try {
    checkRows(rows, EMBEDDER);
  } catch (err) {
    return err as HitlineError;
  }
  throw new Error('checkRows accepted the rows');
}

describe('checkRows', () => {
  it('accepts a product that fits, and plain arrays as vectors', () => {
    expect(checkRows([product('ok')], EMBEDDER)).toEqual([product('ok')]);
    expect(() => checkRows([product('arr', { vector: [1, 0, 0, 0] as unknown as Float32Array })], EMBEDDER)).not.toThrow();
  });

  it('refuses, naming the product and the field: long strings in bytes, fractional sales counts, bad prices, wrong or non-finite vectors', () => {
    const cases: Array<[StoredProduct, RegExp, Function]> = [
      [product('cat', { category: 'é'.repeat(129) }), /"cat": category is 258 bytes of UTF-8; at most 256 are stored/, UserInputError],
      [product('hash', { imageHash: 'x'.repeat(129) }), /"hash": imageHash is 129 bytes/, UserInputError],
      [product('sales', { salesCount: 3.5 }), /"sales": salesCount must be a whole number >= 0, got 3\.5$/, UserInputError],
      [product('price', { price: Number.NaN }), /"price": price must be a number >= 0, or null for no price, got NaN$/, UserInputError],
      [product('dim', { vector: new Float32Array(3) }), /"dim": vector has 3 dimensions, but this store holds 4-d vectors from embedder "e"/, EmbedderMismatchError],
      [product('nan', { vector: Float32Array.from([0, Number.NaN, 0, 0]) }), /"nan": vector\[1\] is NaN; vector values must be finite numbers/, UserInputError],
      [product('zero', { vector: new Float32Array(4) }), /"zero": vector is all zeros$/, UserInputError],
      [product('attr', { attributes: { a: 'x'.repeat(70_000) } }), /"attr": attributes is 70\d\d\d bytes of UTF-8; at most 65536 are stored/, UserInputError],
      [product('', {}), /^product "": id must not be empty, got ""$/, UserInputError],
    ];
    for (const [p, message, type] of cases) {
      const err = refusal([product('fine'), p]);
      expect(err, p.id).toBeInstanceOf(type);
      expect(err.message).toMatch(message);
      expect(err.hint, p.id).toBeTruthy();
      expect(err.retryable).toBe(false);
    }
  });

  it('lists up to three problems of a row and counts the rest', () => {
    const err = refusal([{ id: 'bare' } as StoredProduct]);
    expect(err.message).toBe(
      'product "bare": category must be text, got nothing; color must be text, got nothing; style must be text, got nothing; and 9 more',
    );
  });

  it('shortens a long id in the message and names a row that is not an object', () => {
    expect(refusal([product('x'.repeat(300))]).message).toBe(`product "${'x'.repeat(77)}...": id is 300 bytes of UTF-8; at most 256 are stored`);
    expect(refusal([null as unknown as StoredProduct]).message).toBe('a product: must be an object, got null');
  });

  it('gives a hint that says what to fix for each field', () => {
    expect(refusal([product('s', { salesCount: -1 })]).hint).toMatch(/sales_count/);
    expect(refusal([product('p', { price: -1 })]).hint).toMatch(/price/);
    expect(refusal([product('d', { description: '羽'.repeat(22_000) })]).hint).toMatch(/Shorten description/);
    expect(refusal([product('z', { vector: new Float32Array(4) })]).hint).toMatch(/embedder found nothing/);
    expect(refusal([product('v', { vector: new Float32Array(5) })]).hint).toMatch(/--reindex/);
  });

  it('keeps the last of duplicate ids, where it last occurred', () => {
    const rows = [product('a', { color: 'green' }), product('b'), product('a', { color: 'blue' })];
    expect(checkRows(rows, EMBEDDER).map((p) => [p.id, p.color])).toEqual([
      ['b', 'red'],
      ['a', 'blue'],
    ]);
  });
});
