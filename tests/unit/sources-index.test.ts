import { afterAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { detectFormat, fileIdentity, openSource } from '../../src/main/sources/index.js';
import { collect, FIXTURES, tempDir } from './sources-helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

describe('detectFormat', () => {
  it('maps extensions, case-insensitively', () => {
    expect(detectFormat('a/b.ndjson')).toBe('ndjson');
    expect(detectFormat('b.JSONL')).toBe('ndjson');
    expect(detectFormat('c.csv')).toBe('csv');
    expect(detectFormat('d.json')).toBe('json');
  });

  it('refuses an unknown extension with a message naming the file and the choices', () => {
    expect(() => detectFormat('/data/input.txt')).toThrow('input.txt: unknown input format ".txt"; use .ndjson, .jsonl, .csv, .json or .parquet');
    expect(() => detectFormat('input')).toThrow('input: no extension; use .ndjson, .jsonl, .csv, .json or .parquet');
  });
});

describe('openSource', () => {
  it('reads each format by its extension', async () => {
    const ids = async (name: string): Promise<unknown[]> =>
      (await collect(openSource(join(FIXTURES, name)))).map((i) => (i.ok ? (i.value as { id: string }).id : 'ERR'));
    expect(await ids('profiles.ndjson')).toEqual(['p-1', 'p-2', 'ERR', 'p-4']);
    expect(await ids('profiles.csv')).toEqual(['1', '2', 'ERR', '4']);
    expect(await ids('profiles.json')).toEqual(['p-1', 'p-2', 'ERR', 'p-4']);
  });

  it('lets an explicit format override the extension', async () => {
    const path = tmp.write('data.txt', '{"id":1}\n');
    expect(await collect(openSource(path, { format: 'ndjson' }))).toEqual([{ ok: true, line: 1, value: { id: 1 } }]);
  });

  it('throws at once for an unknown extension', () => {
    expect(() => openSource('input.xml')).toThrow(/unknown input format "\.xml"/);
  });

  it('rejects iteration with the path when the file is missing, for every format', async () => {
    for (const ext of ['ndjson', 'csv', 'json']) {
      const path = join(tmp.dir, `missing.${ext}`);
      await expect(collect(openSource(path))).rejects.toThrow(`input file not found: ${path}`);
    }
  });

  it('says when the path is a directory', async () => {
    const path = join(tmp.dir, 'dir.ndjson');
    await import('node:fs/promises').then((fs) => fs.mkdir(path));
    await expect(collect(openSource(path))).rejects.toThrow(`input path is a directory, not a file: ${path}`);
  });

  // Root reads any file, so there is nothing to show when tests run as root.
  it.skipIf(process.getuid?.() === 0)('says when the file cannot be read', async () => {
    const path = tmp.write('locked.ndjson', '{}\n');
    chmodSync(path, 0o000);
    await expect(collect(openSource(path))).rejects.toThrow(`cannot read input file ${path}: permission denied`);
  });

  it('rejects with an AbortError when aborted before reading', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(collect(openSource(join(FIXTURES, 'profiles.csv'), { signal: controller.signal }))).rejects.toMatchObject({
      name: 'AbortError',
    });
  });
});

describe('fileIdentity', () => {
  it('fingerprints size, mtime and the first 64 KiB, and changes when the content does', async () => {
    const path = tmp.write('id.ndjson', '{"a":1}\n');
    const a = await fileIdentity(path);
    expect(a.size).toBe(8);
    expect(a.prefixHash).toBe(createHash('sha256').update('{"a":1}\n').digest('hex'));
    expect(a.mtimeMs).toBeGreaterThan(0);
    expect(await fileIdentity(path)).toEqual(a);

    writeFileSync(path, '{"a":2}\n'); // same size, other bytes
    const b = await fileIdentity(path);
    expect(b.size).toBe(8);
    expect(b.prefixHash).not.toBe(a.prefixHash);
  });

  it('hashes only the first 64 KiB', async () => {
    const head = 'x'.repeat(64 * 1024);
    const a = await fileIdentity(tmp.write('big1.ndjson', head + 'tail-one'));
    const b = await fileIdentity(tmp.write('big2.ndjson', head + 'tail-two'));
    expect(a.prefixHash).toBe(b.prefixHash);
  });

  it('names the path when the file is missing', async () => {
    const path = join(tmp.dir, 'gone.ndjson');
    await expect(fileIdentity(path)).rejects.toThrow(`input file not found: ${path}`);
  });
});
