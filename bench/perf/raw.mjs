// The raw baseline: an undici Pool of 32 connections POSTing the bodies the engine would
// render for an NDJSON file (individual: one profile a request; batched: `batch` a request).
// Timed whole as a process, like the CLI it is compared with.
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Pool } from 'undici';

const [url, input, batchArg] = process.argv.slice(2);
const batch = Number(batchArg ?? 1);
const one = (p) => `{"id": ${JSON.stringify(p.id)}, "email": ${JSON.stringify(p.person.email)}, "ltv": ${JSON.stringify(p.ltv)}}`;
const bodies = [];
let group = [];
for await (const line of createInterface({ input: createReadStream(input) })) {
  if (!line) continue;
  group.push(one(JSON.parse(line)));
  if (group.length === batch) {
    bodies.push(batch === 1 ? group[0] : `{"users": [${group.join(',')}]}`);
    group = [];
  }
}
if (group.length) bodies.push(`{"users": [${group.join(',')}]}`);
const target = new URL(`${url}/hooks/raw`);
const pool = new Pool(target.origin, { connections: 32 });
let next = 0;
await Promise.all(
  Array.from({ length: 32 }, async () => {
    while (next < bodies.length) {
      const body = bodies[next++];
      const res = await pool.request({ path: target.pathname, method: 'POST', headers: { 'content-type': 'application/json' }, body });
      await res.body.text();
    }
  }),
);
await pool.close();
