// Sharded runs and a missing audience: N pods start together, each finds no audience, and
// each would create one (N audiences of one name). Only shard 0 creates it; the others look
// again until it exists, then send to it; a shard that never sees it stops (exit 3) saying
// shard 0 creates it. Real CLI child processes against a loopback audience API.
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { shardOfKey } from '../../src/main/app/run/shard.js';
import { tempDir, writeNdjson } from '../helpers/run.js';

const bin = join(process.cwd(), 'bin', 'outbound.mjs');
const N = 4;
const keys = Array.from({ length: 24 }, (_, i) => `member-${i}`);

interface Api {
  server: Server;
  url: string;
  creates: number;
  /** Member ids received, by the audience id in the URL. */
  members: Map<string, string[]>;
  close(): Promise<void>;
}

/**
 * An audience API with no audience yet. The first `hold` lookups are answered together once
 * all of them arrived, so every process has looked before any could create (the race of N
 * pods starting at once, made certain); later lookups are answered at once.
 */
async function startApi(hold: number): Promise<Api> {
  const audiences: Array<{ id: string; name: string }> = [];
  const held: Array<() => void> = [];
  const api = { creates: 0, members: new Map<string, string[]>() } as Api;
  const list = (res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ audiences }));
  };
  api.server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const members = /^\/audiences\/([^/]+)\/members$/.exec(req.url ?? '');
      if (req.method === 'GET' && req.url === '/audiences') {
        if (held.length < hold && api.creates === 0) {
          held.push(() => list(res));
          if (held.length === hold) for (const answer of held) answer();
          return;
        }
        list(res);
      } else if (req.method === 'POST' && req.url === '/audiences') {
        api.creates++;
        const created = { id: `aud_${api.creates}`, name: (JSON.parse(body) as { name: string }).name };
        audiences.push(created);
        res.writeHead(201, { 'content-type': 'application/json' });
        res.end(JSON.stringify(created));
      } else if (req.method === 'POST' && members) {
        const got = api.members.get(members[1]!) ?? [];
        got.push((JSON.parse(body) as { id: string }).id);
        api.members.set(members[1]!, got);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"ok":true}');
      } else {
        res.writeHead(404);
        res.end();
      }
    });
  });
  await new Promise<void>((resolve) => api.server.listen(0, '127.0.0.1', resolve));
  api.url = `http://127.0.0.1:${(api.server.address() as AddressInfo).port}`;
  api.close = () => new Promise<void>((resolve) => api.server.close(() => resolve()));
  return api;
}

function writeConfig(dir: string, url: string): string {
  const path = join(dir, 'export.json');
  writeFileSync(
    path,
    JSON.stringify({
      version: 1,
      destination: {
        name: 'audiences',
        retryOnErrors: false,
        getAudience: { enabled: true, url: `${url}/audiences`, filterPath: "audiences[?name=='{{audience_name}}']" },
        createAudience: { enabled: true, url: `${url}/audiences`, bodyTemplate: '{"name": "{{audience_name}}"}' },
        add: { url: `${url}/audiences/{{remote_audience.id}}/members`, batchMode: 'individual', bodyTemplate: '{"id": "{{user.id}}"}' },
      },
      audience: { name: 'High Value' },
    }),
  );
  return path;
}

function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code, stdout, stderr })));
}

let api: Api | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

describe('a sharded run whose audience does not exist yet', () => {
  it('four shards started at once create it exactly once (shard 0) and all deliver to it', async () => {
    api = await startApi(N);
    const dir = tempDir('outbound-shard-audience-');
    const configPath = writeConfig(dir, api.url);
    const input = writeNdjson(dir, 'members.ndjson', keys.map((id) => ({ id })));
    const exits = await Promise.all(
      Array.from({ length: N }, (_, i) => runCli(['run', configPath, '--input', input, '--db', join(dir, `shard-${i}.db`), '--shard', `${i}/${N}`, '--json'])),
    );
    exits.forEach((e, i) => expect(e.code, `shard ${i}: ${e.stderr}`).toBe(0));
    expect(api.creates).toBe(1);
    expect([...api.members.keys()]).toEqual(['aud_1']);
    expect([...api.members.get('aud_1')!].sort()).toEqual([...keys].sort());
    // The shards that waited said so on stderr (a log line, not a silent pause).
    for (let i = 1; i < N; i++) {
      if (keys.some((k) => shardOfKey(k, N) === i)) expect(exits[i]!.stderr).toContain('audience not found yet; shard 0/4 creates it');
    }
  }, 60_000);

  it('a shard other than 0 never creates it: after --audience-wait it stops (exit 3) saying shard 0 creates it', async () => {
    api = await startApi(0);
    const dir = tempDir('outbound-shard-audience-');
    const configPath = writeConfig(dir, api.url);
    const input = writeNdjson(dir, 'members.ndjson', keys.map((id) => ({ id })));
    const out = await runCli(['run', configPath, '--input', input, '--db', join(dir, 'shard-1.db'), '--shard', '1/4', '--audience-wait', '1', '--json']);
    expect(out.code, out.stderr).toBe(3);
    expect(api.creates).toBe(0);
    expect(api.members.size).toBe(0);
    expect(JSON.parse(out.stdout).error).toBe('audience "High Value" not found by get audience after waiting 1 s; shard 0/4 creates it: retry when it exists');
  }, 60_000);

  it('shard 0 alone creates it, as an unsharded run does', async () => {
    api = await startApi(0);
    const dir = tempDir('outbound-shard-audience-');
    const configPath = writeConfig(dir, api.url);
    const input = writeNdjson(dir, 'members.ndjson', keys.map((id) => ({ id })));
    const out = await runCli(['run', configPath, '--input', input, '--db', join(dir, 'shard-0.db'), '--shard', '0/4', '--json']);
    expect(out.code, out.stderr).toBe(0);
    expect(api.creates).toBe(1);
  }, 60_000);
});
