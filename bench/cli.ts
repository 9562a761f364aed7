// The CLI as `npm run -s outbound -- run <config> --input <file> --db <db>` runs it: the
// command of package.json's `outbound` script (node, its V8 flags, bin/outbound.mjs),
// spawned directly, so npm's own start (~0.3 s) is not counted as the CLI's.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { timed, type Timed } from './processes.js';

const ROOT = join(import.meta.dirname, '..');

/** `node --max-semi-space-size=8 bin/outbound.mjs` → [node flags…, bin path]. */
function outboundCommand(): string[] {
  const script = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts['outbound']!;
  const [cmd, ...args] = script.split(/\s+/);
  if (cmd !== 'node') throw new Error(`package.json's outbound script does not start with node: ${script}`);
  return args.map((a) => (a.startsWith('bin/') ? join(ROOT, a) : a));
}

export interface CliRun extends Timed {
  /** What bin/outbound.mjs booted: `bundle` or `tsx (why)` (its OUTBOUND_DEBUG_BOOT line). */
  boot: string;
  summary: { status: string; records: { succeeded: number; failed: number }; requests: { sent: number } };
}

/** One export through the CLI with the store on, in a fresh database (removed afterwards). */
export async function runCli(config: string, input: string, db: string): Promise<CliRun> {
  const run = await timed(process.execPath, [...outboundCommand(), 'run', config, '--input', input, '--db', db, '--json'], {
    cwd: ROOT,
    env: { ...process.env, OUTBOUND_DEBUG_BOOT: '1' },
  });
  for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
  if (run.code !== 0) throw new Error(`the CLI exited ${run.code}: ${run.stderr.slice(-2000)}`);
  const boot = /outbound: boot (.*)/.exec(run.stderr)?.[1] ?? 'unknown';
  return { ...run, boot, summary: JSON.parse(run.stdout) as CliRun['summary'] };
}
