// The baseline, run in its own process (`node bench/raw-undici.ts <url> <input.ndjson>`): an
// undici Pool of 32 connections sending, to the same sink, the same bodies the CLI renders
// from the same input in individual mode (bench/configs.ts INDIVIDUAL_TEMPLATE). The bodies
// are prepared before the clock starts: this is the fastest a Node client sends them.
// Prints `{ requests, seconds }`.
import { readFileSync } from 'node:fs';
import { Pool } from 'undici';

const RAW_CONNECTIONS = 32;

const [url, input] = process.argv.slice(2) as [string, string];
const bodies = readFileSync(input, 'utf8')
  .split('\n')
  .filter((l) => l.length > 0)
  .map((l) => {
    const u = JSON.parse(l) as { id: string; email: string; ltv: number };
    return `{"id": "${u.id}", "email": "${u.email}", "ltv": ${u.ltv}}`;
  });
const target = new URL(url);
const pool = new Pool(target.origin, { connections: RAW_CONNECTIONS });
let next = 0;
const started = performance.now();
await Promise.all(
  Array.from({ length: RAW_CONNECTIONS }, async () => {
    while (next < bodies.length) {
      const body = bodies[next++]!;
      const res = await pool.request({ path: target.pathname, method: 'POST', headers: { 'content-type': 'application/json' }, body });
      if (res.statusCode !== 200) throw new Error(`sink answered ${res.statusCode}`);
      await res.body.text();
    }
  }),
);
const seconds = (performance.now() - started) / 1000;
await pool.close();
process.stdout.write(JSON.stringify({ requests: bodies.length, seconds }) + '\n');
