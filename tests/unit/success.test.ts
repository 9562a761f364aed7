import { describe, expect, it } from 'vitest';
import { acknowledge, type Acknowledgement, type AckRules } from '../../src/main/engine/success.js';

const keysOf = (n: number) => Array.from({ length: n }, (_, i) => `k${i + 1}`);
const u = (n: number) => Array.from({ length: n }, (_, i) => `u${String(i + 1).padStart(2, '0')}`);

/** The count the run takes and the first reason, as the seeds' examples describe them. */
function countSucceeded(status: number, body: string, successPath: string | undefined, n: number): { succeeded: number; reason?: string } {
  const ack = acknowledge(status, body, { successPath }, keysOf(n));
  const reason = ack.reason ?? ack.records?.find((r) => r.status !== 'delivered')?.reason;
  return { succeeded: ack.succeeded, ...(reason ? { reason } : {}) };
}

/** Per record: `ok`, `failed: reason` or `unconfirmed`. */
function outcomes(ack: Acknowledgement, n: number): string[] {
  if (!ack.records) return Array.from({ length: n }, () => (ack.succeeded === n ? 'ok' : `failed: ${ack.reason}`));
  return ack.records.map((r) => (r.status === 'delivered' ? 'ok' : r.status === 'unconfirmed' ? 'unconfirmed' : `failed: ${r.reason}`));
}

describe('countSucceeded (the seeds: a count)', () => {
  it('counts every record of a 2xx when the success path is blank', () => {
    expect(countSucceeded(200, '', undefined, 10)).toEqual({ succeeded: 10 });
    expect(countSucceeded(204, '', '   ', 10)).toEqual({ succeeded: 10 });
  });

  it('fails every record of a non-2xx with the status and a body excerpt', () => {
    expect(countSucceeded(503, '{"error":"overloaded"}\n', undefined, 5)).toEqual({
      succeeded: 0,
      reason: 'HTTP 503: {"error":"overloaded"}',
    });
    expect(countSucceeded(404, '', 'records', 5)).toEqual({ succeeded: 0, reason: 'HTTP 404' });
  });

  it('keeps long error bodies short', () => {
    const r = countSucceeded(500, 'x'.repeat(5000), undefined, 1);
    expect(r.reason!.length).toBeLessThan(400);
  });

  it('"records": an array counts its length', () => {
    const body = JSON.stringify({ records: Array.from({ length: 97 }, (_, i) => ({ id: i })) });
    expect(countSucceeded(200, body, 'records', 100)).toMatchObject({
      succeeded: 97,
      reason: expect.stringMatching(/^endpoint acknowledged 97 of 100 records \(successPath "records"\) without naming which: not taken as delivered/),
    });
    expect(countSucceeded(200, body, 'records', 97)).toEqual({ succeeded: 97 });
  });

  it('"created": an array longer than the batch is clamped', () => {
    expect(countSucceeded(201, '{"created":[1,2,3,4]}', 'created', 3)).toEqual({ succeeded: 3 });
  });

  it('"success": a boolean means all or none', () => {
    expect(countSucceeded(200, '{"success":true}', 'success', 8)).toEqual({ succeeded: 8 });
    const r = countSucceeded(200, '{"success":false}', 'success', 8);
    expect(r.succeeded).toBe(0);
    expect(r.reason).toContain('endpoint acknowledged 0 of 8 records (successPath "success"');
  });

  it('"num_records_imported": a number is used directly, clamped to the batch', () => {
    expect(countSucceeded(200, '{"num_records_imported":42}', 'num_records_imported', 50).succeeded).toBe(42);
    expect(countSucceeded(200, '{"num_records_imported":99}', 'num_records_imported', 50)).toEqual({ succeeded: 50 });
    expect(countSucceeded(200, '{"num_records_imported":-3}', 'num_records_imported', 50).succeeded).toBe(0);
  });

  it('nested JMESPath expressions work', () => {
    expect(countSucceeded(200, '{"result":{"items":[{"ok":true},{"ok":false}]}}', 'result.items[?ok]', 2)).toMatchObject({
      succeeded: 1,
      reason: expect.stringContaining('endpoint acknowledged 1 of 2 records (successPath "result.items[?ok]")'),
    });
  });

  it('a body that is not JSON fails the records and says why', () => {
    expect(countSucceeded(200, 'OK', 'records', 3)).toEqual({
      succeeded: 0,
      reason: 'response is not JSON; successPath "records" cannot be read',
    });
  });

  it('a missing field fails the records with a reason naming the path', () => {
    const r = countSucceeded(200, '{"imported":3}', 'records', 3);
    expect(r.succeeded).toBe(0);
    expect(r.reason).toContain('successPath "records" found nothing');
  });

  it('a value of another type fails the records', () => {
    const r = countSucceeded(200, '{"records":"all"}', 'records', 3);
    expect(r).toEqual({ succeeded: 0, reason: 'successPath "records" gave a string; expected an array, a boolean or a number' });
  });

  it('an invalid expression is reported, not thrown', () => {
    const r = countSucceeded(200, '{}', 'records[', 3);
    expect(r.succeeded).toBe(0);
    expect(r.reason).toMatch(/successPath "records\[": invalid JMESPath expression .*column 9/);
  });
});

describe('acknowledge: which records are delivered', () => {
  const rules = (r: AckRules) => r;

  it('successKeyPath: exactly the records the answer names are delivered, in any order', () => {
    const body = JSON.stringify({ created: [{ userId: 'u10' }, { userId: 'u09' }] });
    const ack = acknowledge(200, body, rules({ successPath: 'created', successKeyPath: 'userId' }), u(10));
    expect(ack.succeeded).toBe(2);
    expect(ack.unconfirmed).toBeUndefined();
    const got = outcomes(ack, 10);
    expect(got.slice(8)).toEqual(['ok', 'ok']);
    expect(got.slice(0, 8).every((o) => o.startsWith('failed: not among the records the endpoint acknowledged (2 named of 10'))).toBe(true);
  });

  it('successKeyPath: a numeric key matches its string record key; unknown keys name nothing', () => {
    const ack = acknowledge(200, '{"ok":[{"id":2},{"id":"zz"}]}', { successPath: 'ok', successKeyPath: 'id' }, ['1', '2', '3']);
    expect(outcomes(ack, 3).map((o) => o.slice(0, 6))).toEqual(['failed', 'ok', 'failed']);
    expect(ack.succeeded).toBe(1);
  });

  it('successKeyPath: a key beyond 2^53 echoed as a number names its record exactly, not its rounded neighbour', () => {
    const keys = ['12345678901234567890', '12345678901234567000'];
    const ack = acknowledge(200, '{"ok":[{"id":12345678901234567890}]}', { successPath: 'ok', successKeyPath: 'id' }, keys);
    expect(outcomes(ack, 2).map((o) => o.slice(0, 6))).toEqual(['ok', 'failed']);
  });

  it('successKeyPath naming every record delivers all with no per-record list', () => {
    expect(acknowledge(200, '{"created":[{"userId":"u02"},{"userId":"u01"}]}', { successPath: 'created', successKeyPath: 'userId' }, u(2))).toEqual({ succeeded: 2 });
  });

  it('the created example of the issue without successKeyPath: counted, none delivered', () => {
    const body = JSON.stringify({ created: [{ userId: 'u09' }, { userId: 'u10' }] });
    const ack = acknowledge(200, body, { successPath: 'created' }, u(10));
    expect(ack.succeeded).toBe(2);
    expect(ack.unconfirmed).toBe(2);
    expect(outcomes(ack, 10)).toEqual(Array.from({ length: 10 }, () => 'unconfirmed'));
    expect((ack.records![0] as { reason: string }).reason).toBe(
      'endpoint acknowledged 2 of 10 records (successPath "created") without naming which: not taken as delivered; resume and retry-failed send it again (set successKeyPath to name them)',
    );
  });

  it('a number below the batch is never applied in order', () => {
    const ack = acknowledge(200, '{"num_records_imported":3}', { successPath: 'num_records_imported' }, u(5));
    expect(ack).toMatchObject({ succeeded: 3, unconfirmed: 3 });
    expect(outcomes(ack, 5)).toEqual(Array.from({ length: 5 }, () => 'unconfirmed'));
  });

  it('fallback: elements naming batch keys by id/key/email, or as strings, each unambiguously', () => {
    const ack = acknowledge(200, '{"records":[{"id":"u1","status":"added"},{"email":"u3"}]}', { successPath: 'records' }, ['u1', 'u2', 'u3']);
    expect(outcomes(ack, 3).map((o) => o.slice(0, 6))).toEqual(['ok', 'failed', 'ok']);
    expect(acknowledge(200, '{"created":["u2"]}', { successPath: 'created' }, ['u1', 'u2', 'u3']).succeeded).toBe(1);
  });

  it('fallback refused: one element not matching, two naming one record, or one naming two', () => {
    const keys = ['u1', 'u2', 'u3'];
    const cases = ['{"r":[{"id":"u1"},{"id":"nope"}]}', '{"r":[{"id":"u1"},{"key":"u1"}]}', '{"r":[{"id":"u1","email":"u2"}]}'];
    for (const body of cases) {
      const ack = acknowledge(200, body, { successPath: 'r' }, keys);
      expect(ack.records!.every((r) => r.status === 'unconfirmed')).toBe(true);
    }
  });

  it('errorsPath: an index, a key and an object (index or key, with the reason) each fail their record', () => {
    const body = JSON.stringify({
      errors: [0, 'u03', { index: 4, message: 'bad email' }, { userId: 'u06', reason: 'opted out' }, { id: 'u08', error: { code: 7 } }, 99, 'nobody'],
    });
    const ack = acknowledge(200, body, { errorsPath: 'errors' }, u(8));
    expect(outcomes(ack, 8)).toEqual([
      'failed: rejected by the endpoint (errorsPath "errors")',
      'ok',
      'failed: rejected by the endpoint (errorsPath "errors")',
      'ok',
      'failed: rejected by the endpoint: bad email (errorsPath "errors")',
      'failed: rejected by the endpoint: opted out (errorsPath "errors")',
      'ok',
      'failed: rejected by the endpoint: {"code":7} (errorsPath "errors")',
    ]);
    expect(ack.succeeded).toBe(3);
  });

  it('errorKeyPath reads the key of an object element', () => {
    const ack = acknowledge(200, '{"failed":[{"user":{"ref":"u02"},"message":"no"}]}', { errorsPath: 'failed', errorKeyPath: 'user.ref' }, u(3));
    expect(outcomes(ack, 3)).toEqual(['ok', 'failed: rejected by the endpoint: no (errorsPath "failed")', 'ok']);
  });

  it('a count that covers every record not rejected delivers them', () => {
    const ack = acknowledge(200, '{"imported":8,"errors":[{"index":1,"message":"x"},{"index":5,"message":"y"}]}', { successPath: 'imported', errorsPath: 'errors' }, u(10));
    expect(ack.succeeded).toBe(8);
    expect(outcomes(ack, 10).filter((o) => o === 'ok')).toHaveLength(8);
    expect(ack.unconfirmed).toBeUndefined();
  });

  it('a count short of the records not rejected leaves them unconfirmed, rejected ones failed', () => {
    const ack = acknowledge(200, '{"imported":5,"errors":[3]}', { successPath: 'imported', errorsPath: 'errors' }, u(10));
    expect(ack).toMatchObject({ succeeded: 5, unconfirmed: 5 });
    const got = outcomes(ack, 10);
    expect(got[3]).toMatch(/^failed: rejected/);
    expect(got.filter((o) => o === 'unconfirmed')).toHaveLength(9);
  });

  it('no errors listed (absent, null, empty, or a body that is not JSON) changes nothing', () => {
    for (const body of ['{}', '{"errors":null}', '{"errors":[]}', '']) expect(acknowledge(200, body, { errorsPath: 'errors' }, u(3))).toEqual({ succeeded: 3 });
  });

  it('errorsPath giving something other than an array fails the request: nothing can be told', () => {
    expect(acknowledge(200, '{"errors":"some"}', { errorsPath: 'errors' }, u(2))).toEqual({ succeeded: 0, reason: 'errorsPath "errors" gave a string; expected an array of indexes, keys or objects' });
  });

  it('on a non-2xx, listed records carry the endpoint reason, the others the HTTP status', () => {
    const ack = acknowledge(400, '{"errors":[{"index":0,"message":"bad id"}]}', { successPath: 'records', errorsPath: 'errors' }, u(2));
    expect(outcomes(ack, 2)).toEqual(['failed: rejected by the endpoint: bad id (errorsPath "errors")', 'failed: HTTP 400: {"errors":[{"index":0,"message":"bad id"}]}']);
    expect(ack.succeeded).toBe(0);
  });

  it('a rejected record is failed even when the success path names it', () => {
    const ack = acknowledge(200, '{"ok":[{"id":"u01"},{"id":"u02"}],"errors":["u02"]}', { successPath: 'ok', successKeyPath: 'id', errorsPath: 'errors' }, u(2));
    expect(outcomes(ack, 2).map((o) => o.slice(0, 6))).toEqual(['ok', 'failed']);
  });
});
