// Differential test for the skeleton proof (fast.ts `skeleton`, compile.ts `parses`): a JSON
// body the fast path renders from escaped values is not parsed again when its shape's
// skeleton parses. Over many adversarial values and templates (some whose skeleton cannot
// be valid), what renderTemplate returns must be exactly what Handlebars renders, and it
// must be refused exactly when that text is not JSON.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { exactInteger } from '../../src/main/engine/exact.js';
import { renderTemplate } from '../../src/main/engine/template/compile.js';
import { KNOWN_HELPERS, RUNTIME_OPTIONS, templateEnv, type RenderState } from '../../src/main/engine/template/env.js';
import { rewriteTemplate } from '../../src/main/engine/template/rewrite.js';
import { mulberry32 as rng } from '../../src/shared/prng.js';

const compiled = new Map<string, (c: unknown, o: object) => string>();

/** The slow path: the rewritten template through Handlebars itself. */
function viaHandlebars(source: string, ctx: object): { text: string } | { threw: string } {
  const rw = rewriteTemplate(source, 'json');
  if ('message' in rw) throw new Error(`${source}: ${rw.message}`);
  let fn = compiled.get(rw.source);
  if (!fn) compiled.set(rw.source, (fn = templateEnv.compile(rw.source, { noEscape: true, knownHelpers: KNOWN_HELPERS }) as (c: unknown, o: object) => string));
  const st: RenderState = { sites: rw.sites, lits: rw.lits, missing: new Map(), jraw: null, size: 0, now: 0 };
  try {
    return { text: fn(ctx, { ...RUNTIME_OPTIONS, data: { __st: st } }) };
  } catch (e) {
    return { threw: String(e) };
  }
}

function parses(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}

const pick = <T,>(r: () => number, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

/** Code units chosen to break JSON: quotes, escapes, controls, separators, surrogates, braces. */
const UNITS = ['a', 'é', '"', '\\', '\\u', '\n', '\r', '\t', '\u0000', '\u001f', '\u007f', '\u2028', '\u2029', '\ud800', '\udc00', '😀', '{{', '}}', ',', ':', '[', ']', '{', '}', ' ', '0', '-', 'e', '.', "'", '`', '/', '<script>'];

function randomString(r: () => number): string {
  let s = '';
  const n = Math.floor(r() * 8);
  for (let i = 0; i < n; i++) s += pick(r, UNITS);
  return s;
}

function randomValue(r: () => number, depth = 0): unknown {
  const roll = r();
  if (roll < 0.3) return randomString(r);
  if (roll < 0.45) return pick(r, [0, -0, 1, -1.5, 1e21, 5e-324, 2 ** 53, -(2 ** 60), 123456789.125, NaN, Infinity, -Infinity]);
  if (roll < 0.5) return pick(r, [12345678901234567890n, -1n]);
  if (roll < 0.55) return exactInteger(pick(r, ['98765432109876543210', '-12345678901234567890123']));
  if (roll < 0.62) return pick(r, [true, false, null, undefined]);
  if (depth > 2) return randomString(r);
  if (roll < 0.8) {
    const o: Record<string, unknown> = {};
    const n = Math.floor(r() * 4);
    for (let i = 0; i < n; i++) o[randomString(r) || `k${i}`] = randomValue(r, depth + 1);
    return o;
  }
  return Array.from({ length: Math.floor(r() * 4) }, () => randomValue(r, depth + 1));
}

function randomRecord(r: () => number): Record<string, unknown> {
  const rec: Record<string, unknown> = {};
  for (const f of ['id', 'email', 'v', 'name']) if (r() < 0.9) rec[f] = randomValue(r);
  if (r() < 0.5) rec.name = { first: randomValue(r), last: randomString(r) };
  return rec;
}

function randomContext(r: () => number): object {
  const users = Array.from({ length: Math.floor(r() * 6) }, () => randomRecord(r));
  if (r() < 0.05 && users.length > 2) delete users[1]; // a sparse list: no shape, always parsed
  return { user: randomRecord(r), users, audience: { name: randomValue(r) } };
}

/** Templates the fast path covers; the later ones have skeletons that do not always parse. */
const TEMPLATES = [
  '{"id": "{{user.id}}", "email": "{{user.email}}", "ltv": {{user.v}}}',
  '{"users": [{{#each users}}{"id": "{{id}}", "email": "{{email}}", "v": {{v}}}{{#unless @last}},{{/unless}}{{/each}}]}',
  '{"aud": "{{audience.name}}", "users": [{{#each users}}{{#unless @first}}, {{/unless}}{{v}}{{/each}}], "n": {{audience.name}}}',
  '{"u": {"name": "{{user.name.first}} {{user.name.last}}", "tags": {{user.name}}, "raw": "{{user.v}}"}}',
  '{"{{user.id}}": {{user.v}}, "list": [{{#each users}}"{{name.first}}"{{#if @last}}{{/if}}{{#unless @last}},{{/unless}}{{/each}}]}',
  // trailing comma: valid for no users, invalid for any
  '{"users": [{{#each users}}{{v}},{{/each}}]}',
  // glued to a sign, a digit, a decimal point: valid for some values only
  '{"a": -{{user.v}}}',
  '{"a": 1{{user.v}}}',
  '{"a": {{user.v}}.5}',
  // a value in a key position, two values side by side, a value after a string
  '{ {{user.v}}: 1}',
  '{"a": {{user.v}}{{user.id}}}',
  '{"a": "{{user.id}}" {{user.v}}}',
  // a string site inside an unfinished escape
  '{"a": "\\u00{{user.id}}"}',
  '{"a": "\\{{user.id}}"}',
  // value helpers inside the escaping helpers (issue 11): the skeleton check still holds
  '{"h": "{{sha256Email user.email}}", "d": {{date user.v "epoch"}}, "x": {{default user.missing user.v}}, "l": "{{lower user.name.first}}"}',
  '{"users": [{{#each users}}{"e": "{{sha256 email}}", "b": {{base64 id}}, "t": "{{trim name.first}}"}{{#unless @last}},{{/unless}}{{/each}}]}',
  // no skeleton at all (a raw site): always parsed
  '{"a": {{{user.id}}}}',
];

afterEach(() => vi.restoreAllMocks());

describe('JSON bodies rendered by the fast path, not parsed again when their skeleton parses', () => {
  it('gives the Handlebars text byte for byte, and refuses it exactly when it is not JSON (many random values)', () => {
    const r = rng(20261201);
    let refused = 0;
    let accepted = 0;
    for (let i = 0; i < 6000; i++) {
      const source = TEMPLATES[i % TEMPLATES.length]!;
      const ctx = randomContext(r);
      const slow = viaHandlebars(source, ctx);
      const got = renderTemplate(source, 'json', ctx);
      if ('threw' in slow) {
        expect(got.ok, `${source} with ${String(slow.threw)}`).toBe(false);
        continue;
      }
      if (got.ok) {
        accepted++;
        expect(got.text, source).toBe(slow.text);
        expect(parses(got.text), `${source} accepted invalid JSON: ${got.text}`).toBe(true);
      } else {
        refused++;
        expect(parses(slow.text), `${source} refused valid JSON: ${slow.text}`).toBe(false);
        expect(got.error.rendered, source).toBe(slow.text);
        expect(got.error.message).toMatch(/^rendered body is not valid JSON/);
      }
    }
    // Both sides exercised.
    expect(accepted).toBeGreaterThan(2000);
    expect(refused).toBeGreaterThan(500);
  });

  it('still refuses a body whose skeleton cannot parse, with the reason and the position', () => {
    const glued = renderTemplate('{"a": -{{user.v}}}', 'json', { user: { v: -5 } });
    expect(glued.ok).toBe(false);
    if (!glued.ok) expect(glued.error.message).toMatch(/line 1, column \d+/);
    expect(renderTemplate('{"a": -{{user.v}}}', 'json', { user: { v: 5 } })).toMatchObject({ ok: true, text: '{"a": -5}' });
    expect(renderTemplate('{"users": [{{#each users}}{{v}},{{/each}}]}', 'json', { users: [] })).toMatchObject({ ok: true, text: '{"users": []}' });
    expect(renderTemplate('{"users": [{{#each users}}{{v}},{{/each}}]}', 'json', { users: [{ v: 1 }] }).ok).toBe(false);
    expect(renderTemplate('{ {{user.v}}: 1}', 'json', { user: { v: 1 } }).ok).toBe(false);
    expect(renderTemplate('{ {{user.v}}: 1}', 'json', { user: { v: 'k' } })).toMatchObject({ ok: true, text: '{ "k": 1}' });
  });

  it('parses a shape once, not every body (the saving itself)', () => {
    const source = '{"users": [{{#each users}}{"id": "{{id}}", "v": {{v}}}{{#unless @last}},{{/unless}}{{/each}}], "note": "skeleton count"}';
    const r = rng(7);
    const contexts = Array.from({ length: 200 }, () => ({ users: Array.from({ length: 1 + (r() < 0.5 ? 0 : 2) }, () => randomRecord(r)) }));
    const parse = vi.spyOn(JSON, 'parse');
    for (const ctx of contexts) expect(renderTemplate(source, 'json', ctx).ok).toBe(true);
    // Two probes for each of the two shapes (1 and 3 users), nothing per body.
    expect(parse.mock.calls.length).toBeLessThanOrEqual(4);
  });
});
