// The value helpers (sha256, md5, base64, hmac, lower/upper/trim, default, date, now), byte
// for byte against published vectors, and the escaping of their output for each body kind.
import { describe, expect, it } from 'vitest';
import { compileTemplate, formatTemplateError, isTemplateError, renderTemplate, type RenderResult } from '../../src/main/engine/template/compile.js';
import { checkTemplateFields } from '../../src/main/engine/template/fields.js';
import { formValue, xmlText } from '../../src/main/engine/template/escape.js';
import { TEMPLATE_HELPERS } from '../../src/main/engine/template/env.js';
import { literalSecrets } from '../../src/main/engine/load.js';
import { TEMPLATE_HELPER_NAMES } from '../../src/shared/template-helpers.js';

function ok(r: RenderResult): string {
  if (!r.ok) throw new Error(`expected ok, got ${formatTemplateError(r.error)}`);
  return r.text;
}
function fail(r: RenderResult): string {
  if (r.ok) throw new Error(`expected an error, got ${r.text}`);
  return formatTemplateError(r.error);
}
function compileError(source: string, kind: 'json' | 'text' = 'json'): string {
  const t = compileTemplate(source, kind, { name: 't' });
  if (!isTemplateError(t)) throw new Error(`expected a compile error for ${source}`);
  return formatTemplateError(t);
}
const text = (src: string, ctx: object, now?: number): string => ok(renderTemplate(src, 'text', ctx, now !== undefined ? { now } : {}));

describe('hashes against known vectors', () => {
  it('sha256 of "" and "abc" (FIPS 180-2)', () => {
    expect(text('{{sha256 user.v}}', { user: { v: '' } })).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(text('{{sha256 user.v}}', { user: { v: 'abc' } })).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(text('{{sha256 "abc"}}', {})).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });
  it('sha256 encodings: base64 and base64url', () => {
    expect(text('{{sha256 "abc" encoding="base64"}}', {})).toBe('ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=');
    expect(text('{{sha256 "abc" encoding="base64url"}}', {})).toBe('ungWv48Bz-pBQUDeXa4iI7ADYaOWF3qctBD_YfIAFa0');
  });
  it('md5 of "abc" (RFC 1321)', () => {
    expect(text('{{md5 "abc"}}', {})).toBe('900150983cd24fb0d6963f7d28e17f72');
  });
  it('HMAC-SHA256, RFC 4231 test case 2', () => {
    expect(text('{{hmac "sha256" "Jefe" user.msg}}', { user: { msg: 'what do ya want for nothing?' } })).toBe('5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843');
  });
  it('HMAC-SHA512, RFC 4231 test case 2, base64', () => {
    const hex = '164b7a7bfcf819e2e395fbe73b56e0a387bd64222e831fd610270cd7ea2505549758bf75c05a994a6d034f65f8f0e6fdcaeab1a34d4a6b4b636e070a38bce737';
    expect(text('{{hmac "sha512" "Jefe" "what do ya want for nothing?" encoding="base64"}}', {})).toBe(Buffer.from(hex, 'hex').toString('base64'));
  });
  it('sha256Email: trimmed and lower-cased first (Adobe email_lc_sha256)', () => {
    const expected = text('{{sha256 "jane.doe@example.com"}}', {});
    expect(text('{{sha256Email user.email}}', { user: { email: '  Jane.Doe@Example.COM \n' } })).toBe(expected);
  });
  it('sha256Phone: E.164 digits, leading + kept', () => {
    const expected = text('{{sha256 "+14155550123"}}', {});
    expect(text('{{sha256Phone user.phone}}', { user: { phone: ' +1 (415) 555-0123 ' } })).toBe(expected);
    expect(text('{{sha256Phone user.phone}}', { user: { phone: '415.555.0123' } })).toBe(text('{{sha256 "4155550123"}}', {}));
  });
  it('a missing value is missing, not the hash of nothing', () => {
    expect(ok(renderTemplate('{"h": "{{sha256 user.email}}", "v": {{sha256 user.email}}}', 'json', { user: {} }))).toBe('{"h": "", "v": null}');
    expect(ok(renderTemplate('{"h": {{sha256Email user.email}}}', 'json', { user: { email: '   ' } }))).toBe('{"h": null}');
    expect(ok(renderTemplate('{"h": {{sha256Phone user.phone}}}', 'json', { user: { phone: 'n/a' } }))).toBe('{"h": null}');
  });
  it('numbers are hashed as written', () => {
    expect(text('{{md5 user.n}}', { user: { n: 42 } })).toBe(text('{{md5 "42"}}', {}));
  });
});

describe('text helpers', () => {
  it('base64 of UTF-8 non-ASCII', () => {
    expect(text('{{base64 user.v}}', { user: { v: 'héllo wörld €' } })).toBe('aMOpbGxvIHfDtnJsZCDigqw=');
  });
  it('lower, upper, trim, nested', () => {
    expect(text('{{lower user.v}}|{{upper user.v}}|{{trim user.v}}|{{upper (trim user.v)}}', { user: { v: ' Straße ' } })).toBe(' straße | STRASSE |Straße|STRASSE');
  });
  it('default: the first argument that is not missing, null or ""', () => {
    expect(text('{{default user.c "US"}}', { user: {} })).toBe('US');
    expect(text('{{default user.c "US"}}', { user: { c: '' } })).toBe('US');
    expect(text('{{default user.c user.d "US"}}', { user: { d: 'FR' } })).toBe('FR');
    expect(text('{{default user.c "US"}}', { user: { c: 'DE' } })).toBe('DE');
    expect(ok(renderTemplate('{"n": {{default user.n 0}}}', 'json', { user: {} }))).toBe('{"n": 0}');
  });
});

describe('date and now (UTC whatever the machine timezone)', () => {
  const ctx = { user: { s: 1714557600, ms: 1714557600123, iso: '2024-05-01T12:00:00+02:00', day: '2024-05-01', digits: '1714557600' } };
  it('epoch seconds, epoch milliseconds, ISO with offset, a bare date', () => {
    expect(text('{{date user.s}}', ctx)).toBe('2024-05-01T10:00:00.000Z');
    expect(text('{{date user.ms}}', ctx)).toBe('2024-05-01T10:00:00.123Z');
    expect(text('{{date user.iso}}', ctx)).toBe('2024-05-01T10:00:00.000Z');
    expect(text('{{date user.day}}', ctx)).toBe('2024-05-01T00:00:00.000Z');
    expect(text('{{date user.digits "epoch_ms"}}', ctx)).toBe('1714557600000');
  });
  it('format tokens and [literal] text', () => {
    expect(text('{{date user.iso "YYYY-MM-DD HH:mm:ss.SSS"}}', ctx)).toBe('2024-05-01 10:00:00.000');
    expect(text('{{date user.iso "DD/MM/YYYY [at] HH[h]"}}', ctx)).toBe('01/05/2024 at 10h');
    expect(text('{{date user.iso "YYYYMMDDTHHmmssZ"}}', ctx)).toBe('20240501T100000Z');
  });
  it('epoch output is a JSON number outside a string', () => {
    expect(ok(renderTemplate('{"t": {{date user.iso "epoch"}}, "s": "{{date user.iso "epoch"}}"}', 'json', ctx))).toBe('{"t": 1714557600, "s": "1714557600"}');
  });
  it('the same instant renders the same text under any TZ', () => {
    const saved = process.env['TZ'];
    try {
      process.env['TZ'] = 'America/Los_Angeles';
      const la = text('{{date user.day "YYYY-MM-DD HH"}} {{date user.s "YYYY-MM-DD HH"}}', ctx);
      process.env['TZ'] = 'Asia/Tokyo';
      const tokyo = text('{{date user.day "YYYY-MM-DD HH"}} {{date user.s "YYYY-MM-DD HH"}}', ctx);
      expect(la).toBe('2024-05-01 00 2024-05-01 10');
      expect(tokyo).toBe(la);
    } finally {
      if (saved === undefined) delete process.env['TZ'];
      else process.env['TZ'] = saved;
    }
  });
  it('a value that is no date fails the render, naming it', () => {
    expect(fail(renderTemplate('{{date user.d}}', 'text', { user: { d: 'next tuesday' } }))).toContain('date: "next tuesday" is not a date');
    expect(fail(renderTemplate('{{date user.d}}', 'text', { user: { d: '2024-02-31' } }))).toContain('is not a date');
    expect(text('[{{date user.d}}]', { user: {} })).toBe('[]');
  });
  it('now is the time the caller fixed: the same for every render of a run', () => {
    const t = Date.UTC(2026, 0, 2, 3, 4, 5, 6);
    expect(text('{{now}}', {}, t)).toBe('2026-01-02T03:04:05.006Z');
    expect(text('{{now "epoch"}}', {}, t)).toBe(String(Math.floor(t / 1000)));
    const batch = '{"users": [{{#each users}}{"id": "{{id}}", "at": "{{now}}"}{{#unless @last}},{{/unless}}{{/each}}]}';
    const out = JSON.parse(ok(renderTemplate(batch, 'json', { users: [{ id: 1 }, { id: 2 }] }, { now: t }))) as { users: Array<{ at: string }> };
    expect(out.users.map((u) => u.at)).toEqual(['2026-01-02T03:04:05.006Z', '2026-01-02T03:04:05.006Z']);
  });
});

describe('helper output is escaped for the place it lands', () => {
  it('JSON: a helper result inside a string and as a value', () => {
    const ctx = { user: { name: ' Say "hi"\\ ' } };
    const out = ok(renderTemplate('{"a": "{{trim user.name}}", "b": {{upper user.name}}}', 'json', ctx));
    expect(out).toBe('{"a": "Say \\"hi\\"\\\\", "b": " SAY \\"HI\\"\\\\ "}');
    expect(JSON.parse(out)).toEqual({ a: 'Say "hi"\\', b: ' SAY "HI"\\ ' });
  });
  it('form: a helper result is form-encoded', () => {
    expect(ok(renderTemplate('n={{upper user.n}}&d={{default user.x "a b&c"}}', 'form', { user: { n: 'tom & jerry' } }))).toBe('n=TOM+%26+JERRY&d=a+b%26c');
  });
  it('xml: a helper result is XML-escaped', () => {
    expect(ok(renderTemplate('<n v="{{default user.x "<&>"}}">{{lower user.n}}</n>', 'xml', { user: { n: 'A&B' } }))).toBe('<n v="&lt;&amp;&gt;">a&amp;b</n>');
  });
});

describe('escaping by body kind', () => {
  it('form: "Tom & Jerry=1" as a form value, space as +', () => {
    expect(ok(renderTemplate('name={{user.name}}&x=1', 'form', { user: { name: 'Tom & Jerry=1' } }))).toBe('name=Tom+%26+Jerry%3D1&x=1');
  });
  it('form encoding is the WHATWG serializer for every character class', () => {
    const all = Array.from({ length: 0x250 }, (_, i) => String.fromCharCode(i)).join('') + '€😀\ud800';
    expect(formValue(all)).toBe(new URLSearchParams([['', all]]).toString().slice(1));
    expect(formValue('abc-._*')).toBe('abc-._*');
  });
  it('xml: inside a CDATA section a value goes in as is (entities are not read there), a ]]> in it split', () => {
    const ctx = { user: { name: 'Tom & Jerry <x>', tricky: 'a]]>b' } };
    const src = '<n><![CDATA[{{user.name}}]]></n><t>{{user.name}}</t><c><![CDATA[{{user.tricky}}]]></c>';
    const out = ok(renderTemplate(src, 'xml', ctx));
    expect(out).toBe('<n><![CDATA[Tom & Jerry <x>]]></n><t>Tom &amp; Jerry &lt;x&gt;</t><c><![CDATA[a]]]]><![CDATA[>b]]></c>');
    // The fast path and Handlebars agree (a batch of the same shape).
    const batch = '<l>{{#each users}}<u><![CDATA[{{name}}]]></u>{{/each}}</l>';
    expect(ok(renderTemplate(batch, 'xml', { users: [{ name: '<&>' }, { name: 'x]]>y' }] }))).toBe('<l><u><![CDATA[<&>]]></u><u><![CDATA[x]]]]><![CDATA[>y]]></u></l>');
  });

  it('xml: & < > " \' escaped in text and attributes', () => {
    expect(ok(renderTemplate('<a t=\'{{user.v}}\'>{{user.v}}</a>', 'xml', { user: { v: '<a>&"\'' } }))).toBe("<a t='&lt;a&gt;&amp;&quot;&apos;'>&lt;a&gt;&amp;&quot;&apos;</a>");
  });
  it('xml: a control character XML 1.0 cannot carry fails the render', () => {
    expect(fail(renderTemplate('<a>{{user.v}}</a>', 'xml', { user: { v: 'a\u0001b' } }))).toContain('U+0001 at position 2');
    expect(xmlText('tab\tand\nnewline')).toBe('tab\tand\nnewline');
  });
  it('{{{raw}}} stays the escape hatch in form and XML bodies', () => {
    expect(ok(renderTemplate('a={{{user.v}}}', 'form', { user: { v: 'x&y=z' } }))).toBe('a=x&y=z');
    expect(ok(renderTemplate('<a>{{{user.v}}}</a>', 'xml', { user: { v: '<b/>' } }))).toBe('<a><b/></a>');
  });
  it('form and XML bodies are not checked as JSON', () => {
    expect(ok(renderTemplate('<a>{{user.v}}', 'xml', { user: { v: 1 } }))).toBe('<a>1');
    expect(ok(renderTemplate('{not json', 'form', {}))).toBe('{not json');
  });
});

describe('the field checker knows the helpers', () => {
  it('the studio documents exactly the helpers the engine registers', () => {
    expect([...TEMPLATE_HELPER_NAMES].sort()).toEqual(TEMPLATE_HELPERS.filter((h) => !['each', 'if', 'unless', 'with', 'lookup'].includes(h)).sort());
  });
  it('new helpers are no unknown helpers; a typo is, with a suggestion', () => {
    expect(isTemplateError(compileTemplate('{"h": "{{sha256 user.e}}", "t": "{{now}}"}', 'json'))).toBe(false);
    expect(compileError('{"h": "{{sha265 user.e}}"}')).toContain('unknown helper "sha265"');
    expect(compileError('{"h": "{{sha265 user.e}}"}')).toContain('did you mean "sha256"?');
  });
  it('arity, algorithm, date format and named arguments are checked before anything renders', () => {
    expect(compileError('{"h": "{{hmac "sha256" user.e}}"}')).toContain('hmac takes 3 arguments, got 2');
    expect(compileError('{"h": "{{hmac "sha257" "k3y!" user.e}}"}')).toContain('hmac: the algorithm must be one of sha1, sha256, sha384, sha512');
    expect(compileError('{"d": "{{date user.d "yyyy-mm-dd"}}"}')).toContain('date format "yyyy-mm-dd" has "y"');
    expect(compileError('{"d": "{{lower user.d foo="x"}}"}')).toContain('lower has no argument "foo"');
    expect(compileError('t={{sha256 user.e user.f}}', 'text')).toContain('line 1, column 5');
  });
  it('fields read inside helper calls are still checked', () => {
    const errs = checkTemplateFields('{"h": "{{sha256Email user.emial}}"}', 'json', 'individual', ['email']);
    expect(errs.map((e) => e.message)).toEqual(['"emial" is not a record field (known: email); did you mean "email"?']);
  });
});

describe('an hmac key written literally is a literal secret', () => {
  it('is found in bodies, URLs, headers and sub-expressions, in either quote; references are left alone', () => {
    const raw = {
      version: 1,
      destination: {
        headers: { 'X-Sig': '{{hmac "sha256" \'k"ey-in-header\' audience_name}}' },
        add: { url: 'https://x.io/{{hmac "sha1" "url-key-1234" user.id}}', bodyTemplate: '{"s": "{{upper (hmac "sha512" "body\\"key" user.id)}}", "e": "{{hmac "sha256" "${env:K}" user.id}}"}' },
      },
    };
    const { stored, literals } = literalSecrets(raw);
    expect(literals.sort()).toEqual(['body"key', 'k"ey-in-header', 'url-key-1234']);
    const text = JSON.stringify(stored);
    for (const l of literals) expect(text).not.toContain(l.replace('"', '\\"'));
    expect(text).toContain('${env:K}');
    // The helper receives the key as literalSecrets registered it (Handlebars un-escapes \").
    expect(text2('{{hmac "sha256" "body\\"key" "x"}}')).toBe(text2('{{hmac "sha256" \'body"key\' "x"}}'));
  });
});

function text2(src: string): string {
  return ok(renderTemplate(src, 'text', {}));
}

