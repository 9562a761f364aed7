import { describe, expect, it } from 'vitest';
import { countSucceeded } from '../../src/main/engine/success.js';

describe('countSucceeded', () => {
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
      reason: 'endpoint acknowledged 97 of 100 records (successPath "records")',
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
      reason: 'endpoint acknowledged 1 of 2 records (successPath "result.items[?ok]")',
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
