import { describe, expect, it } from 'vitest';
import { CsvSyntaxError, parseCsv } from '../../src/catalog/csv.js';
import { decodeCsvBytes } from '../../src/catalog/csv-text.js';
import { UserInputError } from '../../src/core/errors.js';

const fields = (text: string) => parseCsv(text, 'x.csv').map((r) => r.fields);

describe('parseCsv', () => {
  it('splits plain records on commas and LF', () => {
    expect(fields('a,b,c\n1,2,3\n')).toEqual([['a', 'b', 'c'], ['1', '2', '3']]);
  });

  it('keeps commas, doubled quotes and line breaks inside quoted fields', () => {
    const text = 'id,description\n1,"red, white and blue"\n2,"the ""best"" dress"\n3,"line one\nline two\r\nline three"\n';
    expect(fields(text)).toEqual([
      ['id', 'description'],
      ['1', 'red, white and blue'],
      ['2', 'the "best" dress'],
      ['3', 'line one\nline two\r\nline three'],
    ]);
  });

  it('reports the physical line each record starts on, counting line breaks inside quotes', () => {
    const records = parseCsv('h1,h2\n"a\nb\nc",x\n\nlast,y', 'x.csv');
    expect(records.map((r) => r.line)).toEqual([1, 2, 6]);
    // A CRLF inside a quoted field is one line break, as outside.
    expect(parseCsv('h1,h2\r\n"a\r\nb",x\r\nlast,y\r\n', 'x.csv').map((r) => r.line)).toEqual([1, 2, 4]);
  });

  it('reads CRLF, LF and lone-CR line ends alike', () => {
    const expected = [['a', 'b'], ['1', '2'], ['3', '4']];
    expect(fields('a,b\r\n1,2\r\n3,4\r\n')).toEqual(expected);
    expect(fields('a,b\r1,2\r3,4')).toEqual(expected);
    expect(fields('a,b\n1,2\r\n3,4')).toEqual(expected);
  });

  it('skips blank lines but keeps a record made of one quoted empty field', () => {
    expect(fields('a\n\n\n1\n""\n')).toEqual([['a'], ['1'], ['']]);
  });

  it('keeps empty fields, including a trailing one', () => {
    expect(fields('a,,c,\n,,,\n')).toEqual([['a', '', 'c', ''], ['', '', '', '']]);
    expect(fields('a,b,')).toEqual([['a', 'b', '']]);
  });

  it('reads Chinese text and keeps a stray quote inside an unquoted field', () => {
    expect(fields('名称,描述\n连衣裙,"法式复古, 碎花"\n衬衫,5" 领口\n')).toEqual([
      ['名称', '描述'],
      ['连衣裙', '法式复古, 碎花'],
      ['衬衫', '5" 领口'],
    ]);
  });

  it('names the line where an unterminated quote opens', () => {
    const text = 'a,b\n1,2\n3,"never closed\n4,5\n';
    expect(() => parseCsv(text, 'products.csv')).toThrowError(CsvSyntaxError);
    try {
      parseCsv(text, 'products.csv');
    } catch (err) {
      expect(err).toBeInstanceOf(UserInputError);
      expect((err as CsvSyntaxError).line).toBe(3);
      expect((err as Error).message).toContain('products.csv, line 3');
      expect((err as Error).message).toContain('never closed');
      expect((err as CsvSyntaxError).hint).toBeTruthy();
    }
  });

  it('refuses text after a closing quote, naming its line', () => {
    expect(() => parseCsv('a,b\n"x"y,2\n', 'f.csv')).toThrowError(/f\.csv, line 2: unexpected text after a closing quote/);
  });
});

describe('decodeCsvBytes', () => {
  it('drops a UTF-8 BOM and decodes Chinese text', () => {
    const bytes = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('product_id,描述\n1,碎花\n', 'utf8')]);
    const text = decodeCsvBytes(bytes, 'p.csv');
    expect(text.startsWith('product_id')).toBe(true);
    expect(fields(text)).toEqual([['product_id', '描述'], ['1', '碎花']]);
  });

  it('refuses GBK bytes and names the first bad line', () => {
    // "连衣裙" in GBK on the third line
    const bytes = Buffer.concat([Buffer.from('a,b\n1,ok\n2,', 'utf8'), Buffer.from([0xc1, 0xac, 0xd2, 0xc2, 0xc8, 0xb9]), Buffer.from('\n')]);
    expect(() => decodeCsvBytes(bytes, 'p.csv')).toThrowError(/p\.csv is not UTF-8 text \(first invalid byte on line 3/);
  });

  it('refuses UTF-16 and xlsx files with a hint to save as CSV UTF-8', () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a,b\n', 'utf16le')]);
    expect(() => decodeCsvBytes(utf16, 'p.csv')).toThrowError(/UTF-16/);
    try {
      decodeCsvBytes(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0]), 'p.csv');
      expect.unreachable();
    } catch (err) {
      expect((err as Error).message).toMatch(/xlsx/);
      expect((err as UserInputError).hint).toMatch(/CSV UTF-8/);
    }
  });
});
