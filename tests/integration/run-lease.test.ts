// One process drives a run, a run reads one version of its input, and a fatal error never
// leaves a run 'running' (DESIGN.md invariant 4). Real CLI child processes against a
// loopback endpoint that counts receipts per record key and can hold its answers, so a
// test decides what is in flight when it kills, resumes or rewrites.
import { spawn, type ChildProcess } from 'node:child_process';
import { renameSync, writeFileSync } from 'node:fs';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createStudioService } from '../../src/main/studio/service.js';
import { openStore } from '../../src/main/store/db.js';
import { cli, tempDir } from '../helpers/run.js';

const bin = join(process.cwd(), 'bin', 'outbound.mjs');
const RECORDS = 600;
const BATCH = 10;
const CONCURRENCY = 4;

/** A loopback endpoint: every receipt tagged with the phase the test is in; answers held while `hold`. */
interface Endpoint {
  url: string;
  receipts: Array<{ phase: number; keys: string[] }>;
  phase: number;
  hold: boolean;
  held: number;
  /** Answers every held request and stops holding. */
  release(): void;
  /** Resolves once `pred` holds (checked on every request). */
  until(pred: () => boolean): Promise<void>;
  close(): Promise<void>;
}

async function startEndpoint(): Promise<Endpoint> {
  const waiting: Array<() => void> = [];
  let watchers: Array<{ pred: () => boolean; done: () => void }> = [];
  const answer = (res: ServerResponse) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"ok":true}');
  };
  const ep: Endpoint = {
    url: '',
    receipts: [],
    phase: 1,
    hold: false,
    held: 0,
    release() {
      ep.hold = false;
      ep.held = 0;
      for (const send of waiting.splice(0)) send();
    },
    until(pred) {
      return pred() ? Promise.resolve() : new Promise((done) => watchers.push({ pred, done }));
    },
    close: () => new Promise<void>((resolve) => {
      ep.release();
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { users: Array<{ id: string }> };
      ep.receipts.push({ phase: ep.phase, keys: body.users.map((u) => u.id) });
      if (ep.hold) {
        ep.held++;
        waiting.push(() => answer(res));
      } else setTimeout(() => answer(res), 5);
      watchers = watchers.filter((w) => (w.pred() ? (w.done(), false) : true));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  ep.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return ep;
}

interface Exited {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/** Children still running when a test ends (it failed midway) are killed, so they cannot feed the next test. */
const children = new Set<ChildProcess>();

function spawnCli(args: string[]): { child: ChildProcess; exited: Promise<Exited> } {
  const child = spawn(process.execPath, [bin, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  child.on('exit', () => children.delete(child));
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<Exited>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, exited };
}

let ep: Endpoint;
let dir: string;
let configPath: string;

const records = (prefix: string) => Array.from({ length: RECORDS }, (_, i) => JSON.stringify({ id: `${prefix}${i}`, n: i })).join('\n') + '\n';

function freshInput(name: string): string {
  const path = join(dir, name);
  writeFileSync(path, records('r'));
  return path;
}

/** Receipts per record key in a phase. */
function countsIn(phase: number): Map<string, number> {
  const seen = new Map<string, number>();
  for (const r of ep.receipts) if (r.phase === phase) for (const k of r.keys) seen.set(k, (seen.get(k) ?? 0) + 1);
  return seen;
}

async function runsJson(db: string): Promise<Array<{ runId: string; status: string; error: string | null }>> {
  return JSON.parse((await cli(['runs', '--db', db, '--json'])).stdout);
}

/** `outbound run` SIGKILLed once the endpoint has received `after` requests. */
async function runAndKill(db: string, input: string, after: number): Promise<string> {
  const run = spawnCli(['run', configPath, '--input', input, '--db', db]);
  await ep.until(() => ep.receipts.length >= after);
  run.child.kill('SIGKILL');
  expect((await run.exited).signal).toBe('SIGKILL');
  return (await runsJson(db))[0]!.runId;
}

beforeAll(async () => {
  ep = await startEndpoint();
  dir = tempDir('outbound-lease-');
  configPath = join(dir, 'config.json');
  writeFileSync(
    configPath,
    JSON.stringify({
      version: 1,
      destination: { name: 'counted', concurrency: CONCURRENCY, add: { url: `${ep.url}/members`, batchMode: 'batched', batchSize: BATCH } },
      audience: { name: 'lease' },
    }),
  );
});
afterEach(() => {
  for (const child of children) child.kill('SIGKILL');
  children.clear();
});
afterAll(async () => {
  await ep.close();
});

function reset(): void {
  ep.release();
  ep.receipts.length = 0;
  ep.phase = 1;
}

describe('one process drives a run', () => {
  it('after a kill -9, of two concurrent resumes exactly one goes ahead at once and no record reaches the endpoint from both', async () => {
    reset();
    const db = join(dir, 'two-resumes.db');
    const input = freshInput('two-resumes.ndjson');
    const runId = await runAndKill(db, input, 5);
    // The killed run is not shown as running: its process is gone.
    const [killed] = await runsJson(db);
    expect(killed).toMatchObject({ status: 'aborted', error: expect.stringMatching(/^interrupted: the process that drove it \(pid \d+ on .+\) is no longer running; resumable$/) });

    // Hold every answer of the resumes: the one that took the lease waits at its first
    // requests, so the other surely tries while it is alive. Held answers are let go when
    // one resume exits, or when more requests are held than one process sends at once
    // (both are sending: the failure this test is about).
    ep.phase = 2;
    ep.hold = true;
    const a = spawnCli(['resume', runId, '--db', db, '--json']);
    const b = spawnCli(['resume', runId, '--db', db, '--json']);
    void ep.until(() => ep.held > CONCURRENCY).then(() => ep.release());
    const first = await Promise.race([a.exited, b.exited]);
    ep.release();
    const both = [await a.exited, await b.exited];
    const refused = both.filter((r) => r.code === 2);
    const ahead = both.filter((r) => r.code === 0);
    expect(refused).toHaveLength(1);
    expect(ahead).toHaveLength(1);
    expect(first).toBe(refused[0]);
    expect(refused[0]!.stderr).toMatch(new RegExp(`run ${runId} is being driven by another process \\(pid \\d+ on .+, last seen \\d+ s ago\\); refusing to resume it`));
    expect(JSON.parse(ahead[0]!.stdout)).toMatchObject({ runId, status: 'succeeded', records: { total: RECORDS, succeeded: RECORDS, failed: 0 } });

    const resumed = countsIn(2);
    expect([...resumed.values()].filter((n) => n > 1)).toEqual([]); // no record sent by both
    const all = new Set([...countsIn(1).keys(), ...resumed.keys()]);
    expect(all.size).toBe(RECORDS);
  });

  it('refuses resume and retry-failed while the process running it is alive, naming its pid', async () => {
    reset();
    const db = join(dir, 'alive.db');
    const input = freshInput('alive.ndjson');
    ep.hold = true;
    const run = spawnCli(['run', configPath, '--input', input, '--db', db, '--json']);
    await ep.until(() => ep.held >= 1);
    const runId = (await runsJson(db))[0]!.runId;
    expect((await runsJson(db))[0]!.status).toBe('running'); // alive: not shown as interrupted

    for (const command of ['resume', 'retry-failed'] as const) {
      const other = spawnCli([command, runId, '--db', db]);
      const refused = await other.exited;
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(`run ${runId} is being driven by another process (pid ${run.child.pid} on `);
    }
    const heldBefore = ep.receipts.length;
    ep.release();
    const done = await run.exited;
    expect(done.code).toBe(0);
    expect(JSON.parse(done.stdout)).toMatchObject({ status: 'succeeded', records: { total: RECORDS, succeeded: RECORDS } });
    expect(heldBefore).toBeLessThanOrEqual(CONCURRENCY);
    const counts = countsIn(1);
    expect(counts.size).toBe(RECORDS);
    expect([...counts.values()].every((n) => n === 1)).toBe(true); // nothing sent twice
  });

  it('the studio shows a run the CLI drives as running, and its resume is refused with the message', async () => {
    reset();
    const db = join(dir, 'studio.db');
    const input = freshInput('studio.ndjson');
    ep.hold = true;
    const run = spawnCli(['run', configPath, '--input', input, '--db', db]);
    await ep.until(() => ep.held >= 1);
    const studio = createStudioService({ dbPath: db });
    try {
      const [view] = (await studio.listRuns()).filter((r) => r.destination === 'counted');
      expect(view).toMatchObject({ status: 'running', live: false, interrupted: false });
      await expect(studio.resumeInterrupted(view!.id)).rejects.toThrow(`run ${view!.id} is being driven by another process (pid ${run.child.pid} on `);
    } finally {
      await studio.close();
    }
    expect(ep.receipts.length).toBeLessThanOrEqual(CONCURRENCY); // the studio sent nothing
    ep.release();
    expect((await run.exited).code).toBe(0);
  });

  it('in one process (the studio) two executions of a run are told apart by their lease token', async () => {
    const store = openStore(join(dir, 'tokens.db'));
    try {
      const runId = store.createRun({ destination: 'd', audience: 'a', config: {} });
      expect(store.takeRunLease(runId, 'first').ok).toBe(true);
      const second = store.takeRunLease(runId, 'second');
      expect(second).toMatchObject({ ok: false, holder: { pid: process.pid } });
      expect(store.getRun(runId)).toMatchObject({ status: 'running', lease: { held: true, gone: null } });
      store.releaseRunLease(runId, 'first');
      expect(store.takeRunLease(runId, 'second').ok).toBe(true);
    } finally {
      store.close();
    }
  });

  it('a lease held on another host is refused while its heartbeat is fresh and taken over once it is stale', async () => {
    reset();
    const db = join(dir, 'other-host.db');
    const input = freshInput('other-host.ndjson');
    const runId = await runAndKill(db, input, 3);
    const raw = new Database(db);
    const claim = (heartbeatAt: number) =>
      raw.prepare("UPDATE runs SET lease_token = 'theirs', lease_pid = 1, lease_host = 'elsewhere.invalid', lease_proc_start = NULL, lease_heartbeat_at = ? WHERE id = ?").run(heartbeatAt, runId);
    claim(Date.now());
    raw.close();
    expect((await runsJson(db))[0]!.status).toBe('running');
    const refused = await cli(['resume', runId, '--db', db]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/being driven by another process \(pid 1 on elsewhere\.invalid, last seen \d+ s ago\)/);

    const raw2 = new Database(db);
    raw2.prepare('UPDATE runs SET lease_heartbeat_at = ? WHERE id = ?').run(Date.now() - 60_000, runId);
    raw2.close();
    expect((await runsJson(db))[0]).toMatchObject({ status: 'aborted', error: expect.stringMatching(/elsewhere\.invalid\) was last seen 60 s ago/) });
    const resumed = await cli(['resume', runId, '--db', db, '--json']);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout)).toMatchObject({ status: 'succeeded', records: { total: RECORDS, succeeded: RECORDS } });
  });

  it('a pid that now belongs to another process does not hold the lease', async () => {
    reset();
    const db = join(dir, 'reused.db');
    const input = freshInput('reused.ndjson');
    const runId = await runAndKill(db, input, 3);
    // The holder's pid is alive (this test's own process) but started at another time.
    const raw = new Database(db);
    const host = (raw.prepare('SELECT lease_host FROM runs WHERE id = ?').pluck().get(runId) as string);
    raw.prepare("UPDATE runs SET lease_token = 'old', lease_pid = ?, lease_host = ?, lease_proc_start = '1', lease_heartbeat_at = ? WHERE id = ?").run(process.pid, host, Date.now(), runId);
    raw.close();
    const resumed = await cli(['resume', runId, '--db', db, '--json']);
    if (process.platform === 'linux') {
      expect(resumed.code).toBe(0);
    } else {
      // Where the OS does not tell a process's start, a live pid holds until its heartbeat is stale.
      expect(resumed.code).toBe(2);
    }
  });
});

describe('a run reads one version of its input', () => {
  it.each([
    ['rewritten in place', (path: string) => writeFileSync(path, records('v2-')), /its size changed from \d+ to \d+ bytes|it was modified since the run started|its content changed/],
    [
      'replaced by rename',
      (path: string) => {
        writeFileSync(`${path}.new`, records('r'));
        renameSync(`${path}.new`, path);
      },
      /the path now names another file \(it was replaced\)/,
    ],
  ] as const)('an input %s during the run stops it, aborted and resumable (exit 3), saying the input changed; resume then refuses', async (_how, change, what) => {
    reset();
    const db = join(dir, `changed-${_how.replace(/ /g, '-')}.db`);
    const input = freshInput(`changed-${_how.replace(/ /g, '-')}.ndjson`);
    ep.hold = true;
    const run = spawnCli(['run', configPath, '--input', input, '--db', db, '--json']);
    await ep.until(() => ep.held >= 1);
    change(input);
    ep.release();
    const done = await run.exited;
    expect(done.code).toBe(3);
    const summary = JSON.parse(done.stdout);
    expect(summary.status).toBe('aborted');
    expect(summary.error).toMatch(new RegExp(`^input ${input.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} changed during the run \\(`));
    expect(summary.error).toMatch(what);
    expect((await runsJson(db))[0]).toMatchObject({ status: 'aborted', error: summary.error });

    const resumed = await cli(['resume', summary.runId, '--db', db]);
    expect(resumed.code).toBe(2);
    expect(resumed.stderr).toMatch(/changed since run .* started/);
  });
});

describe('a fatal error never leaves a run running', () => {
  it('an engine exception on resume marks the run aborted with the error', async () => {
    reset();
    const db = join(dir, 'engine-throws.db');
    const input = freshInput('engine-throws.ndjson');
    const runId = await runAndKill(db, input, 3);
    // A stored config the engine refuses only when it plans (as a config re-read on resume could be).
    const raw = new Database(db);
    const stored = JSON.parse(raw.prepare('SELECT config FROM runs WHERE id = ?').pluck().get(runId) as string);
    stored.destination.add.bodyTemplate = '{"users": [{{#each users}}"{{id}}"]}';
    raw.prepare('UPDATE runs SET config = ? WHERE id = ?').run(JSON.stringify(stored), runId);
    raw.close();
    const resumed = spawnCli(['resume', runId, '--db', db]);
    const done = await resumed.exited;
    expect(done.code).not.toBe(0);
    const [row] = await runsJson(db);
    expect(row!.status).toBe('aborted');
    expect(row!.error).toMatch(/bodyTemplate|each/);
  });
});
