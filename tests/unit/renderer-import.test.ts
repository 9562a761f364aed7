// Import config: a file the studio cannot read faithfully is refused with what and where,
// never loaded and silently rewritten as version 1.
import { describe, expect, it } from 'vitest';
import { parseImport } from '../../src/renderer/lib/exportConfig.js';

describe('parseImport', () => {
  it('refuses "version": 2, naming the file, the line and the version it reads', () => {
    const r = parseImport('{\n  "version": 2,\n  "destination": {}\n}\n', 'next.json');
    expect(r).toEqual({ ok: false, message: 'next.json:2: the config says "version": 2; this studio reads "version": 1 only. Nothing was imported.' });
  });

  it('refuses a config without a version, and one that is not an object', () => {
    expect(parseImport('{"destination": {}}', 'a.json')).toMatchObject({ ok: false, message: expect.stringMatching(/^a\.json: the config has no "version"/) });
    expect(parseImport('[1]', 'b.json')).toMatchObject({ ok: false, message: expect.stringContaining('an array') });
    expect(parseImport('{"version": 1,', 'c.json')).toMatchObject({ ok: false, message: expect.stringMatching(/^c\.json: not JSON/) });
  });

  it('reads version 1, with or without a byte order mark', () => {
    expect(parseImport('\uFEFF{"version": 1}', 'd.json')).toEqual({ ok: true, value: { version: 1 } });
  });
});
