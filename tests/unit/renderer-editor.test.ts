// Pure logic behind the template editor and the preview pane: completions, issue
// placement, body checks, countdowns, latest-request-wins.
import { describe, expect, it } from 'vitest';
import { completionsAt, hoverAt, recordFields } from '../../src/renderer/editor/completions.js';
import { describeWhere, markersFor } from '../../src/renderer/editor/issues.js';
import { checkBody, formatCountdown, statusTone } from '../../src/renderer/lib/format.js';
import { latestOnly } from '../../src/renderer/lib/latest.js';
import { findJsonError } from '../../src/renderer/lib/jsonError.js';
import { filterCommands } from '../../src/renderer/components/CommandPalette.js';

const records = [
  { data: { id: 'u1', email: 'a@example.com', address: { city: 'Paris', zip: '75001' } } },
  { data: { id: 'u2', ltv: 12 } },
];
const labels = (text: string) => completionsAt(text, records).map((c) => c.label);

describe('completions', () => {
  it('offers record fields after user.', () => {
    expect(labels('{"email": "{{user.')).toEqual(['id', 'email', 'address', 'ltv']);
  });

  it('offers nested fields after user.address.', () => {
    expect(labels('{{user.address.')).toEqual(['city', 'zip']);
  });

  it('inside {{#each users}} offers the item fields and loop variables', () => {
    const inside = labels('[{{#each users}}{"id": "{{');
    expect(inside).toEqual(expect.arrayContaining(['id', 'email', '@last', '@index', 'audience_name']));
  });

  it('outside a loop offers the top-level variables, not bare fields', () => {
    const top = labels('{"a": "{{');
    expect(top).toEqual(expect.arrayContaining(['audience_name', 'audience_id', 'organization_name', 'remote_audience', 'user']));
    expect(top).not.toContain('email');
  });

  it('after the loop closes, bare fields are no longer offered', () => {
    expect(labels('{{#each users}}{{id}}{{/each}} {{')).not.toContain('email');
  });

  it('offers nothing outside {{ }}', () => {
    expect(labels('{"user.')).toEqual([]);
    expect(labels('{{user.id}} user.')).toEqual([]);
  });

  it('offers remote_audience fields', () => {
    expect(labels('/lists/{{remote_audience.')).toEqual(['id', 'name']);
  });

  it('offers the value helpers with their signature (issue 11)', () => {
    const all = completionsAt('{"h": "{{', records);
    expect(all.map((c) => c.label)).toEqual(expect.arrayContaining(['sha256', 'sha256Email', 'sha256Phone', 'md5', 'base64', 'hmac', 'lower', 'upper', 'trim', 'default', 'date', 'now', 'json']));
    expect(all.find((c) => c.label === 'hmac')).toMatchObject({ kind: 'helper', detail: expect.stringContaining('${env:KEY}') });
    expect(labels('{"h": "{{sha256 user.')).toEqual(['id', 'email', 'address', 'ltv']);
  });

  it('hover explains a helper inside {{ }} only', () => {
    expect(hoverAt('{"h": "{{sha256Email', 'sha256Email')?.join('\n')).toContain("Adobe's `email_lc_sha256`");
    expect(hoverAt('{"h": "{{date', 'date')?.[0]).toBe('`{{date value ["iso"|"epoch"|"epoch_ms"|"YYYY-MM-DD…"]}}`');
    expect(hoverAt('{"sha256": 1}', 'sha256')).toBeNull();
    expect(hoverAt('{"h": "{{user', 'user')).toBeNull();
  });

  it('recordFields lists top-level fields once, in first-seen order', () => {
    expect(recordFields(records)).toEqual(['id', 'email', 'address', 'ltv']);
  });
});

describe('issue placement', () => {
  const issues = [
    { path: 'destination.add.bodyTemplate', template: 'destination.add.bodyTemplate', line: 3, column: 14, message: 'unknown field "emial"' },
    { path: 'add.url:1:30', message: 'unclosed {{' },
    { path: 'destination.add.url', message: 'is required when the step is enabled' },
  ];

  it('puts a template issue on its editor at its line and column', () => {
    expect(markersFor(issues, 'add.bodyTemplate')).toEqual([{ line: 3, column: 14, message: 'unknown field "emial"' }]);
  });

  it('reads the position from a template:line:column path', () => {
    expect(markersFor(issues, 'add.url')).toEqual([{ line: 1, column: 30, message: 'unclosed {{' }]);
  });

  it('says where in words', () => {
    expect(describeWhere(issues[0]!)).toBe('add.bodyTemplate line 3, column 14');
    expect(describeWhere(issues[2]!)).toBe('destination.add.url');
  });
});

describe('body check', () => {
  it('pretty-prints valid JSON', () => {
    expect(checkBody('{"a":1}')).toEqual({ kind: 'json', pretty: '{\n  "a": 1\n}' });
  });

  it('names the line and column of invalid JSON', () => {
    const check = checkBody('{\n  "a": 1,\n  "b": }');
    expect(check.kind).toBe('invalid');
    if (check.kind === 'invalid') {
      expect(check.line).toBe(3);
      expect(check.column).toBe(8);
    }
  });

  it('leaves text bodies alone', () => {
    expect(checkBody('a=1&b=2').kind).toBe('text');
    expect(checkBody('{"a": "b"&x=1', 'application/x-www-form-urlencoded').kind).toBe('text');
    expect(checkBody('"<a/>', 'text/xml').kind).toBe('text');
    expect(checkBody(undefined).kind).toBe('none');
  });
});

describe('formatting', () => {
  it('counts down as mm:ss and says expired at zero', () => {
    expect(formatCountdown(61_000 + 500, 0)).toBe('01:01');
    expect(formatCountdown(3_725_000, 0)).toBe('1:02:05');
    expect(formatCountdown(1000, 1000)).toBe('expired');
  });

  it('colours status by class: 2xx ok, 4xx warn, 429 retry, 5xx error', () => {
    expect([200, 404, 429, 503].map((s) => statusTone(s))).toEqual(['ok', 'warn', 'retry', 'error']);
    expect(statusTone(undefined, false)).toBe('error');
  });
});

describe('latest request wins', () => {
  it('marks an older answer stale when a newer call started', async () => {
    const latest = latestOnly();
    let releaseSlow!: (v: string) => void;
    const slow = latest.run(() => new Promise<string>((r) => (releaseSlow = r)));
    const fast = latest.run(async () => 'new');
    releaseSlow('old');
    expect(await fast).toEqual({ stale: false, value: 'new' });
    expect(await slow).toEqual({ stale: true });
  });
});

describe('command palette filter', () => {
  it('keeps commands containing every typed word', () => {
    const commands = [
      { id: 'a', label: 'Save destination', run: () => undefined },
      { id: 'b', label: 'Start mock endpoint', run: () => undefined },
    ];
    expect(filterCommands(commands, 'mock start').map((c) => c.id)).toEqual(['b']);
    expect(filterCommands(commands, '')).toHaveLength(2);
  });
});

describe('findJsonError', () => {
  it('returns null for valid JSON', () => {
    expect(findJsonError('{"a": [1, 2.5e3, true, null, "x\\n"]}')).toBeNull();
  });

  it.each([
    ['{"a": 1,}', 1, 9, /trailing comma/],
    ['{"users": [{"id": "1"}{"id": "2"}]}', 1, 23, /"," or "]"/],
    ['{\n  "name": "a\nb"\n}', 2, 13, /control character U\+000A must be escaped/],
    ['{"a": 1} x', 1, 10, /after the end of the JSON value/],
    ['{"a": ', 1, 7, /end of input/],
  ])('%j fails at line %i column %i', (text, line, column, message) => {
    const err = findJsonError(text);
    expect(err).toMatchObject({ line, column });
    expect(err?.message).toMatch(message);
  });
});
