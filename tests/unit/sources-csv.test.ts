import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { HeaderNester, readCsv } from '../../src/main/sources/csv.js';
import { collect, FIXTURES, tempDir } from './sources-helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('readCsv', () => {
  it('reads the fixture: dotted headers nest, values stay strings, a short row fails alone', async () => {
    const items = await collect(readCsv(join(FIXTURES, 'profiles.csv')));
    expect(items).toEqual([
      {
        ok: true,
        line: 2,
        value: { id: '1', person: { email: 'ann@example.com', name: { firstName: 'Ann' } }, ltv: '10.5', note: 'said "hi", then left' },
      },
      { ok: true, line: 3, value: { id: '2', person: { email: 'ben@example.com', name: { firstName: 'Ben' } }, ltv: '', note: '' } },
      { ok: false, line: 4, error: 'invalid CSV row: expected 5 fields as the header has, got 3' },
      // A quoted newline: the record is reported at the line it starts on.
      { ok: true, line: 5, value: { id: '4', person: { email: 'dan@example.com', name: { firstName: 'Dan' } }, ltv: '7', note: 'two\nlines' } },
    ]);
  });

  it('counts a quoted CRLF, CR or LF as one line break: later records and errors keep their lines', async () => {
    // Lines: 1 header, 2-3 record 1 (CRLF inside quotes), 4-5 record 2 (CR), 6 bad row,
    // 7-9 record 3 (two CRLFs), 10 record 4.
    const path = tmp.write('quoted-breaks.csv', 'id,note\r\n1,"a\r\nb"\r\n2,"c\rd"\r\n3,x,y\r\n4,"e\r\n\r\nf"\r\n5,g\r\n');
    expect(await collect(readCsv(path))).toEqual([
      { ok: true, line: 2, value: { id: '1', note: 'a\r\nb' } },
      { ok: true, line: 4, value: { id: '2', note: 'c\rd' } },
      { ok: false, line: 6, error: 'invalid CSV row: expected 2 fields as the header has, got 3' },
      { ok: true, line: 7, value: { id: '4', note: 'e\r\n\r\nf' } },
      { ok: true, line: 10, value: { id: '5', note: 'g' } },
    ]);
  });

  it('handles a BOM, CRLF and blank lines', async () => {
    const path = tmp.write('crlf.csv', '\uFEFFid,email\r\n1,a@x\r\n\r\n2,b@x\r\n');
    expect(await collect(readCsv(path))).toEqual([
      { ok: true, line: 2, value: { id: '1', email: 'a@x' } },
      { ok: true, line: 4, value: { id: '2', email: 'b@x' } },
    ]);
  });

  it('reports quote errors and too many fields per row, then reads on', async () => {
    const path = tmp.write(
      'bad.csv',
      ['id,name,city', '1,"Ann"x,Oslo', '2,Ben,Rome', '3,Ca"ra,Lima', '4,Dan,Kyiv,extra', '5,Eve,Bonn', ''].join('\n'),
    );
    const items = await collect(readCsv(path));
    expect(items.map((i) => [i.line, i.ok])).toEqual([
      [2, false],
      [3, true],
      [4, false],
      [5, false],
      [6, true],
    ]);
    const [closing, , opening, extra] = items;
    if (!closing!.ok) expect(closing!.error).toMatch(/^invalid CSV row in field "name": Invalid Closing Quote/);
    if (!opening!.ok) expect(opening!.error).toMatch(/^invalid CSV row in field "name": Invalid Opening Quote/);
    if (!extra!.ok) expect(extra!.error).toBe('invalid CSV row: expected 3 fields as the header has, got 4');
    expect(items[4]).toEqual({ ok: true, line: 6, value: { id: '5', name: 'Eve', city: 'Bonn' } });
  });

  it('reports an unclosed quote at the end of the file', async () => {
    const path = tmp.write('unclosed.csv', 'id,name\n1,Ann\n2,"Ben\n');
    const items = await collect(readCsv(path));
    expect(items[0]).toEqual({ ok: true, line: 2, value: { id: '1', name: 'Ann' } });
    expect(items[1]).toMatchObject({ ok: false, error: expect.stringMatching(/Quote Not Closed/) });
    expect(items).toHaveLength(2);
  });

  it('keeps multi-byte characters whole across read boundaries', async () => {
    const path = tmp.write('utf8.csv', 'id,name\n1,ab🎉cd中文\n2,Zoë\n');
    const items = await collect(readCsv(path, { highWaterMark: 11 }));
    expect(items.map((i) => (i.ok ? i.value : i.error))).toEqual([
      { id: '1', name: 'ab🎉cd中文' },
      { id: '2', name: 'Zoë' },
    ]);
  });

  it('gives no items for an empty file or a header alone', async () => {
    expect(await collect(readCsv(tmp.write('empty.csv', '')))).toEqual([]);
    expect(await collect(readCsv(tmp.write('header.csv', 'id,email\n')))).toEqual([]);
  });

  it('names the path when the file is missing', async () => {
    const path = join(tmp.dir, 'nope.csv');
    await expect(collect(readCsv(path))).rejects.toThrow(`input file not found: ${path}`);
  });
});

describe('HeaderNester', () => {
  it('keeps a header flat when a prefix of it is also a header, or a part is empty', () => {
    const n = new HeaderNester();
    const value = n.nest({ person: 'x', 'person.email': 'a@x', 'a..b': '1', '.c': '2', 'd.e.f': '3', 'd.g': '4' });
    expect(value).toEqual({ person: 'x', 'person.email': 'a@x', 'a..b': '1', '.c': '2', d: { e: { f: '3' }, g: '4' } });
  });

  it('does not let a __proto__ header touch the prototype', () => {
    const value = new HeaderNester().nest({ '__proto__.polluted': 'yes', id: '1' }) as Record<string, unknown>;
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(['__proto__', 'id']);
  });
});
