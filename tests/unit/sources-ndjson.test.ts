import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createWriteStream } from 'node:fs';
import { parseNdjsonText, readNdjson } from '../../src/main/sources/ndjson.js';
import { collect, FIXTURES, tempDir } from './sources-helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('readNdjson', () => {
  it('reads the fixture: blank lines skipped, a bad line fails alone with its line and column', async () => {
    const items = await collect(readNdjson(join(FIXTURES, 'profiles.ndjson')));
    expect(items.map((i) => i.line)).toEqual([1, 3, 4, 6]);
    expect(items[0]).toMatchObject({ ok: true, value: { id: 'p-1', person: { email: 'ann@example.com' } } });
    expect(items[1]).toMatchObject({ ok: true, value: { person: { name: 'Ben "B" Müller 🎉' } } });
    const bad = items[2]!;
    expect(bad.ok).toBe(false);
    if (!bad.ok) {
      expect(bad.error).toMatch(/^invalid JSON at column 31: expected a value, found "x"/);
      expect(bad.error).not.toContain('is not valid JSON'); // no echo of the whole line
    }
    expect(items[3]).toMatchObject({ ok: true, line: 6, value: { id: 'p-4', ltv: '12.50' } });
  });

  it('handles CRLF, a UTF-8 BOM and a last line without newline', async () => {
    const path = tmp.write('crlf.ndjson', '\uFEFF{"a":1}\r\n\r\n{"a":"x\\r\\ny"}\r\n{"a":3}');
    // Tiny reads too: the BOM and the CRLF pairs then arrive split over several chunks.
    for (const highWaterMark of [undefined, 1, 2]) {
      const items = await collect(readNdjson(path, highWaterMark ? { highWaterMark } : {}));
      expect(items).toEqual([
        { ok: true, line: 1, value: { a: 1 } },
        { ok: true, line: 3, value: { a: 'x\r\ny' } },
        { ok: true, line: 4, value: { a: 3 } },
      ]);
    }
  });

  it('keeps a multi-byte character whole when it straddles a read boundary', async () => {
    const prefix = '{"name":"';
    // Place the 4-byte emoji so its bytes are split across the 16-byte chunk boundary.
    const line1 = prefix + 'abcde' + '🎉' + 'é中文' + '"}';
    const path = tmp.write('split.ndjson', Buffer.from(`${line1}\n{"name":"ok"}\n`, 'utf8'));
    expect(Buffer.from(prefix + 'abcde').length).toBe(14); // emoji occupies bytes 14..17
    const items = await collect(readNdjson(path, { highWaterMark: 16 }));
    expect(items).toEqual([
      { ok: true, line: 1, value: { name: 'abcde🎉é中文' } },
      { ok: true, line: 2, value: { name: 'ok' } },
    ]);
  });

  it('reports truncated JSON with a column and keeps reading', async () => {
    const path = tmp.write('trunc.ndjson', '{"a":1}\n{"a":\n{"a":[1,2}\n{"a":4}\n');
    const items = await collect(readNdjson(path));
    expect(items[1]).toEqual({ ok: false, line: 2, error: 'invalid JSON at column 6: Unexpected end of JSON input' });
    expect(items[2]).toMatchObject({ ok: false, line: 3 });
    if (!items[2]!.ok) expect(items[2]!.error).toMatch(/^invalid JSON at column 10: /);
    expect(items[3]).toEqual({ ok: true, line: 4, value: { a: 4 } });
  });

  it('skips an over-long line with an error instead of buffering it', async () => {
    const path = tmp.write('long.ndjson', `{"a":1}\n{"big":"${'x'.repeat(5000)}"}\n{"a":3}\n`);
    const items = await collect(readNdjson(path, { highWaterMark: 512, maxLineBytes: 1000 }));
    expect(items).toEqual([
      { ok: true, line: 1, value: { a: 1 } },
      { ok: false, line: 2, error: 'line is longer than 1000 bytes; skipped' },
      { ok: true, line: 3, value: { a: 3 } },
    ]);
  });

  it('stops when the signal aborts', async () => {
    const path = tmp.write('abort.ndjson', '{"a":1}\n'.repeat(10_000));
    const controller = new AbortController();
    let seen = 0;
    await expect(async () => {
      for await (const _ of readNdjson(path, { signal: controller.signal, highWaterMark: 1024 })) {
        if (++seen === 10) controller.abort();
      }
    }).rejects.toMatchObject({ name: 'AbortError' });
    expect(seen).toBeLessThan(10_000);
  });

  it('reads a 200k-line file without errors', async () => {
    const path = join(tmp.dir, 'big.ndjson');
    const out = createWriteStream(path);
    for (let i = 0; i < 200_000; i += 1000) {
      let chunk = '';
      for (let j = i; j < i + 1000; j++) chunk += `{"id":"p-${j}","n":${j},"name":"Zoë ${j}"}\n`;
      if (!out.write(chunk)) await new Promise<void>((r) => out.once('drain', () => r()));
    }
    await new Promise<void>((r) => out.end(() => r()));
    let count = 0;
    let last: unknown;
    for await (const item of readNdjson(path)) {
      if (!item.ok) throw new Error(`line ${item.line}: ${item.error}`);
      count++;
      last = item;
    }
    expect(count).toBe(200_000);
    expect(last).toEqual({ ok: true, line: 200_000, value: { id: 'p-199999', n: 199_999, name: 'Zoë 199999' } });
  });
});

describe('parseNdjsonText', () => {
  it('applies the same rules to pasted text', () => {
    expect(parseNdjsonText('\uFEFF{"a":1}\r\n\n  \n[1,2]\n{oops}')).toEqual([
      { ok: true, line: 1, value: { a: 1 } },
      { ok: true, line: 4, value: [1, 2] },
      { ok: false, line: 5, error: expect.stringMatching(/^invalid JSON at column 2: /) },
    ]);
  });

  it('gives nothing for empty text', () => {
    expect(parseNdjsonText('')).toEqual([]);
    expect(parseNdjsonText('\n\r\n')).toEqual([]);
  });
});
