// A/B of CLI bundles on CPU time (interleaved, so machine load hits both alike):
//   node bench/perf/ab.mjs <count> <batch> <repeat> <bundle.mjs | bin/outbound.mjs!>...
// Each run: the CLI against the minimal sink (store on), timed by /usr/bin/time:
// wall, user+sys CPU, max RSS. Inputs and configs come from profile-sink.ts's .bench/perf.
import { spawn, spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';

const [count, batch, repeat, ...bundles] = process.argv.slice(2);
const root = join(import.meta.dirname, '..', '..');
const dir = join(root, '.bench', 'perf');
// The shebang's `node` is this node.
process.env.PATH = `${join(process.execPath, '..')}:${process.env.PATH}`;
const sink = spawn(process.execPath, [join(root, 'bench', 'sink.ts')], { stdio: ['ignore', 'pipe', 'inherit'] });
const url = await new Promise((resolve) => {
  let buf = '';
  sink.stdout.on('data', (d) => {
    buf += d;
    const m = /listening (\S+)/.exec(buf);
    if (m) resolve(m[1]);
  });
});
const add =
  batch === '1'
    ? { url: `${url}/hooks/cli`, bodyTemplate: '{"id": "{{user.id}}", "email": "{{user.email}}", "ltv": {{user.ltv}}}' }
    : { url: `${url}/hooks/cli`, bodyTemplate: '{"users": [{{#each users}}{"id": "{{id}}", "email": "{{email}}", "ltv": {{ltv}}}{{#unless @last}},{{/unless}}{{/each}}]}', batchMode: 'batched', batchSize: Number(batch) };
const cfg = join(dir, `ab-config-${batch}.json`);
(await import('node:fs')).writeFileSync(cfg, JSON.stringify({ version: 1, destination: { name: 'perf sink', concurrency: 32, add }, audience: { name: 'perf' }, records: { key: 'id', mapping: { id: 'id', email: 'person.email', ltv: 'ltv' } } }));
const input = join(dir, `profiles-${count}.ndjson`);
const sums = bundles.map(() => []);
for (let r = 0; r < Number(repeat); r++) {
  for (let b = 0; b < bundles.length; b++) {
    const db = join(dir, `ab-${process.pid}.db`);
    for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
    const extra = (process.env.AB_NODE_ARGS ?? '').split(' ').filter(Boolean);
    // A path ending in '!' is executed itself (its shebang: as the installed `outbound` runs).
    const direct = bundles[b].endsWith('!');
    const cmd = direct ? [bundles[b].slice(0, -1)] : [process.execPath, '--max-semi-space-size=8', ...extra, bundles[b]];
    const res = spawnSync('/usr/bin/time', ['-f', 'TIME %e %U %S %M', ...cmd, 'run', cfg, '--input', input, '--db', db, '--json'], { encoding: 'utf8', cwd: root, env: { ...process.env } });
    const t = /TIME (\S+) (\S+) (\S+) (\d+)/.exec(res.stderr);
    let ok = '?';
    try {
      ok = JSON.parse(res.stdout).records.succeeded;
    } catch {}
    if (!t) { console.log(res.stderr.slice(-2000)); continue; }
    const [wall, user, sys, rss] = [Number(t[1]), Number(t[2]), Number(t[3]), Number(t[4]) / 1024];
    sums[b].push({ wall, cpu: user + sys, rss });
    console.log(`${bundles[b].split('/').slice(-2).join('/')}: wall ${wall.toFixed(2)} s, cpu ${(user + sys).toFixed(2)} s (user ${user.toFixed(2)}), rss ${rss.toFixed(0)} MB, ok ${ok}`);
    for (const f of [db, `${db}-wal`, `${db}-shm`]) rmSync(f, { force: true });
  }
}
const med = (a) => { const s = [...a].sort((x, y) => x - y); return s[Math.floor(s.length / 2)]; };
for (let b = 0; b < bundles.length; b++) {
  const s = sums[b];
  console.log(`== ${bundles[b]}: median wall ${med(s.map((x) => x.wall)).toFixed(2)} s, cpu ${med(s.map((x) => x.cpu)).toFixed(2)} s, rss ${med(s.map((x) => x.rss)).toFixed(0)} MB`);
}
sink.kill('SIGTERM');
