import { afterAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { parseJsonArrayText, readJsonArray } from '../../src/main/sources/json-array.js';
import { generateProfiles } from '../../src/main/sources/sample.js';
import { collect, FIXTURES, tempDir } from './sources-helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('readJsonArray', () => {
  it('reads the fixture: brackets and escaped quotes inside strings, a bad element fails alone', async () => {
    const items = await collect(readJsonArray(join(FIXTURES, 'profiles.json')));
    expect(items).toEqual([
      { ok: true, line: 2, value: { id: 'p-1', person: { email: 'ann@example.com' }, tags: ['a]', '[b', '{c}'] } },
      { ok: true, line: 3, value: { id: 'p-2', note: 'a "quoted" ] bracket, and a comma', nested: [[1, 2], { x: [3] }] } },
      { ok: false, line: 4, error: expect.stringMatching(/^invalid JSON at line 4 column 37: expected a value, found "b"/) },
      { ok: true, line: 5, value: { id: 'p-4', path: 'C:\\dir\\', emoji: '👩‍💻' } },
    ]);
  });

  it('gives the same items whatever the chunk size', async () => {
    const path = join(FIXTURES, 'profiles.json');
    const whole = await collect(readJsonArray(path));
    for (const size of [1, 2, 3, 7, 64]) {
      expect(await collect(readJsonArray(path, { highWaterMark: size }))).toEqual(whole);
    }
  });

  it('reads back generated profiles (quotes, backslashes, escapes, emoji) at any chunk size', async () => {
    const profiles = [...generateProfiles(300, 4)];
    const path = tmp.write('profiles.json', JSON.stringify(profiles, null, 1));
    for (const highWaterMark of [5, 64, 4096]) {
      const items = await collect(readJsonArray(path, { highWaterMark }));
      expect(items.map((i) => (i.ok ? i.value : i.error))).toEqual(profiles);
    }
  });

  it('reads scalars, empty arrays, a BOM and CRLF; an element spread over lines keeps its start line', async () => {
    const path = tmp.write('mixed.json', '\uFEFF[\r\n  1, "two",\r\n  {\r\n    "three": [3]\r\n  }, null, []\r\n]\r\n');
    expect(await collect(readJsonArray(path))).toEqual([
      { ok: true, line: 2, value: 1 },
      { ok: true, line: 2, value: 'two' },
      { ok: true, line: 3, value: { three: [3] } },
      { ok: true, line: 5, value: null },
      { ok: true, line: 5, value: [] },
    ]);
    expect(await collect(readJsonArray(tmp.write('empty-array.json', ' [ ] ')))).toEqual([]);
  });

  it('reports the position of an error inside a multi-line element', () => {
    expect(parseJsonArrayText('[{"a": 1},\n {\n  "b": 2,\n  "c": tru\n }, {"d": 4}]')).toEqual([
      { ok: true, line: 1, value: { a: 1 } },
      { ok: false, line: 2, error: 'invalid JSON at line 4 column 8: "tru" is not a value (did you mean true?)' },
      { ok: true, line: 5, value: { d: 4 } },
    ]);
  });

  it('recovers at the next top-level comma after a mismatched bracket', () => {
    const items = parseJsonArrayText('[{"a": [1, 2}, {"b": 2}, {"c": 3}]');
    expect(items[0]).toMatchObject({ ok: false, line: 1 });
    expect(items.slice(1)).toEqual([
      { ok: true, line: 1, value: { b: 2 } },
      { ok: true, line: 1, value: { c: 3 } },
    ]);
  });

  it('refuses a file that is not an array with one item at line 1', async () => {
    const items = await collect(readJsonArray(tmp.write('object.json', '{"id": 1}\n{"id": 2}\n')));
    expect(items).toEqual([
      {
        ok: false,
        line: 1,
        error: expect.stringMatching(/^not a JSON array: expected '\[' at line 1 column 1, found '\{'.*use \.ndjson/),
      },
    ]);
    expect(await collect(readJsonArray(tmp.write('blank.json', '  \n')))).toEqual([
      { ok: false, line: 1, error: 'not a JSON array: the file is empty (expected one array of records)' },
    ]);
  });

  it('names the line of an unfinished element in a truncated file', async () => {
    const path = tmp.write('truncated.json', '[\n {"id": 1},\n {"id": 2,\n  "name": "Ann');
    expect(await collect(readJsonArray(path))).toEqual([
      { ok: true, line: 2, value: { id: 1 } },
      {
        ok: false,
        line: 3,
        error: 'unexpected end of file: the element starting at line 3 column 2 is incomplete (truncated file?)',
      },
    ]);
  });

  it('reads complete elements of an array missing its closing bracket, then says so', () => {
    expect(parseJsonArrayText('[{"id": 1},\n{"id": 2}\n')).toEqual([
      { ok: true, line: 1, value: { id: 1 } },
      { ok: true, line: 2, value: { id: 2 } },
      { ok: false, line: 3, error: "unexpected end of file at line 3: the array is not closed with ']' (truncated file?)" },
    ]);
    expect(parseJsonArrayText('[1,\n')).toEqual([
      { ok: true, line: 1, value: 1 },
      { ok: false, line: 2, error: "unexpected end of file at line 2: the array is not closed with ']' (truncated file?)" },
    ]);
  });

  it('reports a trailing comma and content after the array', () => {
    expect(parseJsonArrayText('[1,]')).toEqual([
      { ok: true, line: 1, value: 1 },
      { ok: false, line: 1, error: "invalid JSON at line 1 column 4: expected an array element, found ']'" },
    ]);
    expect(parseJsonArrayText('[1]\n[2]')).toEqual([
      { ok: true, line: 1, value: 1 },
      {
        ok: false,
        line: 2,
        error: "invalid JSON at line 2 column 1: unexpected '[' after the closing ']' of the array; the rest of the file is ignored",
      },
    ]);
  });

  it('skips an oversized element with an error and reads on', async () => {
    const path = tmp.write('big.json', `[{"a":1},{"big":"${'x'.repeat(5000)}"},{"a":3}]`);
    expect(await collect(readJsonArray(path, { highWaterMark: 256, maxElementChars: 1000 }))).toEqual([
      { ok: true, line: 1, value: { a: 1 } },
      { ok: false, line: 1, error: 'the element starting at line 1 column 10 is longer than 1000 characters; skipped' },
      { ok: true, line: 1, value: { a: 3 } },
    ]);
  });

  it('keeps a multi-byte character whole when it straddles a read boundary', async () => {
    const path = tmp.write('utf8.json', Buffer.from('[{"n":"abcdefgh🎉中文"}]', 'utf8'));
    expect(await collect(readJsonArray(path, { highWaterMark: 16 }))).toEqual([{ ok: true, line: 1, value: { n: 'abcdefgh🎉中文' } }]);
  });
});
