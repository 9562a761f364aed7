// The caps and exact integers at the unit level (the end-to-end runs are in
// tests/integration/limits.test.ts).
import { describe, expect, it } from 'vitest';
import { coerceValue } from '../../src/main/engine/coerce.js';
import { MAX_DEPTH, nestedTooDeep, parseJsonExact } from '../../src/main/engine/exact.js';
import { compileJmes, growthOf, MAX_JMES_GROWTH } from '../../src/main/engine/jmes.js';
import { MAX_RENDERED_CHARS } from '../../src/main/engine/template/env.js';
import { renderTemplate } from '../../src/main/engine/template/compile.js';
import { templateEnv } from '../../src/main/engine/template/env.js';
import jmespath from 'jmespath';
import { parseJsonArrayText } from '../../src/main/sources/json-array.js';
import { parseNdjsonText } from '../../src/main/sources/ndjson.js';

const users = Array.from({ length: 1000 }, (_, i) => ({ id: `u${i}` }));
const BIG = '12345678901234567890';

function capError(source: string, context: object): string {
  const r = renderTemplate(source, 'json', context, { name: 'destination.add.bodyTemplate' });
  if (r.ok) throw new Error(`rendered ${r.text.length} characters`);
  return `${r.error.template}: ${r.error.message}`;
}

describe('rendered size cap', () => {
  it('a nested each over the batch stops at the cap, naming the template', () => {
    const msg = capError('[{{#each users}}{{#each ../users}}{{#each ../../users}}"{{id}}",{{/each}}{{/each}}{{/each}}0]', { users });
    expect(msg).toBe(`destination.add.bodyTemplate: rendered text is larger than the cap of 10 MiB (${MAX_RENDERED_CHARS} characters)`);
  });

  it('the same through bare blocks, with/if bodies and the fast path', () => {
    expect(capError('[{{#users}}{{#each ../users}}{{#with this}}{{#if id}}"{{id}} padding padding",{{/if}}{{/with}}{{/each}}{{/users}}0]', { users })).toContain('cap of 10 MiB');
    // One level: the fast path renders it; past the cap it hands over and Handlebars stops at the cap.
    const big = Array.from({ length: 300 }, () => ({ s: 'x'.repeat(40_000) }));
    expect(capError('[{{#each users}}"{{s}}",{{/each}}0]', { users: big })).toContain('cap of 10 MiB');
    expect(capError('"{{{s}}}"', { s: 'y'.repeat(MAX_RENDERED_CHARS) })).toContain('cap of 10 MiB');
  });

  it('a template under the cap renders as before', () => {
    const r = renderTemplate('[{{#each users}}{{#each ../users}}1,{{/each}}{{/each}}0]', 'json', { users: users.slice(0, 100) });
    expect(r.ok && r.text.length).toBe(2 * 100 * 100 + 3);
    expect(templateEnv.helpers.each).toBeDefined();
  });
});

describe('JMESPath growth', () => {
  const chain = (n: number) => Array.from({ length: n }, () => '[@,@][]').join('');
  it('bounds how much an expression can multiply its input', () => {
    const g = (e: string) => growthOf((jmespath as unknown as { compile(e: string): unknown }).compile(e));
    expect(g('person.email')).toBe(1);
    expect(g('a[*].b | [0]')).toBe(1);
    expect(g('{a: x, b: y}')).toBe(2);
    expect(g('a[*].[b, c, d]')).toBe(3);
    expect(g(chain(3))).toBe(8);
    expect(g('map(&[@,@], a)')).toBe(2);
  });
  it(`refuses past ${MAX_JMES_GROWTH} at compile time, with the field`, () => {
    expect(compileJmes(chain(10)).ok).toBe(true);
    const c = compileJmes(chain(11), 'records.mapping.x');
    expect(c.ok).toBe(false);
    if (!c.ok) {
      expect(c.error.template).toBe('records.mapping.x');
      expect(c.error.message).toContain('can multiply its input up to 2048 times');
    }
  });
  it('caps the result of an expression that grows its input', () => {
    const c = compileJmes(chain(8));
    if (!c.ok) throw new Error(c.error.message);
    expect((c.search({ s: 'x'.repeat(10) }) as unknown[]).length).toBe(256);
    expect(() => c.search({ s: 'x'.repeat(50_000) })).toThrow('result is larger than the cap of 10 MiB');
  });
});

describe('exact integers', () => {
  it('parses integers beyond 2^53 exactly, and only those', () => {
    const v = parseJsonExact(`{"a": ${BIG}, "b": [-${BIG}], "c": 42, "d": 9007199254740991, "e": 1.5, "s": "${BIG}"}`);
    expect(JSON.stringify(v)).toBe(`{"a":${BIG},"b":[-${BIG}],"c":42,"d":9007199254740991,"e":1.5,"s":"${BIG}"}`);
    expect(typeof (v as { c: unknown }).c).toBe('number');
    // A digit run in a string is passed over; spaces and a sign before a number are not.
    expect(JSON.stringify(parseJsonExact(`{"ecid": "${BIG}${BIG}", "x": 1.${BIG}, "y": [ 1,\n -${BIG}]}`))).toBe(`{"ecid":"${BIG}${BIG}","x":1.1234567890123457,"y":[1,-${BIG}]}`);
  });
  it('the output schema coerces digits exactly, and refuses what it cannot carry', () => {
    const show = (r: ReturnType<typeof coerceValue>) => (r.ok ? JSON.stringify(r.value) : r.reason);
    expect(show(coerceValue(BIG, 'integer'))).toBe(BIG);
    expect(show(coerceValue(` -00${BIG} `, 'number'))).toBe(`-${BIG}`);
    expect(show(coerceValue('123', 'integer'))).toBe('123');
    expect(show(coerceValue('1.2345678901234567e25', 'integer'))).toContain('cannot be carried exactly');
    const raw = (parseJsonExact(`{"a": ${BIG}}`) as { a: unknown }).a;
    expect(show(coerceValue(raw, 'integer'))).toBe(BIG);
    expect(show(coerceValue(raw, 'string'))).toBe(`"${BIG}"`);
  });
});

describe('JMESPath over exact integers', () => {
  it('a computed integer beyond 2^53 fails; a moved one is kept', () => {
    const rec = parseJsonExact(`{"n": ${BIG}, "s": "${BIG}", "small": "42"}`);
    const run = (e: string) => {
      const c = compileJmes(e);
      if (!c.ok) throw new Error(c.error.message);
      try {
        return JSON.stringify(c.search(rec));
      } catch (err) {
        return (err as Error).message;
      }
    };
    expect(run('[n, {m: n}]')).toBe(`[${BIG},{"m":${BIG}}]`);
    expect(run('to_number(small)')).toBe('42');
    expect(run('to_number(s)')).toContain('gives 12345678901234567000, an integer beyond 2^53');
    expect(run('type(n)')).toContain('computes with it');
    expect(run('length(s)')).toBe('20'); // does not touch the exact integer: both evaluations agree
  });
});

describe('nesting depth', () => {
  it(`finds a record deeper than ${MAX_DEPTH} levels, brackets in strings aside`, () => {
    expect(nestedTooDeep('['.repeat(MAX_DEPTH + 1) + ']'.repeat(MAX_DEPTH + 1))).toBe(true);
    expect(nestedTooDeep('['.repeat(MAX_DEPTH) + ']'.repeat(MAX_DEPTH))).toBe(false);
    expect(nestedTooDeep(`{"s": "${'['.repeat(5000)}"}`)).toBe(false);
    expect(nestedTooDeep(`{"s": "\\"${'{'.repeat(3000)}", "t": [1]}`)).toBe(false);
  });
  it('the NDJSON and JSON-array readers fail a too-deep record alone, with its line', () => {
    const deep = `{"id":"deep","x":${'['.repeat(10_000)}${']'.repeat(10_000)}}`;
    const reason = expect.stringContaining(`nested more than ${MAX_DEPTH} levels deep`);
    expect(parseNdjsonText(`{"id":"a"}\n${deep}\n{"id":"b"}\n`)).toEqual([
      { ok: true, line: 1, value: { id: 'a' } },
      { ok: false, line: 2, error: reason },
      { ok: true, line: 3, value: { id: 'b' } },
    ]);
    expect(parseJsonArrayText(`[{"id":"a"},\n${deep},\n{"id":"b"}]`)).toEqual([
      { ok: true, line: 1, value: { id: 'a' } },
      { ok: false, line: 2, error: reason },
      { ok: true, line: 3, value: { id: 'b' } },
    ]);
  });
});
