import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { jsonText, terminalSafe, terminalSafeLines } from '../../src/util/terminal-text.js';
import { createProgress } from '../../src/util/progress.js';

const ESC = '\u001b';
const BEL = '\u0007';
const HOSTILE = `${ESC}[2J${ESC}[31mred${ESC}[0m ${ESC}]0;title${BEL} ${ESC}]52;c;aGk=${BEL} \u202eevil\u202c \u2066iso\u2069 \u009b31m \u0000\u007f\r\n\t`;
/** Everything a terminal would act on: C0 but LF/TAB, DEL, C1, bidi overrides and isolates. */
const ACTIVE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('terminal-safe text', () => {
  it('shows every control character, escape sequence and bidi override escaped and visible', () => {
    expect(terminalSafe(HOSTILE)).toBe(
      '\\x1b[2J\\x1b[31mred\\x1b[0m \\x1b]0;title\\x07 \\x1b]52;c;aGk=\\x07 \\u202eevil\\u202c \\u2066iso\\u2069 \\x9b31m \\x00\\x7f\\x0d\\x0a\\x09',
    );
    expect(terminalSafe(HOSTILE)).not.toMatch(/[\u0000-\u001f]/);
  });

  it('keeps line feeds and tabs in multi-line text, and escapes a carriage return', () => {
    const safe = terminalSafeLines(`a\tb\nc\r${ESC}[2Jd`);
    expect(safe).toBe('a\tb\nc\\x0d\\x1b[2Jd');
    expect(terminalSafeLines(HOSTILE)).not.toMatch(ACTIVE);
  });

  it('leaves ordinary text, Chinese and emoji alone, and changes nothing the second time', () => {
    const plain = '春季新款连衣裙 · Pink floral midi dress 👗 — ¥129';
    expect(terminalSafe(plain)).toBe(plain);
    expect(terminalSafe(terminalSafe(HOSTILE))).toBe(terminalSafe(HOSTILE));
  });

  it('writes JSON that parses to the exact value, with nothing raw a terminal acts on', () => {
    const value = { description: HOSTILE, nested: [{ id: `x\u202ey` }] };
    const text = jsonText(value, 2);
    expect(text).not.toMatch(ACTIVE);
    expect(JSON.parse(text)).toEqual(value);
    expect(jsonText('\u009b')).toBe('"\\u009b"');
  });

  it('progress lines on a terminal and as JSON carry no raw sequence', () => {
    for (const isTTY of [true, false]) {
      let text = '';
      const stream = Object.assign(new Writable({ write(chunk, _e, cb) { text += chunk.toString(); cb(); } }), { isTTY, columns: 400 });
      const progress = createProgress(stream, 'auto');
      progress.start(`match ${ESC}]0;x${BEL}`, 2);
      progress.note(`product NEW${ESC}[2J failed: category "dress${ESC}[31m"`);
      progress.finish('match', `\u202edone`);
      // The terminal display uses ESC[K and ESC[nA itself; the catalog's sequences must not get through.
      for (const raw of [`${ESC}[2J`, `${ESC}[31m`, `${ESC}]0;`, BEL, '\u202e']) expect(text).not.toContain(raw);
      if (isTTY) expect(text).toContain('product NEW\\x1b[2J failed');
      else expect(text.trim().split('\n').map((l) => JSON.parse(l).message).filter(Boolean)).toEqual([`product NEW${ESC}[2J failed: category "dress${ESC}[31m"`]);
    }
  });
});
