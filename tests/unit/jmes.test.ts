import { describe, expect, it } from 'vitest';
import { compileJmes, evaluate } from '../../src/main/engine/jmes.js';
import jmespath from 'jmespath';

describe('jmes', () => {
  it('evaluates and caches', () => {
    const c = compileJmes('identityMap.ecid[0].id');
    expect(c.ok && c.search({ identityMap: { ecid: [{ id: 'e1' }] } })).toBe('e1');
    expect(compileJmes('identityMap.ecid[0].id')).toBe(c);
    expect(evaluate('segmentMembership.ups."seg-1".status', { segmentMembership: { ups: { 'seg-1': { status: 'realized' } } } })).toEqual({ ok: true, value: 'realized' });
  });
  it('the filter path from the docs', () => {
    expect(evaluate("tables[?name=='High Value']", { tables: [{ name: 'High Value', id: 1 }, { name: 'x' }] })).toEqual({ ok: true, value: [{ name: 'High Value', id: 1 }] });
  });
  it('syntax errors carry the column and the template name', () => {
    const c = compileJmes('tables[?name==', 'destination.getAudience.filterPath');
    expect(c.ok).toBe(false);
    expect(!c.ok && c.error).toMatchObject({ template: 'destination.getAudience.filterPath', line: 1, column: 15 });
    const lex = compileJmes('a ^ b');
    expect(!lex.ok && lex.error).toMatchObject({ column: 3 });
    expect(!lex.ok && lex.error.message).toMatch(/Unknown character:\^/);
    const parse = compileJmes("a.'b'");
    expect(!parse.ok && parse.error.column).toBe(3);
    expect(compileJmes('a.b.').ok).toBe(false);
    expect(compileJmes('').ok).toBe(false);
    expect(compileJmes('`{"a"`').ok).toBe(false);
  });
  it('the column points at the token that breaks, not the first one like it', () => {
    const col = (e: string) => {
      const c = compileJmes(e);
      return c.ok ? 'ok' : c.error.column;
    };
    expect(col('a | | b')).toBe(5);
    expect(col("tables[?name=='High Value'] ]")).toBe(29);
    expect(col('identityMap.ecid[0.id')).toBe(19);
    // Parsed but broken (the library fails only when run): the place it breaks, or just past the end.
    expect(col('foo..bar')).toBe(5);
    expect(col('a.b.')).toBe(5);
  });
  it('runtime errors are returned, not thrown', () => {
    const r = evaluate("abs('x')", {}, 'records.action');
    expect(r.ok).toBe(false);
    expect(!r.ok && r.error.message).toMatch(/abs\(\) expected argument 1 to be type number/);
    expect(!r.ok && r.error.template).toBe('records.action');
    expect(evaluate('nofn(a)', {}).ok).toBe(false);
  });
});

describe('plain paths walked directly agree with the library', () => {
  const data = { person: { email: 'a@x', tags: ['x', 'y'] }, ups: { 'seg-1': { status: 'realized' } }, list: [{ id: 1 }, { id: 2 }], n: null, s: 'str' };
  it.each(['person.email', 'person.tags[0]', 'person.tags[-1]', 'person.tags[5]', 'ups."seg-1".status', 'list[1].id', 'n.x', 's.length', 'missing', 'person.tags.x', 'list.id', '"person".email'])('%s', (expr) => {
    const c = compileJmes(expr);
    if (!c.ok) throw new Error(c.error.message);
    expect(c.search(data)).toEqual(jmespath.search(data, expr));
  });
});
