// The container image (Dockerfile), tested without Docker (this machine has no engine):
// the Dockerfile is read, what it copies from the build context exists and is not ignored,
// its premises hold (Electron is a dev dependency only, better-sqlite3 13 needs no install
// script: its prebuilt addons are in the package), and its final stage is laid out on disk
// as the image would hold it: the bundle built the way the build stage builds it, the
// production dependencies only (the lockfile's non-dev packages), the /data volume. The
// ENTRYPOINT then runs as written (paths moved under a temp folder, no access to this
// checkout's node_modules): --help, a sharded run against a loopback sink with the store on
// the volume through OUTBOUND_DB, and `runs --group`.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, sep } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shardOfKey } from '../../src/main/app/run/shard.js';
import { tempDir, writeNdjson } from '../helpers/run.js';

const ROOT = process.cwd();

interface Stage {
  name: string | null;
  from: string;
  /** Instructions after FROM, continuation lines joined. */
  lines: Array<{ op: string; rest: string }>;
}

function dockerignorePatterns(): string[] {
  return readFileSync(join(ROOT, '.dockerignore'), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/**
 * Whether Docker leaves `path` (relative to the context, `/`-separated) out of the build
 * context: its .dockerignore rules (Go's filepath.Match per segment, `**` any number of
 * folders, `!` re-includes, the last matching line wins; a matched folder takes its files).
 */
function dockerIgnored(path: string, patterns: string[]): boolean {
  const toRegExp = (pattern: string) => {
    let re = '';
    const p = pattern.replace(/^\/+/, '').replace(/\/+$/, '');
    for (let i = 0; i < p.length; i++) {
      const c = p[i]!;
      if (c === '*' && p[i + 1] === '*') {
        re += p[i + 2] === '/' ? '(?:.*/)?' : '.*';
        i += p[i + 2] === '/' ? 2 : 1;
      } else if (c === '*') re += '[^/]*';
      else if (c === '?') re += '[^/]';
      else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
    }
    return new RegExp(`^${re}$`);
  };
  const parts = path.split('/');
  const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
  let ignored = false;
  for (const line of patterns) {
    const negate = line.startsWith('!');
    const re = toRegExp(negate ? line.slice(1) : line);
    if (prefixes.some((p) => re.test(p))) ignored = !negate;
  }
  return ignored;
}

function readDockerfile(): Stage[] {
  const text = readFileSync(join(ROOT, 'Dockerfile'), 'utf8').replace(/\\\n\s*/g, ' ');
  const stages: Stage[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const [, op, rest] = /^(\S+)\s+(.*)$/.exec(line) ?? [];
    if (!op || rest === undefined) throw new Error(`Dockerfile line not understood: ${line}`);
    if (op.toUpperCase() === 'FROM') {
      const m = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(rest)!;
      stages.push({ from: m[1]!, name: m[2] ?? null, lines: [] });
    } else stages.at(-1)!.lines.push({ op: op.toUpperCase(), rest });
  }
  return stages;
}

const stages = readDockerfile();
const final = stages.at(-1)!;
const ops = (stage: Stage, op: string) => stage.lines.filter((l) => l.op === op).map((l) => l.rest);
const envOf = (stage: Stage): Record<string, string> => Object.fromEntries(ops(stage, 'ENV').flatMap((r) => r.split(/\s+/).map((kv) => kv.split('=') as [string, string])));
/** COPY's options, sources and destination. */
const copies = (stage: Stage) =>
  ops(stage, 'COPY').map((r) => {
    const words = r.split(/\s+/);
    const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length) ?? null;
    const paths = words.filter((w) => !w.startsWith('--'));
    return { from, sources: paths.slice(0, -1), dest: paths.at(-1)! };
  });
const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as { packages: Record<string, { dev?: boolean; devOptional?: boolean; optional?: boolean; hasInstallScript?: boolean }> };

describe('Dockerfile', () => {
  it('builds on Node 24 slim in stages, never fetching Electron', () => {
    expect(stages.map((s) => s.from)).toEqual(['node:24-slim', 'node:24-slim', 'node:24-slim']);
    const build = stages.find((s) => s.name === 'build')!;
    expect(envOf(build).ELECTRON_SKIP_BINARY_DOWNLOAD).toBe('1');
    expect(ops(build, 'RUN').join(' ')).toMatch(/npm ci .*node bin\/build-cli\.mjs/);
    // The final stage's node_modules come from `npm ci --omit=dev`, where Electron is not.
    const deps = stages.find((s) => s.name === 'deps')!;
    expect(ops(deps, 'RUN').join(' ')).toContain('npm ci --omit=dev --ignore-scripts');
    expect(lock.packages['node_modules/electron']?.dev).toBe(true);
  });

  it('copies only what the build context has and .dockerignore keeps', () => {
    const ignored = readFileSync(join(ROOT, '.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l !== '' && !l.startsWith('#'));
    for (const stage of stages) {
      for (const c of copies(stage).filter((x) => x.from === null)) {
        for (const src of c.sources) {
          expect(existsSync(join(ROOT, src)), `COPY ${src}`).toBe(true);
          expect(dockerIgnored(src, ignored), `${src} is copied but ignored`).toBe(false);
        }
      }
    }
    // What must stay out of an image: stores (run history) and env files (secrets).
    for (const kept of ['*.db', '.env', 'node_modules', '.git']) expect(ignored).toContain(kept);
  });

  it('.dockerignore keeps env files and stores out of the image wherever they sit (examples/*.env beside the config schedule writes)', () => {
    const patterns = dockerignorePatterns();
    for (const secret of ['examples/growthloop-mock.env', 'examples/k8s/x.env', 'acme.env', '.env', 'examples/.env', 'examples/.env.local', 'examples/run.db', 'examples/run.db-wal', 'examples/run.har']) {
      expect(dockerIgnored(secret, patterns), secret).toBe(true);
    }
    for (const kept of ['examples/growthloop-mock.json', 'examples/k8s/outbound-shards.yaml', 'package.json', 'src/main/app/env-file.ts']) {
      expect(dockerIgnored(kept, patterns), kept).toBe(false);
    }
  });

  it('--ignore-scripts is safe: no production dependency needs an install script to run', () => {
    const prod = Object.entries(lock.packages).filter(([k, v]) => k !== '' && !v.dev && !v.devOptional && !v.optional);
    const scripted = prod.filter(([, v]) => v.hasInstallScript).map(([k]) => k);
    // esbuild's script only checks its binary; the image runs the bundle, never esbuild.
    expect(scripted.filter((k) => k !== 'node_modules/esbuild')).toEqual([]);
    for (const arch of ['x64', 'arm64']) expect(existsSync(join(ROOT, 'node_modules', 'better-sqlite3', 'prebuilds', `linux-${arch}.node`)), arch).toBe(true);
  });

  it('runs as the unprivileged node user with the store on the /data volume', () => {
    expect(ops(final, 'USER')).toEqual(['node']);
    expect(ops(final, 'VOLUME')).toEqual(['["/data"]']);
    expect(envOf(final).OUTBOUND_DB).toBe('/data/outbound.db');
  });
});

describe("the final stage's command, laid out as the image holds it", () => {
  let root: string;
  let work: string;
  let checkout: string;
  let entry: string[];
  let env: Record<string, string>;
  let server: ReturnType<typeof createServer>;
  let url: string;
  const received: string[] = [];

  /** The image's `/x` paths, under `root`. */
  const inImage = (p: string) => join(root, ...p.split('/').filter(Boolean));

  beforeAll(async () => {
    root = tempDir('outbound-image-');
    work = tempDir('outbound-image-work-');
    // The build stage: a checkout with every dependency, `node bin/build-cli.mjs`.
    checkout = tempDir('outbound-image-build-');
    const build = stages.find((s) => s.name === 'build')!;
    for (const c of copies(build)) for (const src of c.sources) cpSync(join(ROOT, src), join(checkout, src), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules'), join(checkout, 'node_modules'));
    const built = await node([join(checkout, 'bin', 'build-cli.mjs')], checkout, { PATH: process.env.PATH ?? '' });
    expect(built.code, built.stderr).toBe(0);
    const workdir = ops(final, 'WORKDIR').at(-1)!;
    for (const c of copies(final)) {
      const dest = c.dest.startsWith('/') ? inImage(c.dest) : join(inImage(workdir), c.dest);
      if (c.from === 'deps') {
        // `npm ci --omit=dev`: the lockfile's production packages (optional ones where present).
        expect(c.sources).toEqual(['/app/node_modules']);
        for (const [key, v] of Object.entries(lock.packages)) {
          if (key === '' || v.dev || v.devOptional || !existsSync(join(ROOT, key))) continue;
          // A compiled build/ is not in the published package: the prebuilt addon is what loads.
          cpSync(join(ROOT, key), join(dest, key.slice('node_modules/'.length)), { recursive: true, filter: (p) => !p.includes(`${sep}better-sqlite3${sep}build`) });
        }
      } else if (c.from === 'build') {
        cpSync(join(checkout, c.sources[0]!.replace(/^\/app\//, '')), dest, { recursive: true });
      } else {
        for (const src of c.sources) cpSync(join(ROOT, src), c.sources.length > 1 || dest.endsWith(sep) ? join(dest, src) : dest, { recursive: true });
      }
    }
    mkdirSync(inImage('/data'), { recursive: true });
    entry = (JSON.parse(ops(final, 'ENTRYPOINT')[0]!) as string[]).map((a) => (a.startsWith('/') ? inImage(a) : a));
    env = { PATH: process.env.PATH ?? '', HOME: root, ...Object.fromEntries(Object.entries(envOf(final)).map(([k, v]) => [k, v.startsWith('/') ? inImage(v) : v])) };
    expect(entry[0]).toBe('node');

    server = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push((JSON.parse(body) as { id: string }).id);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{}');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 120_000);

  afterAll(async () => {
    await new Promise<void>((resolve) => server?.close(() => resolve()));
    // The laid-out image is ~70 MB of node_modules: not left behind in the temp folder.
    for (const dir of [root, checkout]) if (dir) rmSync(dir, { recursive: true, force: true });
  });

  function node(args: string[], cwd: string, childEnv: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return new Promise((resolve) => {
      const child = spawn(process.execPath, args, { cwd, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d));
      child.stderr.on('data', (d: Buffer) => (stderr += d));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  }
  /** `docker run outbound <args>`: the ENTRYPOINT with the image's env, in a folder outside the checkout. */
  const container = (args: string[]) => node([...entry.slice(1), ...args], work, env);

  it('prints the help with production dependencies only (no sources, no dev dependencies)', async () => {
    expect(existsSync(join(root, 'app', 'src'))).toBe(false);
    expect(existsSync(join(root, 'app', 'node_modules', 'electron'))).toBe(false);
    expect(existsSync(join(root, 'app', 'node_modules', 'vitest'))).toBe(false);
    const cmd = JSON.parse(ops(final, 'CMD')[0]!) as string[];
    const help = await container(cmd);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toContain('--shard i/N');
  });

  it('runs a shard with its store on the volume (OUTBOUND_DB), and lists its group', async () => {
    const keys = Array.from({ length: 12 }, (_, i) => `c-${i}`);
    const input = writeNdjson(work, 'members.ndjson', keys.map((id) => ({ id })));
    const config = join(work, 'export.json');
    writeFileSync(config, JSON.stringify({ version: 1, destination: { name: 'sink', add: { url: `${url}/m`, bodyTemplate: '{"id": "{{user.id}}"}' } }, audience: { name: 'a' } }));
    const run = await container(['run', config, '--input', input, '--shard', '1/2', '--group', 'image', '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(received.sort()).toEqual(keys.filter((k) => shardOfKey(k, 2) === 1).sort());
    expect(existsSync(inImage('/data/outbound.db'))).toBe(true);
    const runs = await container(['runs', '--group', 'image']);
    expect(runs.code, runs.stderr).toBe(0);
    expect(runs.stdout).toContain(`group image: 1 of 2 shards · ${received.length} records · ${received.length} delivered`);
    expect(runs.stdout).toContain('missing shard 0');
  });
});
