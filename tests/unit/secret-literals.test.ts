// Literal secrets a config may hold where the review found them missed: a proxy password
// with `$`, `{` or no user name, an hmac key in the header string form; and a --set path
// that would write to Object.prototype.
import { describe, expect, it } from 'vitest';
import { maskTemplateKeyLiterals, maskUrlLiterals } from '../../src/main/engine/secret-slots.js';
import { applyOverrides, parseOverride } from '../../src/main/app/overrides.js';

const MASK = '●●●●';

describe('literal secrets in a config are found and masked', () => {
  it('a proxy password is masked whatever its characters; a reference or a template is not', () => {
    const cases: Array<[string, string]> = [
      ['http://u:pa$word@proxy:3128', 'http://u:●●●●@proxy:3128'],
      ['http://:pw@proxy:3128', 'http://:●●●●@proxy:3128'],
      ['http://u:pa{ss@proxy:1', 'http://u:●●●●@proxy:1'],
      ['http://u:${env:PROXY_PASS}@proxy:1', 'http://u:${env:PROXY_PASS}@proxy:1'],
      ['http://u:{{user.pw}}@proxy:1', 'http://u:{{user.pw}}@proxy:1'],
    ];
    for (const [proxy, stored] of cases) {
      const config = { destination: { network: { proxy } } };
      maskUrlLiterals(config, MASK);
      expect(config.destination.network.proxy, proxy).toBe(stored);
    }
    const q = { destination: { add: { url: 'https://api.example/x?api_key=k$y1' } } };
    expect(maskUrlLiterals(q, MASK)).toContain('k$y1');
    expect(q.destination.add.url).toBe('https://api.example/x?api_key=●●●●');
  });

  it('a userinfo password is what precedes the authority\'s LAST @ (as the URL parser and pg read it), spaces and all, in every URL field', () => {
    const cases: Array<[string, string, string]> = [
      ['postgres://app:p@ssw0rd!@db/crm', 'postgres://app:●●●●@db/crm', 'p@ssw0rd!'],
      ['postgres://app:my secret pw@db/crm', 'postgres://app:●●●●@db/crm', 'my secret pw'],
      ['postgres://app:a%40b%20c@db/crm?sslmode=require', 'postgres://app:●●●●@db/crm?sslmode=require', 'a@b c'],
      ['postgres://app@db/crm?email=x@y', 'postgres://app@db/crm?email=x@y', ''],
    ];
    for (const [url, stored, password] of cases) {
      for (const config of [
        { source: { postgres: { url, query: 'select 1' } } },
        { destination: { network: { proxy: url } } },
        { destination: { add: { url } } },
      ]) {
        const literals = maskUrlLiterals(config, MASK);
        const json = JSON.stringify(config);
        expect(json, url).toContain(JSON.stringify(stored).slice(1, -1));
        if (password) {
          expect(literals, url).toContain(password);
          expect(json.includes(password), url).toBe(false);
        } else expect(literals).toEqual([]);
      }
    }
  });

  it('an hmac key written literally in the header string form is masked like the object form', () => {
    const config = { destination: { headers: 'X-Org:acme,X-Sig:{{hmac "sha256" "topsecretkey" audience_name}}' } };
    expect(maskTemplateKeyLiterals(config, MASK)).toContain('topsecretkey');
    expect(JSON.stringify(config)).not.toContain('topsecretkey');
    expect(config.destination.headers).toEqual({ 'X-Org': 'acme', 'X-Sig': '{{hmac "sha256" "●●●●" audience_name}}' });
  });
});

describe('--set', () => {
  it('refuses a path through __proto__, constructor or prototype, and Object.prototype stays clean', () => {
    for (const arg of ['__proto__.polluted=1', 'destination.constructor.prototype.polluted=1', 'add.__proto__=1']) {
      const parsed = parseOverride(arg);
      expect(parsed.ok, arg).toBe(false);
      if (!parsed.ok) expect(parsed.message).toMatch(/is not a config field/);
    }
    const ok = parseOverride('add.batchSize=10');
    expect(ok.ok).toBe(true);
    if (ok.ok) expect(applyOverrides({ destination: {} }, [ok.override])).toEqual({ ok: true, value: { destination: { add: { batchSize: 10 } } } });
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
