import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../src/catalog/csv.js';
import { csvField, toCsv } from '../../src/demo/csv-writer.js';

describe('demo csv writer', () => {
  it('leaves plain fields bare and quotes commas, quotes and line breaks', () => {
    expect(csvField('midi_dress')).toBe('midi_dress');
    expect(csvField(1500)).toBe('1500');
    expect(csvField('red, floral')).toBe('"red, floral"');
    expect(csvField('the "it" bag')).toBe('"the ""it"" bag"');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
  });

  it('round-trips through the catalog reader\'s CSV parser, Chinese included', () => {
    const header = ['id', 'text', 'n'];
    const rows = [
      ['A1', 'Red floral chiffon midi dress with puff sleeves, romantic summer style', 3200],
      ['A2', '春季新款连衣裙，"quoted" words', 40],
      ['A3', 'line one\nline two', 0],
    ];
    const text = toCsv(header, rows);
    expect(text.endsWith('\n')).toBe(true);
    const records = parseCsv(text, 'test.csv').map((r) => r.fields);
    expect(records).toEqual([header, ...rows.map((r) => r.map(String))]);
  });
});
