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
