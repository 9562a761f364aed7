// Bench inputs: flat NDJSON records written to a file as a stream (10M records never sit in
// memory), the same shape the raw loop and the templates in bench/configs.ts expect.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

export async function writeFlatNdjson(path: string, count: number): Promise<void> {
  const out = createWriteStream(path);
  const CHUNK = 1000;
  for (let i = 0; i < count; i += CHUNK) {
    let text = '';
    for (let j = i; j < Math.min(count, i + CHUNK); j++) text += `{"id":"u${j}","email":"user${j}@example.com","ltv":${j % 1000}}\n`;
    if (!out.write(text)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/**
 * The same records as writeFlatNdjson, as Parquet (id and email STRING, ltv INT64), written a
 * row group at a time (100,000 rows, hyparquet-writer's default size; 1 MB pages, so every
 * column chunk has an offset index and the reader decodes slices of it).
 */
export async function writeFlatParquet(path: string, count: number): Promise<void> {
  const { ParquetWriter, fileWriter, schemaFromColumnData } = await import('hyparquet-writer');
  const GROUP = 100_000;
  const columns = (from: number, to: number) => {
    const ids: string[] = [];
    const emails: string[] = [];
    const ltv: bigint[] = [];
    for (let j = from; j < to; j++) {
      ids.push(`u${j}`);
      emails.push(`user${j}@example.com`);
      ltv.push(BigInt(j % 1000));
    }
    return [
      { name: 'id', data: ids, type: 'STRING' as const, nullable: false },
      { name: 'email', data: emails, type: 'STRING' as const, nullable: false },
      { name: 'ltv', data: ltv, type: 'INT64' as const, nullable: false },
    ];
  };
  const writer = new ParquetWriter({ writer: fileWriter(path), schema: schemaFromColumnData({ columnData: columns(0, 0) }) });
  for (let i = 0; i < count; i += GROUP) await writer.write({ columnData: columns(i, Math.min(count, i + GROUP)), rowGroupSize: GROUP });
  await writer.finish();
}
