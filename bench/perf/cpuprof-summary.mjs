// Sums self time per function and per file of a .cpuprofile (node --cpu-prof), top N.
import { readFileSync } from 'node:fs';

const [path, topArg] = process.argv.slice(2);
const top = Number(topArg ?? 40);
const prof = JSON.parse(readFileSync(path, 'utf8'));
const byId = new Map(prof.nodes.map((n) => [n.id, n]));
const self = new Map();
const dt = prof.timeDeltas;
for (let i = 0; i < prof.samples.length; i++) {
  const n = byId.get(prof.samples[i]);
  self.set(n, (self.get(n) ?? 0) + (dt[i] ?? 0));
}
const total = [...self.values()].reduce((a, b) => a + b, 0);
const fn = new Map();
const file = new Map();
for (const [n, t] of self) {
  const f = n.callFrame;
  const short = f.url.replace(/^.*\/(node_modules\/[^/]+|src|bench)\//, '$1/').replace(/^file:\/\//, '');
  const key = `${f.functionName || '(anon)'} ${short}:${f.lineNumber + 1}`;
  fn.set(key, (fn.get(key) ?? 0) + t);
  const fk = short || `(${f.functionName})`;
  file.set(fk, (file.get(fk) ?? 0) + t);
}
const print = (title, m) => {
  console.log(`\n== ${title} (total ${(total / 1000).toFixed(0)} ms)`);
  for (const [k, t] of [...m].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${((100 * t) / total).toFixed(1).padStart(5)}%  ${(t / 1000).toFixed(0).padStart(6)} ms  ${k}`);
};
print('self time by file', file);
print('self time by function', fn);
