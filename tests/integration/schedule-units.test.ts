// Issue 12 "Done when": a unit `outbound schedule` prints runs unchanged. The crontab line's
// command goes through cron's `%` handling and /bin/sh -c; the systemd service's ExecStart is
// split as systemd splits it (systemd.syntax, systemd.service "Command lines") with its
// env file passed by --env-file. Both run the real CLI as a child process from / with cron's bare
// PATH, on a config and input under a folder whose name holds a space, quotes, `%`, `$` and a
// backslash, against a loopback endpoint that counts what arrived.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { ScheduleView } from '../../src/shared/api.js';
import { startCaptureServer, type CaptureServer } from '../helpers/capture-server.js';
import { cli, tempDir, writeNdjson } from '../helpers/run.js';

const SECRET = 's3cret-never-in-a-unit';
let server: CaptureServer;
let dir: string;
let view: ScheduleView;
let envFile: string;

beforeAll(async () => {
  server = await startCaptureServer();
  dir = join(tempDir(), `out bound "it's" 50%d $HOME \\q`);
  mkdirSync(dir, { recursive: true });
  const config = join(dir, 'acme export.json');
  writeFileSync(
    config,
    JSON.stringify({
      version: 1,
      destination: { name: 'Acme', headers: { 'X-API-Key': '${env:ACME_KEY}' }, add: { url: `${server.url}/members`, batchMode: 'batched' } },
      audience: { name: 'High Value' },
      schedule: { every: '15m' },
    }),
  );
  writeNdjson(dir, 'members 100%.ndjson', [{ id: 'a' }, { id: 'b' }, { id: 'c' }]);
  envFile = join(dir, 'acme export.env');
  writeFileSync(envFile, `ACME_KEY=${SECRET}\n`);
  const out = await cli(['schedule', config, '--input', join(dir, 'members 100%.ndjson'), '--db', join(dir, 'store $x.db'), '--json'], { ACME_KEY: SECRET });
  expect(out.stderr).toBe('');
  expect(out.code).toBe(0);
  expect(out.stdout).not.toContain(SECRET);
  view = JSON.parse(out.stdout) as ScheduleView;
});

afterAll(async () => {
  await server.close();
});

function unit(format: string): string {
  const u = view.units!.find((x) => x.format === format)!;
  expect(u.problem).toBeUndefined();
  return u.text;
}

/** What cron does to a command (crontab(5), cronie's do_command): `\%` is `%`, the first unescaped `%` ends it. */
function cronCommand(line: string): string {
  const command = /^(?:\S+\s+){5}(.*)$/.exec(line)![1]!;
  let out = '';
  for (let i = 0; i < command.length; i++) {
    if (command[i] === '\\' && command[i + 1] === '%') {
      out += '%';
      i++;
    } else if (command[i] === '%') break;
    else out += command[i];
  }
  return out;
}

/**
 * An ExecStart= value split as systemd does (systemd.syntax: words, "…" and '…' quoting, C
 * escapes inside quotes), then `%%` → `%` (specifiers) and `$$` → `$` (no variables are used).
 */
function systemdArgv(value: string): string[] {
  const words: string[] = [];
  let i = 0;
  const escapes: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', '"': '"', "'": "'", ' ': ' ' };
  while (i < value.length) {
    while (value[i] === ' ') i++;
    if (i >= value.length) break;
    let word = '';
    while (i < value.length && value[i] !== ' ') {
      const q = value[i];
      if (q === '"' || q === "'") {
        i++;
        while (value[i] !== q) {
          if (i >= value.length) throw new Error('unterminated quote');
          if (value[i] === '\\') {
            const next = value[i + 1]!;
            if (next === 'x') {
              word += String.fromCharCode(parseInt(value.slice(i + 2, i + 4), 16));
              i += 4;
            } else {
              if (!(next in escapes)) throw new Error(`unknown escape \\${next}`);
              word += escapes[next];
              i += 2;
            }
          } else word += value[i++];
        }
        i++;
      } else word += value[i++];
    }
    words.push(word);
  }
  return words.map((w) => {
    if (/%[^%]/.test(w.replaceAll('%%', ''))) throw new Error(`unescaped specifier in ${w}`);
    if (/\$(?!\$)/.test(w.replaceAll('$$', ''))) throw new Error(`unescaped $ in ${w}`);
    return w.replaceAll('%%', '%').replaceAll('$$', '$');
  });
}

function exec(file: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(file, args, { cwd: '/', env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('close', (code) => done({ code, stderr }));
  });
}

function delivered(requests: CaptureServer['requests']): string[] {
  return requests.flatMap((r) => [...r.body.matchAll(/"id":\s*"([a-z])"/g)].map((m) => m[1]!)).sort();
}

const CRON_ENV = { PATH: '/usr/bin:/bin', HOME: process.env.HOME ?? '/root', SHELL: '/bin/sh', LOGNAME: 'cron' };

describe('outbound schedule: the units run unchanged', () => {
  it('the crontab line, through cron’s % handling and /bin/sh -c from /, delivers every record with the key from the env file', async () => {
    const line = unit('crontab').split('\n').find((l) => l !== '' && !l.startsWith('#') && !l.startsWith('CRON_TZ='))!;
    expect(line.startsWith('*/15 * * * * ')).toBe(true);
    const before = server.requests.length;
    const run = await exec('/bin/sh', ['-c', cronCommand(line)], CRON_ENV);
    expect(run.stderr).not.toContain('error');
    expect(run.code).toBe(0);
    const got = server.requests.slice(before);
    expect(delivered(got)).toEqual(['a', 'b', 'c']);
    expect(got.every((r) => r.headers['x-api-key'] === SECRET)).toBe(true);
  });

  it('the systemd service, its ExecStart split as systemd does (the env file passed by --env-file), delivers every record', async () => {
    const service = unit('systemd');
    expect(service).not.toContain(SECRET);
    // One parser for the env file in every unit: the CLI's --env-file, never systemd's
    // EnvironmentFile= (whose quoting, backslash and `#` rules differ).
    expect(service).not.toMatch(/^EnvironmentFile=/m);
    const execStart = /^ExecStart=(.*)$/m.exec(service)![1]!;
    const argv = systemdArgv(execStart);
    expect(argv[0]).toBe(process.execPath);
    expect(argv.slice(-2)).toEqual(['--env-file', envFile]);
    const before = server.requests.length;
    const run = await exec(argv[0]!, argv.slice(1), CRON_ENV);
    expect(run.code).toBe(0);
    const got = server.requests.slice(before);
    expect(delivered(got)).toEqual(['a', 'b', 'c']);
    expect(got.every((r) => r.headers['x-api-key'] === SECRET)).toBe(true);
  });

  // Where systemd-analyze is missing this is skipped (and says so); the splitting test above still holds.
  it.skipIf(spawnSync('systemd-analyze', ['--version']).error !== undefined)('systemd-analyze verify accepts the service and the timer (its executable found, its settings read)', () => {
    const text = unit('systemd');
    const unitDir = tempDir();
    const [service, timer] = text.split(/\n(?=# .*\.timer\n)/);
    const name = /outbound-[a-z0-9-]+/.exec(service!)![0];
    writeFileSync(join(unitDir, `${name}.service`), service!);
    writeFileSync(join(unitDir, `${name}.timer`), timer!);
    const verify = spawnSync('systemd-analyze', ['verify', '--man=no', join(unitDir, `${name}.service`), join(unitDir, `${name}.timer`)], { encoding: 'utf8' });
    expect(verify.stderr).toBe('');
    expect(verify.status).toBe(0);
  });
});

describe('outbound schedule: the CLI contract', () => {
  it('the printed units (every format) never hold a secret value, even when it is set', async () => {
    const out = await cli(['schedule', join(dir, 'acme export.json'), '--input', 'x.ndjson'], { ACME_KEY: SECRET });
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('ACME_KEY');
    expect(out.stdout + out.stderr).not.toContain(SECRET);
  });

  it('an every no cron runs exactly is a usage error naming the flag and what would work (exit 2)', async () => {
    const out = await cli(['schedule', join(dir, 'acme export.json'), '--input', 'x.ndjson', '--every', '7m']);
    expect(out.code).toBe(2);
    expect(out.stdout).toBe('');
    expect(out.stderr).toMatch(/^--every: "7m" cannot be written as a cron schedule .* 6m or 10m/);
  });

  it('a config whose ${env:…} variables are not set here (the shipped example) still gets its units', async () => {
    const out = await cli(['schedule', 'examples/growthloop-mock.json', '--input', 'members.ndjson', '--cron', '0 6 * * MON-FRI', '--json', '--format', 'systemd']);
    expect(out.code).toBe(0);
    const v = JSON.parse(out.stdout) as ScheduleView;
    expect(v).toMatchObject({ cron: '0 6 * * 1-5', source: 'request', env: ['OUTBOUND_DEMO_SECRET', 'OUTBOUND_MOCK_URL'] });
    expect(v.units!.map((u) => u.format)).toEqual(['systemd']);
    expect(v.units![0]!.text).toContain('OnCalendar=Mon..Fri *-*-* 06:00:00');
  });

  it('GitHub Actions: paths relative to the repository, secrets from repository secrets', async () => {
    const repo = tempDir();
    mkdirSync(join(repo, '.git'));
    mkdirSync(join(repo, 'sync jobs'));
    const config = join(repo, 'sync jobs', 'acme.json');
    writeFileSync(config, readFileSync(join(dir, 'acme export.json')));
    const out = await cli(['schedule', config, '--input', join(repo, 'sync jobs', "it's.ndjson"), '--format', 'github', '--json']);
    const text = (JSON.parse(out.stdout) as ScheduleView).units![0]!.text;
    expect(text).toContain(`- run: "npx --no outbound run 'sync jobs/acme.json' --input 'sync jobs/it'\\\\''s.ndjson' --db .outbound/outbound.db"`);
    expect(text).toContain('ACME_KEY: ${{ secrets.ACME_KEY }}');
    expect(text).toContain('- cron: "*/15 * * * *"');

    // The store is restored before the run and saved after it even when the run failed
    // (actions/cache saves only after a job that succeeded: a failed run's store, which
    // retry-failed and resume need, was lost).
    const steps = (parse(text) as { jobs: { export: { steps: Array<Record<string, any>> } } }).jobs.export.steps;
    const at = (pred: (s: Record<string, any>) => boolean) => steps.findIndex(pred);
    const restore = at((s) => s.uses === 'actions/cache/restore@v4');
    const runStep = at((s) => typeof s.run === 'string' && s.run.includes(' run '));
    const save = at((s) => s.uses === 'actions/cache/save@v4');
    expect(steps.some((s) => s.uses === 'actions/cache@v4')).toBe(false);
    expect(restore).toBeGreaterThanOrEqual(0);
    expect(runStep).toBeGreaterThan(restore);
    expect(save).toBeGreaterThan(runStep);
    expect(steps[save]!.if).toBe('always()');
    expect(steps[save]!.with.path).toBe(steps[restore]!.with.path);
    expect(steps[save]!.with.key).toBe(steps[restore]!.with.key);
    expect(steps[restore]!.with.key.startsWith(steps[restore]!.with['restore-keys'])).toBe(true);
    // npx never installs a registry package named outbound in place of the repository's.
    expect(steps[runStep]!.run.startsWith('npx --no outbound ')).toBe(true);
  });

  it('a postgres:// --input stays a URL with its --query in every unit; one holding a password is refused and never printed; a source block needs no --input', async () => {
    const config = join(dir, 'acme export.json');
    const url = 'postgres://app@db.internal:5432/crm';
    const query = 'select id from members order by id';
    const out = await cli(['schedule', config, '--input', url, '--query', query, '--json']);
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    const v = JSON.parse(out.stdout) as ScheduleView;
    expect(v.command!.slice(v.command!.indexOf('run'))).toEqual(['run', config, '--input', url, '--query', query, '--db', expect.any(String), '--env-file', expect.any(String)]);
    for (const u of v.units!) {
      if (u.format === 'github') continue; // this config is in no git repository (the test above covers GitHub)
      expect(u.problem, u.format).toBeUndefined();
      expect(u.text, u.format).toContain('postgres://app@db.internal:5432/crm');
    }
    const pw = 'p@ss/w0rd-Secret';
    for (const leaky of [`postgres://app:${encodeURIComponent(pw)}@db.internal/crm`, `postgres://app:${pw}@db.internal/crm`, `postgres://app@/crm?host=/run/pg&password=${pw}`]) {
      const refused = await cli(['schedule', config, '--input', leaky, '--query', query, '--json']);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(/holds a password, which every unit would carry in clear: write it as \$\{env:NAME\} in the config's source.postgres.url, or put PGPASSWORD=/);
      for (const form of [pw, encodeURIComponent(pw), 'ss/w0rd']) expect(refused.stdout + refused.stderr, leaky).not.toContain(form);
    }
    const noQuery = await cli(['schedule', config, '--input', url]);
    expect(noQuery.code).toBe(2);
    expect(noQuery.stderr).toMatch(/--query "select …" is required/);
    const noInput = await cli(['schedule', config]);
    expect(noInput.code).toBe(2);
    const srcConfig = join(dir, 'source.json');
    writeFileSync(srcConfig, JSON.stringify({ ...JSON.parse(readFileSync(config, 'utf8')), source: { postgres: { url: 'postgres://app:${env:PGPW}@db/crm', query } } }));
    const fromSource = await cli(['schedule', srcConfig, '--json', '--format', 'crontab']);
    expect(fromSource.code).toBe(0);
    const sv = JSON.parse(fromSource.stdout) as ScheduleView;
    expect(sv.command).not.toContain('--input');
    expect(sv.env).toContain('PGPW');
  });
});
