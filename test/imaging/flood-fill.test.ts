import { describe, expect, it } from 'vitest';
import { Flood, labelComponents, labelHoles } from '../../src/imaging/flood-fill.js';

/** A mask from rows of '#' (set) and '.' (unset). */
function mask(rows: string[]): { mask: Uint8Array; width: number; height: number } {
  const width = rows[0].length;
  return { mask: Uint8Array.from(rows.join('').split(''), (c) => (c === '#' ? 1 : 0)), width, height: rows.length };
}

/** Labels (or any per-pixel numbers) back as rows of digits, for readable expectations. */
const show = (values: ArrayLike<number>, width: number) => Array.from({ length: values.length / width }, (_, y) => Array.from({ length: width }, (_, x) => String(values[y * width + x])).join(''));

describe('labelComponents', () => {
  const m = mask([
    '##..#',
    '.#..#',
    '..#..',
    '#....',
  ]);

  it('joins diagonal neighbours when 8-connected, ids in the order of each component\'s first pixel', () => {
    const { labels, areas } = labelComponents(m.mask, m.width, m.height);
    expect(show(labels, m.width)).toEqual(['11002', '01002', '00100', '30000']);
    expect(areas).toEqual([0, 4, 2, 1]);
  });

  it('keeps diagonal neighbours apart when 4-connected', () => {
    const { labels, areas } = labelComponents(m.mask, m.width, m.height, { connectivity: 4 });
    expect(show(labels, m.width)).toEqual(['11002', '01002', '00300', '40000']);
    expect(areas).toEqual([0, 3, 2, 1, 1]);
  });

  it('with levels, joins neighbours only of the same level', () => {
    const row = mask(['######']);
    const levels = Int32Array.from([0, 0, 1, 1, 1, 0]);
    expect(show(labelComponents(row.mask, 6, 1, { connectivity: 4, levels }).labels, 6)).toEqual(['112223']);
  });
});

describe('labelHoles', () => {
  it('labels what the outline encloses, but not what leaks out through a gap, even a diagonal one', () => {
    const m = mask([
      '#####.....',
      '#...#.###.',
      '#...#.#.#.',
      '#####..##.',
      '..........',
    ]);
    // The right-hand ring's only gap is at a corner, between two diagonal neighbours: the outside, 4-connected,
    // cannot pass it, so the ring's inside is a hole too.
    const { labels, areas } = labelHoles(m.mask, m.width, m.height);
    expect(show(labels, m.width)).toEqual(['0000000000', '0111000000', '0111000200', '0000000000', '0000000000']);
    expect(areas).toEqual([0, 6, 1]);
  });
});

describe('Flood', () => {
  it('spreads from its seeds step by step, at most `steps` steps', () => {
    const flood = new Flood(7, 1).seed(3).spread(4, () => true, 2);
    expect(show(flood.reached, 7)).toEqual(['0111110']);
    expect(flood.count).toBe(5);
  });

  it('goes on under a new rule from every pixel reached so far after restart()', () => {
    // Cells: which rule admits each pixel. Stage 1 floods the 'a's from the border; stage 2 takes one step into 'b'.
    const cells = 'aab.bb.aa';
    const flood = new Flood(cells.length, 1)
      .seedBorder(Uint8Array.from(cells, (c) => (c === 'a' ? 1 : 0)))
      .spread(4, (q) => cells[q] === 'a');
    expect(show(flood.reached, cells.length)).toEqual(['110000011']);
    flood.restart().spread(4, (q) => cells[q] === 'b', 1);
    expect(show(flood.reached, cells.length)).toEqual(['111000011']);
  });

  it('passes the pixel it steps from, so a rule can compare neighbours', () => {
    const heights = [0, 1, 2, 9, 10];
    const flood = new Flood(5, 1).seed(0).spread(4, (q, from) => Math.abs(heights[q] - heights[from]) <= 1);
    expect(show(flood.reached, 5)).toEqual(['11100']);
  });
});
