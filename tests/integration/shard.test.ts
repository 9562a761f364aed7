// Scale out on this machine (issue 12's "Done when"): four `outbound run --shard i/4`
// processes (real child processes of the CLI, each with its own store as each pod has)
// against one loopback sink deliver every record exactly once between them, together
// within the destination's requestsPerHour; `runs --group` sums them; a killed shard
// resumes as the same shard, at the same pace.
import { spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { shardOfKey } from '../../src/main/app/run/shard.js';
import { cli, tempDir, writeNdjson } from '../helpers/run.js';

const bin = join(process.cwd(), 'bin', 'outbound.mjs');
const N = 4;
const RECORDS = 40;
/** 10 requests a second for the whole export: each shard paces at 2.5/s, one start every 400 ms. */
const RPH = 36_000;
const RATE_PER_MS = RPH / 3_600_000;
const SHARD_INTERVAL_MS = (3_600_000 / RPH) * N;
/**
 * What a request's arrival may differ from its start by (the first request's connection
 * set-up, a busy machine: 270 ms seen with 8 test runs on 2 cores). The pacer spaces *starts*;
 * the sink sees arrivals, so every bound below allows one shard interval of one arrival's
 * delay against another's. Undivided, the same bounds fail by seconds (see each).
 */
const JITTER_MS = SHARD_INTERVAL_MS;

interface Receipt {
  key: string;
  at: number;
  phase: number;
}

let server: Server;
let url: string;
let dir: string;
let configPath: string;
let input: string;
const receipts: Receipt[] = [];
let phase = 0;
/** The sink's answer to a key: 200, or what a test makes it say (401 to all, 400 to some). */
let answerFor: (key: string) => number = () => 200;
const children = new Set<ChildProcess>();

function spawnCli(args: string[], env: Record<string, string> = {}): { child: ChildProcess; exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }> } {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  children.add(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('exit', (code, signal) => {
      children.delete(child);
      resolve({ code, signal, stdout, stderr });
    }),
  );
  return { child, exited };
}

const keys = Array.from({ length: RECORDS }, (_, i) => `member-${i}`);
const keysOf = (index: number) => keys.filter((k) => shardOfKey(k, N) === index);

beforeAll(async () => {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { id: string };
      receipts.push({ key: body.id, at: performance.now(), phase });
      const status = answerFor(body.id);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(status === 200 ? '{"ok":true}' : '{"error":"refused"}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = tempDir('outbound-shard-');
  input = writeNdjson(dir, 'members.ndjson', keys.map((id, n) => ({ id, n })));
  configPath = join(dir, 'export.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      version: 1,
      destination: { name: 'sink', requestsPerHour: RPH, add: { url: `${url}/members`, batchMode: 'individual', bodyTemplate: '{"id": "{{user.id}}"}' } },
      audience: { name: 'a' },
    }),
  );
});

afterEach(() => {
  for (const c of children) c.kill('SIGKILL');
  answerFor = () => 200;
});

afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** The most arrivals in any window of `ms` among `times` (sorted). */
function mostInWindow(times: number[], ms: number): number {
  let most = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[i]! - times[j]! > ms) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

describe('four shard processes against one sink', () => {
  it('deliver every record exactly once between them, within requestsPerHour together, and runs --group sums them', async () => {
    phase = 1;
    // The keys really spread: no shard empty, so each process has work and paces.
    for (let i = 0; i < N; i++) expect(keysOf(i).length, `shard ${i}`).toBeGreaterThan(3);
    const runs = Array.from({ length: N }, (_, i) => spawnCli(['run', configPath, '--input', input, '--db', join(dir, `shard-${i}.db`), '--shard', `${i}/${N}`, '--group', 'nightly', '--json']));
    const exits = await Promise.all(runs.map((r) => r.exited));
    exits.forEach((e, i) => expect(e.code, `shard ${i}: ${e.stderr}`).toBe(0));

    // Exactly once: every key once, none twice, none missing; each on the shard its hash names.
    const got = receipts.filter((r) => r.phase === 1);
    const counts = new Map<string, number>();
    for (const r of got) counts.set(r.key, (counts.get(r.key) ?? 0) + 1);
    expect(got).toHaveLength(RECORDS);
    expect([...counts.keys()].sort()).toEqual([...keys].sort());
    expect([...counts.values()].every((n) => n === 1)).toBe(true);
    exits.forEach((e, i) => {
      const out = JSON.parse(e.stdout) as { records: { total: number; succeeded: number }; shard: unknown; group: string };
      expect(out.shard).toEqual({ index: i, count: N });
      expect(out.group).toBe('nightly');
      expect(out.records.succeeded).toBe(keysOf(i).length);
    });

    // Within the limit together. Each shard starts one request at once, then one every
    // SHARD_INTERVAL_MS (a strict next-slot pacer, engine/pacing.ts), so over any span W the
    // four start at most N + W·rate requests. Undivided (each at the whole rate) the same
    // 40 requests would arrive four times as fast: ~1 s instead of ≥ 3.6 s, 40 in one second.
    const times = got.map((r) => r.at).sort((a, b) => a - b);
    const elapsed = times.at(-1)! - times[0]!;
    expect(elapsed, 'the sink saw the requests over at least (requests - N) / rate').toBeGreaterThanOrEqual((RECORDS - N) / RATE_PER_MS - JITTER_MS);
    // Any one second: at most 1 + ⌊(1000 + jitter) / 400⌋ = 4 arrivals per shard, 16 in all;
    // undivided, all 40 arrive within about one second.
    expect(mostInWindow(times, 1000)).toBeLessThanOrEqual(N * (1 + Math.floor((1000 + JITTER_MS) / SHARD_INTERVAL_MS)));
    for (let i = 0; i < N; i++) {
      const mine = got.filter((r) => shardOfKey(r.key, N) === i).map((r) => r.at).sort((a, b) => a - b);
      expect(mine.at(-1)! - mine[0]!, `shard ${i} paced at requestsPerHour / ${N}`).toBeGreaterThanOrEqual((mine.length - 1) * SHARD_INTERVAL_MS - JITTER_MS);
    }

    // The group across the four stores: every run, then the total.
    const dbs = Array.from({ length: N }, (_, i) => ['--db', join(dir, `shard-${i}.db`)]).flat();
    const table = await cli(['runs', '--group', 'nightly', ...dbs]);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toContain(`group nightly: 4 of 4 shards · ${RECORDS} records · ${RECORDS} delivered · 0 failed · 0 skipped · 0 pending · ${RECORDS} requests · complete`);
    for (let i = 0; i < N; i++) expect(table.stdout).toMatch(new RegExp(`  ${i}/4 +${keysOf(i).length} `));
    const json = JSON.parse((await cli(['runs', '--group', 'nightly', ...dbs, '--json'])).stdout) as {
      runs: Array<{ shard: { index: number }; group: string; db: string }>;
      total: { delivered: number };
      missing: number[];
      complete: boolean;
    };
    expect(json.runs.map((r) => r.shard.index).sort()).toEqual([0, 1, 2, 3]);
    expect(json.total.delivered).toBe(RECORDS);
    expect(json.complete).toBe(true);
    // One store alone: the other shards are named missing.
    const one = await cli(['runs', '--group', 'nightly', '--db', join(dir, 'shard-2.db')]);
    expect(one.stdout).toContain(`group nightly: 1 of 4 shards · ${keysOf(2).length} records`);
    expect(one.stdout).toContain('missing shards 0, 1, 3');
  }, 60_000);
});

describe('a killed shard', () => {
  it('resumes as the same shard (index/N read from JOB_COMPLETION_INDEX once, at the start), at its share of the rate', async () => {
    phase = 2;
    const db = join(dir, 'killed.db');
    const mine = keysOf(1);
    const run = spawnCli(['run', configPath, '--input', input, '--db', db, '--shard', 'index/4'], { JOB_COMPLETION_INDEX: '1' });
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (receipts.filter((r) => r.phase === 2).length >= 2) {
          clearInterval(check);
          resolve();
        }
      }, 10);
    });
    run.child.kill('SIGKILL');
    expect((await run.exited).signal).toBe('SIGKILL');
    const [stored] = JSON.parse((await cli(['runs', '--db', db, '--json'])).stdout) as Array<{ runId: string; status: string; shard: unknown; group: string }>;
    // Killed mid-run: still 'running' in its store, or 'aborted' once its dead lease is seen.
    expect(['running', 'aborted']).toContain(stored!.status);
    expect(stored!.shard).toEqual({ index: 1, count: 4 });
    expect(stored!.group).toMatch(/^g-[0-9a-f]{12}$/);

    phase = 3;
    // Another index in the environment now: the run keeps the shard it was started with.
    const resumed = spawnCli(['resume', stored!.runId, '--db', db, '--json'], { JOB_COMPLETION_INDEX: '3' });
    const done = await resumed.exited;
    expect(done.code, done.stderr).toBe(0);
    const out = JSON.parse(done.stdout) as { status: string; records: { total: number; succeeded: number }; shard: unknown };
    expect(out.status).toBe('succeeded');
    expect(out.shard).toEqual({ index: 1, count: 4 });
    expect(out.records.succeeded).toBe(mine.length);

    // Only shard 1's keys ever reached the sink, each of them at least once (a request in
    // flight at the kill may be sent again: at least once across a crash, as for any run).
    const sent = receipts.filter((r) => r.phase === 2 || r.phase === 3);
    expect(new Set(sent.map((r) => r.key))).toEqual(new Set(mine));
    const after = receipts.filter((r) => r.phase === 3).map((r) => r.at).sort((a, b) => a - b);
    expect(after.length).toBeGreaterThanOrEqual(2);
    expect(after.at(-1)! - after[0]!, 'the resume paces at requestsPerHour / 4').toBeGreaterThanOrEqual((after.length - 1) * SHARD_INTERVAL_MS - JITTER_MS);
  }, 60_000);
});

describe('a retried pod (run --continue)', () => {
  it("goes on with its shard's unfinished run instead of starting over; once it finished, does not start another", async () => {
    phase = 4;
    const db = join(dir, 'retried.db');
    const mine = keysOf(2);
    const args = ['run', configPath, '--input', input, '--db', db, '--shard', '2/4', '--group', 'retry', '--continue', '--json'];
    const first = spawnCli(args);
    await new Promise<void>((resolve) => {
      const check = setInterval(() => {
        if (receipts.filter((r) => r.phase === 4).length >= 3) {
          clearInterval(check);
          resolve();
        }
      }, 10);
    });
    first.child.kill('SIGKILL');
    await first.exited;
    const [killed] = JSON.parse((await cli(['runs', '--db', db, '--json'])).stdout) as Array<{ runId: string }>;

    phase = 5;
    const again = await spawnCli(args).exited;
    expect(again.code, again.stderr).toBe(0);
    expect(again.stderr).toContain(`run: shard 2/4 of group retry has an unfinished run`);
    expect(again.stderr).toContain(`continuing run ${killed!.runId}`);
    const out = JSON.parse(again.stdout) as { runId: string; status: string; records: { succeeded: number } };
    expect(out).toMatchObject({ runId: killed!.runId, status: 'succeeded', records: { succeeded: mine.length } });
    // What the first pod had delivered (at least its first answer, 800 ms before the kill) is not sent again.
    expect(receipts.filter((r) => r.phase === 5).length).toBeLessThan(mine.length);
    expect(new Set(receipts.filter((r) => r.phase === 4 || r.phase === 5).map((r) => r.key))).toEqual(new Set(mine));

    // The shard's run of this input and config finished: the same command does not send the
    // shard again (a pod retried for any reason ends with that run's exit code).
    phase = 6;
    const after = await spawnCli(args).exited;
    expect(after.code, after.stderr).toBe(0);
    expect(after.stderr).toContain(`run: shard 2/4 of group retry already ran this input with this config: run ${killed!.runId} succeeded; not starting another (exit 0; drop --continue to send it again)`);
    expect(JSON.parse(after.stdout)).toMatchObject({ runId: killed!.runId, status: 'succeeded' });
    expect(receipts.filter((r) => r.phase === 6)).toHaveLength(0);
    // Without --continue the same command starts a new run.
    phase = 7;
    const fresh = await spawnCli(args.filter((a) => a !== '--continue')).exited;
    expect(fresh.code, fresh.stderr).toBe(0);
    expect(JSON.parse(fresh.stdout).runId).not.toBe(killed!.runId);
    expect(receipts.filter((r) => r.phase === 7)).toHaveLength(mine.length);
  }, 90_000);

  it('after exit 1 (some records refused) a retried pod does not re-send the shard: it ends with exit 1 again', async () => {
    phase = 8;
    const db = join(dir, 'partial.db');
    const mine = keysOf(3);
    answerFor = (key) => (key === mine[0] ? 400 : 200);
    const args = ['run', configPath, '--input', input, '--db', db, '--shard', '3/4', '--group', 'partial', '--continue', '--json'];
    const first = await spawnCli(args).exited;
    expect(first.code, first.stderr).toBe(1);
    const runId = (JSON.parse(first.stdout) as { runId: string }).runId;
    expect(receipts.filter((r) => r.phase === 8)).toHaveLength(mine.length);

    phase = 9;
    answerFor = () => 200;
    const retried = await spawnCli(args).exited;
    expect(retried.code, retried.stderr).toBe(1);
    expect(retried.stderr).toContain(`already ran this input with this config: run ${runId} partial; not starting another (exit 1; drop --continue to send it again); re-send its failed records: outbound retry-failed ${runId} --db ${db}`);
    expect(receipts.filter((r) => r.phase === 9)).toHaveLength(0);
  }, 90_000);

  it("takes an unfinished run only when it is this export's (same input, same config); otherwise starts a new one and says why", async () => {
    phase = 10;
    const db = join(dir, 'stale.db');
    const mine = keysOf(2);
    // Last night's run over another file, aborted (the endpoint refused its credentials).
    const other = writeNdjson(dir, 'last-night.ndjson', keys.slice(0, 30).map((id, n) => ({ id, n })));
    answerFor = () => 401;
    const base = ['--db', db, '--shard', '2/4', '--group', 'nightly', '--continue', '--json'];
    const stale = await spawnCli(['run', configPath, '--input', other, ...base]).exited;
    expect(stale.code, stale.stderr).toBe(3);
    const staleId = (JSON.parse(stale.stdout) as { runId: string }).runId;
    answerFor = () => 200;

    // Tonight's input: a new run, not last night's.
    phase = 11;
    const tonight = await spawnCli(['run', configPath, '--input', input, ...base]).exited;
    expect(tonight.code, tonight.stderr).toBe(0);
    expect(tonight.stderr).toContain(`run: the latest run of shard 2/4 in group nightly, ${staleId} (aborted), is not this export's: it read another input (${other}); starting a new run`);
    expect(JSON.parse(tonight.stdout).runId).not.toBe(staleId);
    expect(receipts.filter((r) => r.phase === 11)).toHaveLength(mine.length);

    // Another export sharing the store, the group and the input (another config): its own run.
    phase = 12;
    const otherExport = await spawnCli(['run', configPath, '--input', input, ...base, '--set', 'destination.timeoutMs=29000']).exited;
    expect(otherExport.code, otherExport.stderr).toBe(0);
    expect(otherExport.stderr).toContain("is not this export's: it was started with another config; starting a new run");
    expect(receipts.filter((r) => r.phase === 12)).toHaveLength(mine.length);

    // Last night's export itself (same input, same config) goes on with its aborted run.
    phase = 13;
    const resumed = await spawnCli(['run', configPath, '--input', other, ...base]).exited;
    // Partial: the records answered 401 last night stay failed (retry-failed re-sends them).
    expect(resumed.code, resumed.stderr).toBe(1);
    expect(resumed.stderr).toContain(`continuing run ${staleId}`);
    expect(JSON.parse(resumed.stdout).runId).toBe(staleId);
  }, 90_000);
});

describe('--shard refusals', () => {
  it('refuses a 1-based shard and --group without --shard, before anything is sent (exit 2)', async () => {
    const before = receipts.length;
    const oneBased = await cli(['run', configPath, '--input', input, '--db', join(dir, 'x.db'), '--shard', '4/4']);
    expect(oneBased.code).toBe(2);
    expect(oneBased.stderr).toBe('run: --shard "4/4": the shard index must be below 4 (0 … 3); shards are numbered from 0, so the last of 4 is 3/4\n');
    const group = await cli(['run', configPath, '--input', input, '--db', join(dir, 'x.db'), '--group', 'g']);
    expect(group.code).toBe(2);
    expect(group.stderr).toContain('--group names the shard runs of one export; give --shard i/N with it');
    const cont = await cli(['run', configPath, '--input', input, '--db', join(dir, 'x.db'), '--continue']);
    expect(cont.code).toBe(2);
    expect(cont.stderr).toContain("--continue goes on with a shard's unfinished run; give --shard i/N with it");
    expect(receipts.length).toBe(before);
  });

  it('the dry run says how many records this shard takes', async () => {
    const dry = await cli(['run', configPath, '--input', input, '--shard', '2/4', '--dry-run']);
    expect(dry.code, dry.stderr).toBe(0);
    expect(dry.stdout).toContain(`  selected  shard 2/4: ${keysOf(2).length} of ${RECORDS} records read`);
    expect(dry.stdout).toContain(`  records   ${keysOf(2).length} total`);
    const json = JSON.parse((await cli(['run', configPath, '--input', input, '--shard', '2/4', '--dry-run', '--json'])).stdout) as { shard: unknown };
    expect(json.shard).toEqual({ index: 2, count: 4, taken: keysOf(2).length, of: RECORDS });
    // The preview plans this shard's records only.
    const preview = await cli(['preview', configPath, '--input', input, '--shard', '2/4']);
    expect(preview.code, preview.stderr).toBe(0);
    expect((JSON.parse(preview.stdout) as { requests: Array<{ recordKeys: string[] }> }).requests.flatMap((r) => r.recordKeys).sort()).toEqual([...keysOf(2)].sort());
  });
});
