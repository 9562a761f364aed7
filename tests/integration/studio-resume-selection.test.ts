// A CLI run started with --limit, killed, then resumed from the studio: the studio's live
// progress counts what the run's selection leaves, not the whole input file.
import { spawn } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import { createStudioService, type StudioService } from '../../src/main/studio/service.js';
import { tempDir, writeNdjson } from '../helpers/run.js';

let server: Server | undefined;
let service: StudioService | undefined;
afterEach(async () => {
  await service?.close();
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r) ?? r(undefined));
  server = service = undefined;
});

it('a limited CLI run resumed in the studio shows the limit as its total, not the file', async () => {
  let answer = false;
  let seen = 0;
  let firstSeen: () => void = () => undefined;
  const first = new Promise<void>((r) => (firstSeen = r));
  // Holds every request until `answer`: the CLI is killed while its first request waits.
  server = createServer((req, res) => {
    req.resume();
    seen++;
    firstSeen();
    const reply = (): void => void res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    if (answer) setTimeout(reply, 300);
  });
  await new Promise<void>((r) => server!.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as { port: number }).port}`;

  const dir = tempDir();
  const cfg = join(dir, 'c.json');
  writeFileSync(cfg, JSON.stringify({ version: 1, destination: { name: 'limited', concurrency: 1, add: { url: `${url}/m` } }, audience: { name: 'A' } }));
  const input = writeNdjson(dir, 'in.ndjson', Array.from({ length: 50 }, (_, i) => ({ id: `u${i}` })));
  const db = join(dir, 'outbound.db');
  const child = spawn(process.execPath, ['bin/outbound.mjs', 'run', cfg, '--input', input, '--db', db, '--limit', '5'], { stdio: 'ignore' });
  await first;
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  expect(seen).toBe(1);

  answer = true;
  service = createStudioService({ dbPath: db });
  const [run] = await service.listRuns();
  expect(run).toBeDefined();
  await service.resumeInterrupted(run!.id);
  let total: number | null = null;
  for (let i = 0; i < 200 && total === null; i++) {
    total = (await service.runProgress(run!.id))?.records.total ?? null;
    if (total === null) await new Promise((r) => setTimeout(r, 25));
  }
  expect(total).toBe(5);
}, 30_000);
