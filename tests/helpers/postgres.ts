// A throwaway PostgreSQL server for tests: initdb a cluster in a temp folder, start it on a
// free loopback port (its unix socket in the same folder), stop it and remove the folder
// after. Debian's server binaries refuse to run as root, so when the tests run as root the
// server runs as the `postgres` OS user (the folder chowned to it). No server binary: the
// caller skips its tests and prints `why`.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export interface PgServer {
  port: number;
  /** `postgres://outbound:<password>@127.0.0.1:<port>/postgres` */
  url: (opts?: { password?: string; database?: string }) => string;
  user: string;
  password: string;
  /** The folder holding the server's unix socket (`?host=<socketDir>`). */
  socketDir: string;
  /** Runs SQL as the superuser. */
  sql: (text: string) => Promise<pg.QueryResult>;
  stop: () => Promise<void>;
}

const PASSWORD = 'pg-s3cret-Passw0rd';

/** The directory of the newest installed server binaries, or null. */
export function findPgBin(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root)
    .filter((v) => existsSync(join(root, v, 'bin', 'postgres')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? join(root, versions[0]!, 'bin') : null;
}

/** Why the PostgreSQL tests cannot run here, or null when they can. */
export function pgUnavailable(): string | null {
  if (!findPgBin()) return 'no PostgreSQL server binary under /usr/lib/postgresql/*/bin (apt-get install postgresql; .ci/run does)';
  if (process.getuid?.() === 0) {
    try {
      execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
    } catch {
      return 'running as root and there is no `postgres` OS user to run the server as';
    }
  }
  return null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/** `argv` as the postgres OS user when we are root (setpriv execs: the pid is the server's, so signals reach it). */
function asServerUser(argv: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [argv[0]!, argv.slice(1)];
  return ['setpriv', ['--reuid=postgres', '--regid=postgres', '--init-groups', '--', ...argv]];
}

export async function startPg(): Promise<PgServer> {
  const bin = findPgBin();
  if (!bin) throw new Error(pgUnavailable() ?? 'no PostgreSQL');
  const dir = mkdtempSync(join(tmpdir(), 'outbound-pg-'));
  const data = join(dir, 'data');
  const pwfile = join(dir, 'pw');
  writeFileSync(pwfile, `${PASSWORD}\n`);
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    chownSync(dir, uid, gid);
    chownSync(pwfile, uid, gid);
  }
  const [cmd, args] = asServerUser([join(bin, 'initdb'), '-D', data, '-U', 'outbound', '--pwfile', pwfile, '--auth', 'scram-sha-256', '-E', 'UTF8', '--locale', 'C', '--no-sync']);
  execFileSync(cmd, args, { stdio: 'pipe' });
  const port = await freePort();
  const [pcmd, pargs] = asServerUser([
    join(bin, 'postgres'),
    '-D', data,
    '-p', String(port),
    '-h', '127.0.0.1',
    '-k', dir,
    '-c', 'fsync=off',
    '-c', 'synchronous_commit=off',
    '-c', 'full_page_writes=off',
    '-c', 'shared_buffers=16MB',
  ]);
  const child: ChildProcess = spawn(pcmd, pargs, { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  child.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const url = (opts: { password?: string; database?: string } = {}) =>
    `postgres://outbound:${encodeURIComponent(opts.password ?? PASSWORD)}@127.0.0.1:${port}/${opts.database ?? 'postgres'}`;
  // Ready when a connection succeeds.
  for (let i = 0; ; i++) {
    const c = new pg.Client({ connectionString: url() });
    try {
      await c.connect();
      await c.end();
      break;
    } catch (err) {
      await c.end().catch(() => undefined);
      if (child.exitCode !== null || i > 200) throw new Error(`postgres did not start: ${(err as Error).message}\n${log}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  const admin = new pg.Client({ connectionString: url() });
  await admin.connect();
  return {
    port,
    url,
    user: 'outbound',
    password: PASSWORD,
    socketDir: dir,
    sql: (text) => admin.query(text),
    stop: async () => {
      await admin.end().catch(() => undefined);
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGINT'); // fast shutdown
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
