// The preview follows typing without a fixed pause (lib/latest.ts `coalescing`): an edit
// starts a preview at once, edits during one fold into a single follow-up that reads the
// latest input, and an answer an edit has superseded (or a destination switch) is dropped.
import { describe, expect, it } from 'vitest';
import { coalescing } from '../../src/renderer/lib/latest.js';

/** A preview service whose answers the test releases one by one. */
function controlled() {
  let input = 'a';
  const calls: Array<{ input: string; resolve: (v: string) => void; reject: (e: Error) => void }> = [];
  const answers: string[] = [];
  const failures: string[] = [];
  const task = coalescing(
    () =>
      new Promise<string>((resolve, reject) => {
        calls.push({ input, resolve: (v) => resolve(v), reject });
      }),
    { answer: (v) => answers.push(v), failure: (e) => failures.push(String(e)) },
  );
  const type = (next: string) => {
    input = next;
    task.request();
  };
  return { task, calls, answers, failures, type };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('coalescing preview', () => {
  it('starts the first preview synchronously: no fixed delay', () => {
    const c = controlled();
    c.type('ab');
    expect(c.calls.map((x) => x.input)).toEqual(['ab']);
  });

  it('folds edits made during a preview into one follow-up with the latest input, dropping the stale answer', async () => {
    const c = controlled();
    c.type('a');
    c.type('ab');
    c.type('abc');
    c.type('abcd');
    // One in flight, none queued per keystroke.
    expect(c.calls).toHaveLength(1);
    c.calls[0]!.resolve('preview of a');
    await settle();
    // The answer for "a" is stale (the user typed on): dropped; the follow-up reads "abcd".
    expect(c.answers).toEqual([]);
    expect(c.calls.map((x) => x.input)).toEqual(['a', 'abcd']);
    c.calls[1]!.resolve('preview of abcd');
    await settle();
    expect(c.answers).toEqual(['preview of abcd']);
    expect(c.task.busy()).toBe(false);
  });

  it('shows every answer while the previews keep up with typing', async () => {
    const c = controlled();
    for (const text of ['a', 'ab', 'abc']) {
      c.type(text);
      c.calls.at(-1)!.resolve(`preview of ${text}`);
      await settle();
    }
    expect(c.answers).toEqual(['preview of a', 'preview of ab', 'preview of abc']);
  });

  it('drops the answer in flight when invalidated (the destination changed)', async () => {
    const c = controlled();
    c.type('old destination');
    c.task.invalidate();
    c.calls[0]!.resolve('old requests');
    await settle();
    expect(c.answers).toEqual([]);
    c.type('new destination');
    c.calls[1]!.resolve('new requests');
    await settle();
    expect(c.answers).toEqual(['new requests']);
  });

  it('reports a failure of the latest preview and keeps serving later edits', async () => {
    const c = controlled();
    c.type('x');
    c.calls[0]!.reject(new Error('service down'));
    await settle();
    expect(c.failures).toEqual(['Error: service down']);
    c.type('xy');
    expect(c.calls).toHaveLength(2);
  });
});
