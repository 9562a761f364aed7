// Differential test: the fast renderer (templateFast.ts) must give exactly what the
// Handlebars path gives — same bytes, same missing-value warnings — or step aside.
import { describe, expect, it } from 'vitest';
import { renderTemplate } from '../../src/main/engine/template/compile.js';
import { KNOWN_HELPERS, RUNTIME_OPTIONS, templateEnv, type RenderState } from '../../src/main/engine/template/env.js';
import { compileFast, FALLBACK } from '../../src/main/engine/template/fast.js';
import { rewriteTemplate, type Rewritten } from '../../src/main/engine/template/rewrite.js';
import type { TemplateKind } from '../../src/main/engine/template/types.js';
import { mulberry32 as rng } from '../../src/shared/prng.js';

type Outcome = { text: string; missing: Array<[string, number]> } | { threw: string } | typeof FALLBACK;

function rewrite(source: string, kind: TemplateKind): Rewritten {
  const rw = rewriteTemplate(source, kind);
  if ('message' in rw) throw new Error(`${source}: ${rw.message}`);
  return rw;
}

function state(rw: Rewritten): RenderState {
  return { sites: rw.sites, lits: rw.lits, missing: new Map(), jraw: null, size: 0, now: 0 };
}

function missingOf(st: RenderState): Array<[string, number]> {
  return [...st.missing].map(([k, v]) => [k, v.count]);
}

const compiled = new Map<string, (c: unknown, o: object) => string>();

function viaHandlebars(rw: Rewritten, ctx: object): Outcome {
  let fn = compiled.get(rw.source);
  if (!fn) compiled.set(rw.source, (fn = templateEnv.compile(rw.source, { noEscape: true, knownHelpers: KNOWN_HELPERS }) as (c: unknown, o: object) => string));
  const st = state(rw);
  try {
    return { text: fn(ctx, { ...RUNTIME_OPTIONS, data: { __st: st } }), missing: missingOf(st) };
  } catch (e) {
    return { threw: String(e) };
  }
}

function viaFast(rw: Rewritten, ctx: object): Outcome {
  const fast = compileFast(templateEnv.parse(rw.source), templateEnv, rw.lits);
  // (compiled per call on purpose: cheap, and the test then also covers compileFast itself)
  if (!fast) throw new Error(`not covered by the fast path: ${rw.source}`);
  const st = state(rw);
  const r = fast(ctx, st);
  return r === FALLBACK ? r : { text: r, missing: missingOf(st) };
}

const AWKWARD: unknown[] = [
  'plain',
  '',
  'say "hi"',
  'back\\slash',
  'tab\tnew\nline\rcr',
  '\u0000\u0001\u001f',
  'line\u2028sep\u2029para',
  'emoji 😀 and é',
  '\ud800 lone surrogate',
  "it's `tick` {{not}} }}",
  0,
  -1.5,
  1e21,
  NaN,
  Infinity,
  true,
  false,
  null,
  undefined,
  12345678901234567890n,
  { nested: { a: [1, 'x"y', null] } },
  [1, 2, '\u2028'],
  [],
  {},
];

const FIELDS = ['id', 'email', 'ltv', 'name', 'a.b', 'this', 'length', 'missing'];

function pick<T>(r: () => number, xs: readonly T[]): T {
  return xs[Math.floor(r() * xs.length)]!;
}

function randomRecord(r: () => number): unknown {
  const roll = r();
  if (roll < 0.03) return null;
  if (roll < 0.05) return undefined;
  if (roll < 0.07) return pick(r, ['str', 42, true]);
  const rec: Record<string, unknown> = {};
  for (const f of ['id', 'email', 'ltv', 'name']) if (r() < 0.85) rec[f] = pick(r, AWKWARD);
  if (r() < 0.7) rec.a = r() < 0.2 ? pick(r, AWKWARD) : { b: pick(r, AWKWARD) };
  return rec;
}

/** Value-helper calls on a field `$`, as templates write them (the fast path calls the same functions). */
const CALLS = ['sha256 $', 'sha256Email $', 'sha256Phone $', 'md5 $', 'base64 $', 'lower $', 'upper (trim $)', 'default $ "none"', 'json $', 'date $ "YYYY-MM-DD"', 'now', 'hmac "sha256" "k3y!" $', 'sha256 $ encoding="base64"', 'default $ null'];

function randomTemplate(r: () => number, kind: TemplateKind): string {
  const field = (): string => {
    let f = pick(r, FIELDS);
    if (r() < 0.3) f = pick(r, CALLS).replace('$', f);
    const strip = r() < 0.1;
    return r() < 0.1 ? `{{{${f}}}}` : `{{${strip ? '~' : ''}${f}${strip ? '~' : ''}}}`;
  };
  const body: string[] = [];
  const n = 1 + Math.floor(r() * 4);
  if (kind === 'json') {
    body.push('{');
    for (let i = 0; i < n; i++) {
      if (i) body.push(r() < 0.5 ? ', ' : ',\n    ');
      body.push(r() < 0.6 ? `"k${i}": "${field()}"` : `"k${i}": ${field()}`);
    }
    body.push(r() < 0.5 ? '}' : '\n  }');
  } else {
    for (let i = 0; i < n; i++) body.push(`k${i}=`, field(), r() < 0.5 ? '&' : ' ');
  }
  const sep = pick(r, ['{{#unless @last}},{{/unless}}', '{{#if @last}}.{{/if}}', '{{#unless @first}}{{/unless}}', '{{#if @first}}!{{/if}}', '\n  {{#unless @last}}\n  ,\n  {{/unless}}\n', '']);
  const top = r() < 0.4 ? (kind === 'json' ? '"aud": "{{audience.name}}", ' : 'aud={{audience.name}} ') : '';
  const list = r() < 0.9 ? 'users' : 'audience.members';
  return kind === 'json'
    ? `{${top}"users": [{{#each ${list}}}${body.join('')}${sep}{{/each}}]}`
    : `${top}{{#each ${list}}}${body.join('')}${sep}{{/each}}`;
}

function randomContext(r: () => number): object {
  const users: unknown[] = [];
  const n = Math.floor(r() * 6);
  for (let i = 0; i < n; i++) users.push(randomRecord(r));
  if (r() < 0.05 && users.length > 2) delete users[1]; // a sparse array
  const ctx: Record<string, unknown> = { audience: { name: pick(r, AWKWARD), members: users } };
  const shape = r();
  if (shape < 0.03) ctx.users = { a: { id: 1 }, b: { id: 2 } }; // an object: each iterates its keys
  else if (shape < 0.05) ctx.users = 'not a list';
  else if (shape < 0.06) ctx.users = new Set([{ id: 'from a set' }]);
  else ctx.users = users;
  return ctx;
}

describe('fast renderer agrees with Handlebars', () => {
  for (const kind of ['json', 'text', 'url', 'header', 'form', 'xml'] as TemplateKind[]) {
    it(`random ${kind} templates and records, byte for byte`, () => {
      const r = rng(kind.length * 7919);
      let fastRenders = 0;
      for (let t = 0; t < 150; t++) {
        const source = randomTemplate(r, kind);
        const rw = rewrite(source, kind);
        for (let c = 0; c < 8; c++) {
          const ctx = randomContext(r);
          const fast = viaFast(rw, ctx);
          if (fast === FALLBACK) continue;
          fastRenders++;
          expect(fast, `${source}\n${String(JSON.stringify(ctx, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)))}`).toEqual(viaHandlebars(rw, ctx));
        }
      }
      expect(fastRenders).toBeGreaterThan(900);
    });
  }

  it('the public renderer gives the same text and warnings either way', () => {
    const src = '{"users": [{{#each users}}{"id": "{{id}}", "email": "{{email}}", "ltv": {{ltv}}}{{#unless @last}},{{/unless}}{{/each}}]}';
    const users = [{ id: 'u"1', email: 'a\u2028b', ltv: 3 }, { id: 'u2' }, { email: 'x' }];
    const r = renderTemplate(src, 'json', { users });
    expect(r).toEqual({
      ok: true,
      text: '{"users": [{"id": "u\\"1", "email": "a\\u2028b", "ltv": 3},{"id": "u2", "email": "", "ltv": null},{"id": "", "email": "x", "ltv": null}]}',
      warnings: ['users[].email is missing (rendered as empty)', 'users[].ltv is missing in 2 records (rendered as null)', 'users[].id is missing (rendered as empty)'],
    });
  });

  it('steps aside for inherited properties, so prototype access rules still apply', () => {
    const rw = rewrite('{"users": [{{#each users}}"{{name}}"{{/each}}]}', 'json');
    const inherited = Object.create({ name: 'from the prototype' }) as object;
    expect(viaFast(rw, { users: [inherited] })).toBe(FALLBACK);
    expect(renderTemplate('{"users": [{{#each users}}"{{name}}"{{/each}}]}', 'json', { users: [inherited] })).toMatchObject({ ok: true, text: '{"users": [""]}' });
    expect(viaFast(rewrite('{"u": "{{constructor}}"}', 'json'), {})).toBe(FALLBACK);
  });

  it('covers value-helper calls, and steps aside when one throws so Handlebars reports it', () => {
    const src = '{"users": [{{#each users}}{"e": "{{sha256Email email}}", "d": {{date at "epoch"}}, "j": {{json tags}}, "t": "{{now}}"}{{#unless @last}},{{/unless}}{{/each}}]}';
    const rw = rewrite(src, 'json');
    const ctx = { users: [{ email: ' A@B.co ', at: '2024-05-01T00:00:00Z', tags: ['x'] }] };
    const fast = viaFast(rw, ctx);
    expect(fast).not.toBe(FALLBACK);
    expect(fast).toEqual(viaHandlebars(rw, ctx));
    expect(viaFast(rw, { users: [{ at: 'not a date' }] })).toBe(FALLBACK);
    expect(renderTemplate(src, 'json', { users: [{ at: 'not a date' }] })).toMatchObject({ ok: false, error: { message: expect.stringContaining('date: "not a date" is not a date') } });
  });

  it('leaves shapes it does not cover to Handlebars', () => {
    for (const src of ['{{#each users}}{{@index}}{{/each}}', '{{#each users}}{{../x}}{{/each}}', '{{#with user}}{{id}}{{/with}}', '{{lookup user "id"}}', '{{sha256 (lookup user "id")}}', '{{sha256 ../x}}', '{{#each users}}{{#each tags}}{{this}}{{/each}}{{/each}}', '{{#if x}}y{{/if}}']) {
      const rw = rewrite(src, 'text');
      expect(compileFast(templateEnv.parse(rw.source), templateEnv, rw.lits), src).toBeNull();
    }
  });
});
