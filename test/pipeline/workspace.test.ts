import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { newRunId, safeFileStem } from '../../src/pipeline/workspace.js';

describe('safeFileStem', () => {
  it('keeps plain ids as they are', () => {
    expect(safeFileStem('NEW001')).toBe('NEW001');
    expect(safeFileStem('sku-12.a_b')).toBe('sku-12.a_b');
  });

  it('never lets an id leave its folder or name a hidden file', () => {
    for (const id of ['../../etc/passwd', '..', '.', '/abs/path', 'a/b', 'a\\b', '.hidden', 'C:\\x', '\0nul']) {
      const stem = safeFileStem(id);
      expect(stem).not.toMatch(/[\\/\0]/);
      expect(stem.startsWith('.')).toBe(false);
      expect(path.join('/runs/r1', stem).startsWith('/runs/r1/')).toBe(true);
    }
  });

  it('gives different ids different stems, Chinese included', () => {
    const ids = ['a b', 'a_b', 'a/b', '连衣裙 01', '连衣裙_01', "x' OR 1=1 --"];
    expect(new Set(ids.map(safeFileStem)).size).toBe(ids.length);
    expect(safeFileStem('连衣裙 01')).toMatch(/^连衣裙_01-[0-9a-f]{6}$/);
  });
});

describe('newRunId', () => {
  it('sorts by time and is safe as a folder name', () => {
    const a = newRunId(new Date('2026-11-21T07:30:12Z'));
    const b = newRunId(new Date('2026-11-21T07:30:13Z'));
    expect(a).toMatch(/^20261121-073012-[0-9a-f]{4}$/);
    expect(a < b).toBe(true);
  });
});
