import { describe, expect, it } from 'vitest';
import { createRedactor, isSecretHeaderName, MASK, maskToken } from '../../src/main/engine/redact.js';

describe('createRedactor', () => {
  it('masks every occurrence of a known secret in text', () => {
    const r = createRedactor(['s3cr3t-value']);
    expect(r.text('a s3cr3t-value b s3cr3t-value')).toBe(`a ${MASK} b ${MASK}`);
  });

  it('leaves text alone when there are no secrets', () => {
    const r = createRedactor([]);
    const s = 'nothing to hide';
    expect(r.text(s)).toBe(s);
  });

  it('ignores secrets shorter than 4 characters', () => {
    const r = createRedactor(['ab', 'xyz']);
    expect(r.text('abc xyz')).toBe('abc xyz');
  });

  it('masks percent-encoded and form-encoded forms, as found in form bodies', () => {
    const secret = 'p@ss word/+&=';
    const r = createRedactor([secret]);
    const body = new URLSearchParams({ client_id: 'id', client_secret: secret }).toString();
    expect(r.text(body)).toBe(`client_id=id&client_secret=${MASK}`);
    expect(r.text(`?k=${encodeURIComponent(secret)}`)).toBe(`?k=${MASK}`);
  });

  it('masks a base64 form of the secret', () => {
    const r = createRedactor(['top-secret-key']);
    const b64 = Buffer.from('top-secret-key').toString('base64');
    expect(r.text(`curl -H "X: ${b64}"`)).toBe(`curl -H "X: ${MASK}"`);
  });

  it('masks a longer secret whole when it contains a shorter one', () => {
    const r = createRedactor(['abcd', 'abcdefgh']);
    expect(r.text('xx abcdefgh yy')).toBe(`xx ${MASK} yy`);
  });

  it('shows an env value as its reference, in every encoded form; other secrets keep the mask', () => {
    const r = createRedactor([{ value: 'k3y/v+al=é"', shownAs: '${env:ACME_KEY}' }, 'literal-secret']);
    const json = JSON.stringify('k3y/v+al=é"').slice(1, -1);
    expect(r.text('?k=k3y/v+al=é" literal-secret')).toBe(`?k=\${env:ACME_KEY} ${MASK}`);
    expect(r.text(`?k=${encodeURIComponent('k3y/v+al=é"')}`)).toBe('?k=${env:ACME_KEY}');
    expect(r.text(`{"a":"${json}"}`)).toBe('{"a":"${env:ACME_KEY}"}');
    expect(r.text(JSON.stringify({ body: `{"a":"${json}"}` }))).toBe('{"body":"{\\"a\\":\\"${env:ACME_KEY}\\"}"}');
    expect(r.text(`{"a":"k3y/v+al=\\u00e9\\""}`)).toBe('{"a":"${env:ACME_KEY}"}');
    expect(r.headers({ 'X-API-Key': 'k3y/v+al=é"', Authorization: 'Bearer k3y/v+al=é"', 'X-Other': 'Bearer partly-k3y' })).toEqual({
      'X-API-Key': '${env:ACME_KEY}',
      Authorization: 'Bearer ${env:ACME_KEY}',
      'X-Other': 'Bearer partly-k3y',
    });
  });

  it('a value that is both an env value and a literal secret shows as the mask', () => {
    const r = createRedactor([{ value: 'same-value', shownAs: '${env:A}' }, 'same-value']);
    expect(r.text('same-value')).toBe(MASK);
  });

  it('learns secrets added later, e.g. a fetched token', () => {
    const r = createRedactor(['first-secret']);
    expect(r.text('tok-123456')).toBe('tok-123456');
    r.add('tok-123456');
    expect(r.text('tok-123456 first-secret')).toBe(`${MASK} ${MASK}`);
  });

  it('masks secret-looking header values, keeping the auth scheme', () => {
    const r = createRedactor(['env-value-1234']);
    const out = r.headers({
      Authorization: 'Bearer eyJhbGciOi.payload.sig',
      'Proxy-Authorization': 'Basic dXNlcjpwYXNz',
      Cookie: 'session=abc; other=def',
      'X-API-Key': 'k-123',
      'X-Auth-Token': 'tttt',
      'X-Client-Secret': 'ssss',
      'X-Custom': 'value has env-value-1234 inside',
      'Content-Type': 'application/json',
      'Keep-Alive': 'timeout=5',
    });
    expect(out).toEqual({
      Authorization: `Bearer ${MASK}`,
      'Proxy-Authorization': `Basic ${MASK}`,
      Cookie: MASK,
      'X-API-Key': MASK,
      'X-Auth-Token': MASK,
      'X-Client-Secret': MASK,
      'X-Custom': `value has ${MASK} inside`,
      'Content-Type': 'application/json',
      'Keep-Alive': 'timeout=5',
    });
  });

  it('masks base64 Basic credentials built from a client id and secret once they are added', () => {
    const cred = Buffer.from('client-id:client-secret-1').toString('base64');
    const r = createRedactor(['client-secret-1']);
    r.add(cred);
    expect(r.text(`Authorization: Basic ${cred}`)).toBe(`Authorization: Basic ${MASK}`);
  });
});

describe('isSecretHeaderName', () => {
  it.each([
    ['authorization', true],
    ['set-cookie', true],
    ['x-api-key', true],
    ['api-key', true],
    ['x-refresh-token', true],
    ['password', true],
    ['content-type', false],
    ['accept', false],
    ['keep-alive', false],
  ])('%s ⇒ %s', (name, secret) => {
    expect(isSecretHeaderName(name)).toBe(secret);
  });
});

describe('maskToken', () => {
  it('shows the first 4 characters of a long token', () => {
    expect(maskToken('eyJhbGciOiJIUzI1NiJ9.x.y')).toBe(`eyJh…${MASK}`);
  });
  it('hides short tokens whole', () => {
    expect(maskToken('short')).toBe(MASK);
  });
});
