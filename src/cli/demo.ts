// `npm run demo`: the mock endpoint, generated profiles and the bundled example export,
// end to end on this machine with nothing configured.
import { mkdtempSync, createWriteStream } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { startMock } from '../main/mock/index.js';
import { generateProfiles, profileToNdjsonLine } from '../main/sources/sample.js';
import { openStore } from '../main/store/db.js';
import { main } from './main.js';

const count = Number(process.env.OUTBOUND_DEMO_COUNT ?? 2000);
const dir = mkdtempSync(join(tmpdir(), 'outbound-demo-'));
const input = join(dir, 'profiles.ndjson');
const db = join(dir, 'outbound.db');

const out = createWriteStream(input);
for (const p of generateProfiles(count, 7)) {
  if (!out.write(profileToNdjsonLine(p))) await once(out, 'drain');
}
out.end();
await once(out, 'finish');

const mock = await startMock({ port: 0 });
process.stderr.write(`demo: mock endpoint on ${mock.url}, ${count} profiles in ${input}\n`);
const env = { ...process.env, OUTBOUND_MOCK_URL: mock.url, OUTBOUND_DEMO_SECRET: 'demo-secret' };
const io = { stdout: (s: string) => void process.stdout.write(s), stderr: (s: string) => void process.stderr.write(s), env, isTTY: process.stderr.isTTY === true };
const code = await main(['run', 'examples/growthloop-mock.json', '--input', input, '--db', db], io);
const store = openStore(db);
const runId = store.listRuns().at(-1)?.id ?? '<runId>';
store.close();
const byRoute = Object.entries(mock.stats().byRoute).map(([route, n]) => `${route} ${n}`).join(' · ');
process.stdout.write(`\nthe mock endpoint received ${mock.journal.size} requests (${byRoute})\n`);
process.stdout.write(`see every request and response: npm run -s outbound -- log ${runId} --db ${db}\n`);
process.stdout.write(`export them as HAR:             npm run -s outbound -- export-log ${runId} --har run.har --db ${db}\n`);
await mock.close();
process.exit(code);
