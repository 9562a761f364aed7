// Sample sets can be imported from Parquet, renamed and deleted through the studio service (and the IPC schemas
// that guard it), on a real store on disk.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { createStudioService, type StudioService } from '../../src/main/studio/service.js';
import { METHOD_SCHEMAS } from '../../src/main/electron/ipc-schemas.js';
import { writeProfilesParquet, writeTypedParquet } from '../helpers/parquet.js';

let dir: string;
let service: StudioService;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'outbound-samples-'));
  service = createStudioService({ dbPath: join(dir, 'outbound.db') });
  await service.ready;
});
afterEach(async () => {
  await service.close();
  await rm(dir, { recursive: true, force: true });
});

it('renames a set (trimmed), keeps its profiles, and survives a reopen', async () => {
  const set = await service.generateSamples({ name: 'first', count: 3, seed: 1 });
  expect(await service.renameSampleSet({ setId: set.id, name: '  Checkout customers ' })).toEqual({ id: set.id, name: 'Checkout customers', count: 3 });
  expect((await service.listSampleSets()).find((s) => s.id === set.id)?.name).toBe('Checkout customers');
  expect(await service.getSamples({ setId: set.id })).toHaveLength(3);
  await service.close();
  service = createStudioService({ dbPath: join(dir, 'outbound.db') });
  expect((await service.listSampleSets()).find((s) => s.id === set.id)?.name).toBe('Checkout customers');
});

it('refuses an empty name and an unknown set, saying which', async () => {
  const set = await service.generateSamples({ name: 'kept', count: 1 });
  await expect(service.renameSampleSet({ setId: set.id, name: '   ' })).rejects.toThrow('a sample set needs a name');
  await expect(service.renameSampleSet({ setId: 'nope', name: 'x' })).rejects.toThrow('sample set nope not found');
  await expect(service.deleteSampleSet('nope')).rejects.toThrow('sample set nope not found');
  expect((await service.listSampleSets()).find((s) => s.id === set.id)?.name).toBe('kept');
});

it('deletes a set and its profiles', async () => {
  const set = await service.generateSamples({ name: 'gone', count: 4 });
  const before = (await service.listSampleSets()).length;
  await service.deleteSampleSet(set.id);
  expect((await service.listSampleSets()).map((s) => s.id)).not.toContain(set.id);
  expect(await service.listSampleSets()).toHaveLength(before - 1);
  expect(await service.getSamples({ setId: set.id })).toEqual([]);
});

it('the IPC schemas accept a rename and a delete and refuse extra properties', () => {
  expect(METHOD_SCHEMAS.renameSampleSet.args[0]!.safeParse({ setId: 's', name: 'n' }).success).toBe(true);
  expect(METHOD_SCHEMAS.renameSampleSet.args[0]!.safeParse({ setId: 's', name: 'n', path: '/x' }).success).toBe(false);
  expect(METHOD_SCHEMAS.renameSampleSet.args[0]!.safeParse({ setId: 's', name: '' }).success).toBe(false);
  expect(METHOD_SCHEMAS.deleteSampleSet.args[0]!.safeParse('s').success).toBe(true);
  expect(METHOD_SCHEMAS.deleteSampleSet.args[0]!.safeParse('').success).toBe(false);
});

it('imports a Parquet file (sent as base64): a row a profile, types as the CLI reads them; a broken one is refused by name', async () => {
  const file = writeTypedParquet(join(dir, 'typed.parquet'));
  expect(METHOD_SCHEMAS.importSamples.args[0]!.safeParse({ name: 'w', format: 'parquet', text: 'AAAA' }).success).toBe(true);
  const { set, issues } = await service.importSamples({ name: 'warehouse', format: 'parquet', text: readFileSync(file).toString('base64') });
  expect(issues).toEqual([]);
  expect(set).toMatchObject({ name: 'warehouse', count: 3 });
  const samples = (await service.getSamples({ setId: set.id })) as Array<Record<string, unknown>>;
  expect(samples.map((s) => s.id)).toEqual(['u1', 'u2', 'u3']);
  expect(samples[0]).toMatchObject({ price: 123.45, created: '2024-05-06T07:08:09.123Z', raw: 'AP8B', tags: ['a', 'b'], attrs: { tier: 7 } });
  await expect(service.importSamples({ name: 'bad', format: 'parquet', text: Buffer.from('id,email\nu1,a@example.com\n').toString('base64') })).rejects.toThrow(
    /^bad: not a readable Parquet file: it does not end with the Parquet marker "PAR1"/,
  );
});

it('refuses an import of more rows than a sample set holds (100000, as generated sets), saying rows and bytes; the limit itself is accepted', async () => {
  const setsBefore = (await service.listSampleSets()).length;
  // Parquet: refused from the footer's row count, before any row is decoded.
  const big = readFileSync(writeProfilesParquet(join(dir, 'big.parquet'), { rows: 100_001, rowGroupSize: 50_000 }));
  await expect(service.importSamples({ name: 'warehouse', format: 'parquet', text: big.toString('base64') })).rejects.toThrow(
    `warehouse: the Parquet file (${big.length} bytes) holds 100001 rows; a sample set holds at most 100000 rows (import a smaller extract; a run reads a file of any size)`,
  );
  const lines = Array.from({ length: 100_001 }, (_, i) => `{"id":"p-${i + 1}"}`);
  const ndjson = lines.join('\n');
  await expect(service.importSamples({ name: 'lines', format: 'ndjson', text: ndjson })).rejects.toThrow(
    `lines: the NDJSON file (${Buffer.byteLength(ndjson)} bytes) holds 100001 records; a sample set holds at most 100000 records`,
  );
  const json = `[${lines.join(',')}]`;
  await expect(service.importSamples({ name: 'array', format: 'json', text: json })).rejects.toThrow(
    `array: the JSON file (${json.length} bytes) holds 100001 records; a sample set holds at most 100000 records`,
  );
  const csv = `id\n${Array.from({ length: 100_001 }, (_, i) => `p-${i + 1}`).join('\n')}\n`;
  await expect(service.importSamples({ name: 'sheet', format: 'csv', text: csv })).rejects.toThrow(
    `sheet: the CSV file (${csv.length} bytes) holds more than 100000 rows; a sample set holds at most 100000 rows`,
  );
  expect(await service.listSampleSets()).toHaveLength(setsBefore); // nothing stored
  const { set } = await service.importSamples({ name: 'exactly', format: 'ndjson', text: lines.slice(0, 100_000).join('\n') });
  expect(set.count).toBe(100_000);
  expect(METHOD_SCHEMAS.generateSamples.args[0]!.safeParse({ count: 100_000 }).success).toBe(true);
  expect(METHOD_SCHEMAS.generateSamples.args[0]!.safeParse({ count: 100_001 }).success).toBe(false);
});
