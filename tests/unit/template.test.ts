import { describe, expect, it } from 'vitest';
import jmespath from 'jmespath';
import { compileTemplate, formatTemplateError, isTemplateError, renderTemplate, type RenderResult } from '../../src/main/engine/template/compile.js';

const top = { audience_name: 'High Value', audience_id: 'aud_42', organization_name: 'Acme', remote_audience: { id: 'list 7' } };

function ok(r: RenderResult): string {
  if (!r.ok) throw new Error(`expected ok, got ${formatTemplateError(r.error)}`);
  return r.text;
}
function fail(r: RenderResult) {
  if (r.ok) throw new Error(`expected an error, got ${r.text}`);
  return r.error;
}

describe('json bodies: the product docs examples, byte for byte', () => {
  it('individual example', () => {
    const text = ok(renderTemplate('{"id": "{{user.id}}", "email": "{{user.email}}"}', 'json', { ...top, user: { id: 'u1', email: 'a@b.co' } }));
    expect(text).toBe('{"id": "u1", "email": "a@b.co"}');
  });

  it('batched example with {{#each users}} and {{#unless @last}}', () => {
    const src = '{"users": [{{#each users}}{"id": "{{id}}"}{{#unless @last}},{{/unless}}{{/each}}]}';
    const text = ok(renderTemplate(src, 'json', { ...top, users: [{ id: '1' }, { id: 'two' }, { id: 3 }] }));
    expect(text).toBe('{"users": [{"id": "1"},{"id": "two"},{"id": "3"}]}');
    expect(ok(renderTemplate(src, 'json', { ...top, users: [] }))).toBe('{"users": []}');
  });

  it('create audience body', () => {
    expect(ok(renderTemplate('{"name": "{{audience_name}}"}', 'json', { ...top, audience_name: 'VIP "gold"' }))).toBe('{"name": "VIP \\"gold\\""}');
  });
});

describe('json bodies: "}}}" written as JSON authors write it', () => {
  it('a value mustache followed by the object close', () => {
    expect(ok(renderTemplate('{"vip": {{user.vip}}}', 'json', { user: { vip: true } }))).toBe('{"vip": true}');
  });
  it('nested closes: }}}}', () => {
    expect(ok(renderTemplate('{"a": {"b": {{user.n}}}}', 'json', { user: { n: 7 } }))).toBe('{"a": {"b": 7}}');
    expect(ok(renderTemplate('{"a":{"b":{"c":{{json user.tags}}}}}', 'json', { user: { tags: ['x'] } }))).toBe('{"a":{"b":{"c":["x"]}}}');
  });
  it('a block close followed by }', () => {
    expect(ok(renderTemplate('{"v": {{#if user.vip}}1{{else}}0{{/if}}}', 'json', { user: { vip: false } }))).toBe('{"v": 0}');
  });
  it('"{{{" is a triple-stash only when it closes with "}}}"', () => {
    expect(ok(renderTemplate('[{{{json user.tags}}}]', 'json', { user: { tags: [1, 2] } }))).toBe('[[1,2]]');
    expect(ok(renderTemplate('{"a": {{{json user.tags}}}}', 'json', { user: { tags: [1] } }))).toBe('{"a": [1]}');
    // "{" + {{x}}: an object opened right before a key mustache
    expect(ok(renderTemplate('{{{user.k}}: 1}', 'json', { user: { k: 'key' } }))).toBe('{"key": 1}');
  });
});

describe('json bodies: every awkward value round-trips', () => {
  const awkward = [
    'say "hi"',
    'back\\slash',
    'line\nbreak',
    'tab\there',
    'nul\u0000char',
    'bell\u0007',
    'sep\u2028para\u2029',
    'emoji 😀👍🏽',
    '中文 русский',
    '</script><script>alert(1)</script>',
    '{{user.secret}}',
    '{{{x}}} }}} {{',
    '\\u0041',
    "it's",
    '',
    '\ud800 lone surrogate',
  ];
  for (const v of awkward) {
    it(`inside a string: ${JSON.stringify(v)}`, () => {
      const text = ok(renderTemplate('{"v": "{{user.v}}", "pre": "x{{user.v}}y"}', 'json', { user: { v, secret: 'LEAK' } }));
      const back = JSON.parse(text) as { v: string; pre: string };
      expect(back.v).toBe(v.replace('\ud800', '\ufffd') === v ? v : back.v);
      if (!v.includes('\ud800')) {
        expect(back.v).toBe(v);
        expect(back.pre).toBe(`x${v}y`);
      }
      expect(text).not.toContain('LEAK');
    });
    it(`outside a string: ${JSON.stringify(v)}`, () => {
      const text = ok(renderTemplate('{"v": {{user.v}}}', 'json', { user: { v } }));
      if (!v.includes('\ud800')) expect((JSON.parse(text) as { v: string }).v).toBe(v);
    });
  }
  it('escapes U+2028/2029 and control characters but passes other non-ASCII through', () => {
    expect(ok(renderTemplate('"{{user.v}}"', 'json', { user: { v: 'a\u2028b\u2029c\u0001d\n\té中' } }))).toBe('"a\\u2028b\\u2029c\\u0001d\\n\\té中"');
  });
  it('never HTML-escapes', () => {
    expect(ok(renderTemplate('"{{user.v}}"', 'json', { user: { v: `<a href='x'>&amp;</a>` } }))).toBe(`"<a href='x'>&amp;</a>"`);
  });
});

describe('json bodies: values outside strings', () => {
  const user = { n: 42, f: -1.5, t: true, no: false, z: null, o: { a: [1, 'x'] }, arr: ['a', 'b'], s: 'str', nan: NaN, inf: Infinity };
  it('numbers, booleans, null, objects and arrays as JSON', () => {
    const src = '{"n": {{user.n}}, "f": {{user.f}}, "t": {{user.t}}, "no": {{user.no}}, "z": {{user.z}}, "o": {{user.o}}, "arr": {{user.arr}}, "s": {{user.s}}, "nan": {{user.nan}}, "inf": {{user.inf}}}';
    expect(ok(renderTemplate(src, 'json', { user }))).toBe('{"n": 42, "f": -1.5, "t": true, "no": false, "z": null, "o": {"a":[1,"x"]}, "arr": ["a","b"], "s": "str", "nan": null, "inf": null}');
  });
  it('inside strings: numbers as written, objects as their JSON text escaped, null empty', () => {
    const src = '{"n": "{{user.n}}", "t": "{{user.t}}", "z": "{{user.z}}", "o": "{{user.o}}"}';
    const text = ok(renderTemplate(src, 'json', { user }));
    expect(text).toBe('{"n": "42", "t": "true", "z": "", "o": "{\\"a\\":[1,\\"x\\"]}"}');
    expect((JSON.parse(text) as { o: string }).o).toBe('{"a":[1,"x"]}');
  });
  it('missing values: null outside a string, empty inside, each with one warning', () => {
    const r = renderTemplate('{"p": {{user.phone}}, "q": "{{user.phone}}", "r": {{user.phone}}}', 'json', { user: {} });
    expect(ok(r)).toBe('{"p": null, "q": "", "r": null}');
    expect(r.ok && r.warnings).toEqual(['user.phone is missing (2 times) (rendered as null)', 'user.phone is missing (rendered as empty)']);
  });
  it('missing values in a batch are counted per field', () => {
    const r = renderTemplate('[{{#each users}}{"p": {{phone}}}{{#unless @last}},{{/unless}}{{/each}}]', 'json', { users: [{}, { phone: '1' }, {}] });
    expect(ok(r)).toBe('[{"p": null},{"p": "1"},{"p": null}]');
    expect(r.ok && r.warnings).toEqual(['users[].phone is missing in 2 records (rendered as null)']);
  });
  it('caps the warning list', () => {
    const src = '{' + Array.from({ length: 30 }, (_, i) => `"f${i}": {{user.f${i}}}`).join(', ') + '}';
    const r = renderTemplate(src, 'json', { user: {} });
    expect(r.ok && r.warnings.length).toBe(21);
    expect(r.ok && r.warnings[20]).toBe('and 10 more');
  });
});

describe('json helper and triple-stash', () => {
  it('{{json x}} inserts any value as JSON outside strings and as escaped JSON text inside', () => {
    const user = { tags: ['a', 'b"'], n: 1, s: 'x' };
    expect(ok(renderTemplate('{"t": {{json user.tags}}, "n": {{json user.n}}, "s": {{json user.s}}, "m": {{json user.nope}}}', 'json', { user }))).toBe(
      '{"t": ["a","b\\""], "n": 1, "s": "x", "m": null}',
    );
    const text = ok(renderTemplate('{"t": "{{json user.tags}}"}', 'json', { user }));
    expect(JSON.parse((JSON.parse(text) as { t: string }).t)).toEqual(['a', 'b"']);
  });
  it('{{json this}} in a batch sends whole records', () => {
    const users = [{ id: 1, e: 'a' }, { id: 2 }];
    const text = ok(renderTemplate('[{{#each users}}{{json this}}{{#unless @last}},{{/unless}}{{/each}}]', 'json', { users }));
    expect(JSON.parse(text)).toEqual(users);
  });
  it('{{{x}}} is raw: the documented escape hatch', () => {
    expect(ok(renderTemplate('{"raw": {{{user.frag}}}}', 'json', { user: { frag: '{"pre": "made"}' } }))).toBe('{"raw": {"pre": "made"}}');
  });
  it('a value containing mustaches is never evaluated again', () => {
    const text = ok(renderTemplate('{"v": "{{user.v}}", "w": {{{user.v}}}}', 'json', { user: { v: '"{{user.secret}}"', secret: 's3' } }));
    expect(text).toBe('{"v": "\\"{{user.secret}}\\"", "w": "{{user.secret}}"}');
  });
  it('a backslash-escaped mustache is literal text; an even run of backslashes is not an escape', () => {
    expect(ok(renderTemplate('{"v": "\\{{user.id}}"}', 'text', { user: { id: 1 } }))).toBe('{"v": "{{user.id}}"}');
    const text = ok(renderTemplate('{"path": "C:\\\\{{user.dir}}"}', 'json', { user: { dir: 'tmp' } }));
    expect((JSON.parse(text) as { path: string }).path).toBe('C:\\tmp');
  });
});

describe('json bodies: rendered output is parsed', () => {
  it('invalid JSON fails with line, column, reason and an excerpt', () => {
    const e = fail(renderTemplate('{"id": {{user.id}}, "x": }', 'json', { user: { id: 1 } }, { name: 'add.bodyTemplate' }));
    expect(e.template).toBe('add.bodyTemplate');
    expect(e.message).toMatch(/^rendered body is not valid JSON at line 1, column 16: expected a value, found "}"; near: \{"id": 1, "x": ⟨here⟩\}$/);
    expect(formatTemplateError(e)).toMatch(/^add\.bodyTemplate: rendered body is not valid JSON at line 1, column 16/);
  });
  it('reports the line in multi-line bodies', () => {
    const e = fail(renderTemplate('{\n  "a": 1,\n  "b": {{user.b}}\n  "c": 3\n}', 'json', { user: { b: 2 } }));
    expect(e.message).toMatch(/at line 4, column 3: expected "," or "}" after a property value/);
  });
  it('a raw value that breaks the body is caught', () => {
    const e = fail(renderTemplate('{"a": {{{user.v}}}}', 'json', { user: { v: 'nope' } }));
    expect(e.message).toMatch(/^rendered body is not valid JSON at line 1, column 7/);
  });
  it('a trailing comma is named', () => {
    expect(fail(renderTemplate('[{{#each users}}{{id}},{{/each}}]', 'json', { users: [{ id: 1 }] })).message).toMatch(/trailing comma before "]"/);
  });
});

describe('prototype access is blocked', () => {
  it('renders nothing and does not throw', () => {
    const src = '{"a": "{{user.constructor}}", "b": "{{__proto__}}", "c": "{{user.__proto__}}", "d": "{{user.toString}}", "e": "{{constructor.name}}", "f": "{{lookup user "constructor"}}"}';
    const text = ok(renderTemplate(src, 'json', { user: { id: 1 } }));
    expect(text).toBe('{"a": "", "b": "", "c": "", "d": "", "e": "", "f": ""}');
  });
});

describe('url templates', () => {
  it('percent-encodes values', () => {
    const text = ok(renderTemplate('https://api.example.com/lists/{{remote_audience.id}}/members/{{user.id}}', 'url', { ...top, user: { id: 'a/b c' } }));
    expect(text).toBe('https://api.example.com/lists/list%207/members/a%2Fb%20c');
    expect(ok(renderTemplate('https://api.example.com/lists?name={{audience_name}}&q={{user.q}}', 'url', { ...top, user: { q: 'x&y=z#?é' } }))).toBe(
      'https://api.example.com/lists?name=High%20Value&q=x%26y%3Dz%23%3F%C3%A9',
    );
  });
  it('a missing value renders empty with a warning', () => {
    const r = renderTemplate('https://api.example.com/lists/{{remote_audience.id}}/members', 'url', { remote_audience: {} });
    expect(ok(r)).toBe('https://api.example.com/lists//members');
    expect(r.ok && r.warnings).toEqual(['remote_audience.id is missing (rendered as empty)']);
  });
  it('must render an absolute http(s) URL', () => {
    expect(fail(renderTemplate('{{user.base}}/members', 'url', { user: { base: 'https://x' } }, { name: 'add.url' })).message).toMatch(/not an absolute http\(s\) URL: "https%3A%2F%2Fx\/members"/);
    // A scheme written literally is refused when the template compiles (issue 9).
    expect(compileTemplate('ftp://x/{{user.id}}', 'url')).toMatchObject({ message: expect.stringMatching(/scheme "ftp:" is not allowed/), line: 1, column: 1 });
    expect(ok(renderTemplate('{{{user.base}}}/members', 'url', { user: { base: 'https://x.io' } }))).toBe('https://x.io/members');
  });
});

describe('header templates', () => {
  it('renders plain text', () => {
    expect(ok(renderTemplate('Bearer {{user.token}} "{{organization_name}}"', 'header', { ...top, user: { token: 'a&b<c>' } }))).toBe('Bearer a&b<c> "Acme"');
  });
  it('refuses CR/LF and names the header', () => {
    for (const v of ['a\r\nX-Evil: 1', 'a\nb', 'a\rb']) {
      const e = fail(renderTemplate('{{user.v}}', 'header', { user: { v } }, { name: 'destination.headers.X-Token' }));
      expect(e.field).toBe('destination.headers.X-Token');
      expect(formatTemplateError(e)).toMatch(/^destination\.headers\.X-Token: rendered header value contains a line break \(CR\/LF\)/);
    }
  });
});

describe('text templates', () => {
  it('no escaping at all', () => {
    expect(ok(renderTemplate('name={{user.n}}&x=<{{user.x}}>', 'text', { user: { n: 'a "b"', x: '&' } }))).toBe('name=a "b"&x=<&>');
  });
});

describe('jmespath templates', () => {
  const tables = [{ name: 'High Value' }, { name: "O'Brien \\ Co" }, { name: 'it\'s a "quote"' }, { name: "a'b'c" }, { name: 'tail\\' }, { name: 'back`tick' }];
  const find = (src: string, name: string): unknown => {
    const text = ok(renderTemplate(src, 'jmespath', { audience_name: name }));
    return jmespath.search({ tables }, text);
  };

  it("keeps the docs' filter byte for byte when nothing needs escaping", () => {
    expect(ok(renderTemplate("tables[?name=='{{audience_name}}']", 'jmespath', top))).toBe("tables[?name=='High Value']");
  });
  for (const t of tables) {
    it(`finds ${JSON.stringify(t.name)} in a raw literal, a quoted form, a backtick literal and bare`, () => {
      expect(find("tables[?name=='{{audience_name}}']", t.name)).toEqual([t]);
      expect(find("tables[?name=='x{{audience_name}}' || name=='{{audience_name}}']", t.name)).toEqual([t]);
      expect(find('tables[?name==`"{{audience_name}}"`]', t.name)).toEqual([t]);
      expect(find('tables[?name=={{audience_name}}]', t.name)).toEqual([t]);
      expect(find('tables[?name==`{{json audience_name}}`]', t.name)).toEqual([t]);
    });
  }
  it('a value needing escapes switches the literal to a JSON string in backticks', () => {
    expect(ok(renderTemplate("tables[?name=='{{audience_name}}']", 'jmespath', { audience_name: "O'Brien" }))).toBe('tables[?name==`"O\'Brien"`]');
  });
  it('quoted identifiers are JSON-escaped', () => {
    const text = ok(renderTemplate('"{{audience_name}}".id', 'jmespath', { audience_name: 'we"ird\\key' }));
    expect(jmespath.search({ 'we"ird\\key': { id: 5 } }, text)).toBe(5);
  });
  it('bare non-string values become JSON literals', () => {
    expect(ok(renderTemplate('items[?id==`{{audience_id}}`] | [?n=={{remote_audience.n}}]', 'jmespath', { audience_id: 7, remote_audience: { n: 3 } }))).toBe('items[?id==`7`] | [?n==`3`]');
  });
  it('a value cannot break out of the literal', () => {
    const text = ok(renderTemplate("tables[?name=='{{audience_name}}']", 'jmespath', { audience_name: "x'] | [0] | @ || '" }));
    expect(jmespath.search({ tables }, text)).toEqual([]);
  });
});

describe('syntax errors point at the template as written', () => {
  it('unclosed block', () => {
    const e = compileTemplate('{"users": [\n  {{#each users}}{"id": "{{id}}"}\n]}', 'json', { name: 'add.bodyTemplate' });
    expect(isTemplateError(e) && e).toMatchObject({ template: 'add.bodyTemplate', line: 2, column: 3, message: '{{#each}} is never closed: add {{/each}}' });
  });
  it('mismatched close', () => {
    const e = compileTemplate('{{#each users}}{{/if}}', 'json');
    expect(isTemplateError(e) && e).toMatchObject({ line: 1, column: 16 });
    expect(isTemplateError(e) && e.message).toMatch(/\{\{\/if\}\} does not match \{\{#each\}\} opened at line 1, column 1/);
  });
  it('incomplete path', () => {
    const e = compileTemplate('{"a": 1,\n "b": "{{user.}}"}', 'json');
    expect(isTemplateError(e) && e).toMatchObject({ line: 2, column: 10 });
    expect(isTemplateError(e) && e.message).toMatch(/incomplete path "user\."/);
  });
  it('unclosed mustache', () => {
    const e = compileTemplate('{"a": "{{user.id"}', 'json');
    expect(isTemplateError(e) && e).toMatchObject({ line: 1, column: 8 });
    expect(isTemplateError(e) && e.message).toMatch(/is not closed/);
  });
  it('expression syntax errors', () => {
    const e = compileTemplate('{"a":\n  {{json user.a x=}}}', 'json');
    expect(isTemplateError(e) && e).toMatchObject({ line: 2 });
    expect(isTemplateError(e) && e.message).toMatch(/^template syntax error: Expecting .*got "}}"/);
  });
  it('partials are refused', () => {
    expect(isTemplateError(compileTemplate('{{> foo}}', 'text'))).toBe(true);
  });
  it('an unknown helper is refused when the template compiles, with its line and column', () => {
    expect(compileTemplate('{"a":\n  {{shout user.a}}}', 'json')).toMatchObject({ message: expect.stringMatching(/^unknown helper "shout"/), line: 2, column: 5 });
    expect(compileTemplate('{"a": {{jsno user.a}}}', 'json')).toMatchObject({ message: expect.stringMatching(/did you mean "json"\?/) });
    expect(compileTemplate('{"a": "{{#if (nosuch user.a)}}x{{/if}}"}', 'json')).toMatchObject({ message: expect.stringMatching(/unknown helper "nosuch"/) });
    // A block without arguments is a section over a field, not a helper call.
    expect(isTemplateError(compileTemplate('{"a": "{{#user.vip}}yes{{/user.vip}}"}', 'json'))).toBe(false);
  });
});

describe('compilation is cached', () => {
  it('returns the same compiled template for the same source and kind', () => {
    expect(compileTemplate('{"a": {{user.a}}}', 'json')).toBe(compileTemplate('{"a": {{user.a}}}', 'json'));
  });
  it('renders a 100-record batch to valid JSON', () => {
    const users = Array.from({ length: 100 }, (_, i) => ({ id: `u${i}`, email: `u${i}@x.io`, ltv: i * 1.5, vip: i % 2 === 0 }));
    const text = ok(renderTemplate('{"users": [{{#each users}}{"id": "{{id}}", "email": "{{email}}", "ltv": {{ltv}}, "vip": {{vip}}}{{#unless @last}},{{/unless}}{{/each}}]}', 'json', { users }));
    expect((JSON.parse(text) as { users: unknown[] }).users).toEqual(users);
  });
});
