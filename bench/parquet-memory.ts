// Peak memory of the Parquet reader on the file pandas/pyarrow write by default: one big row
// group (1,048,576 rows) and no page index. The file is written in one child process, read in
// another (so each RSS is its own), and every row is pulled through readParquet as a run would.
//   node --import tsx bench/parquet-memory.ts [rows]
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parquetWriteFile } from 'hyparquet-writer';
import { readParquet } from '../src/main/sources/parquet.js';

const self = fileURLToPath(import.meta.url);
const [mode, arg1, arg2, arg3] = process.argv.slice(2);

if (mode === 'write') writeFile(arg1!, Number(arg2), Number(arg3));
else if (mode === 'read') await readFile(arg1!);
else main(Number(mode ?? 1_048_576));

function main(rows: number): void {
  // hyparquet-writer's default 1 MiB pages (a dictionary column's page then holds ~500,000
  // rows), and 16 KiB pages (some 1,000-50,000 rows a page, near pyarrow's 20,000-row limit).
  for (const pageSize of [1 << 20, 1 << 14]) {
    const path = join(tmpdir(), `outbound-bench-${rows}-one-group-${pageSize}.parquet`);
    if (!existsSync(path)) execFileSync(process.execPath, ['--import', 'tsx', self, 'write', path, String(rows), String(pageSize)], { stdio: 'inherit' });
    console.log(`${path}: ${rows} rows in one row group, no page index, pages of ${pageSize} bytes, ${(statSync(path).size / 2 ** 20).toFixed(1)} MiB`);
    // Peak RSS with V8's default heap mostly shows how lazily it collects; a small old space
    // shows what the reader must hold at once (reading a group whole does not fit in 100 MiB).
    for (const heap of [[], ['--max-old-space-size=100']]) {
      const r = spawnSync(process.execPath, [...heap, '--import', 'tsx', self, 'read', path], { encoding: 'utf8' });
      console.log(`  ${heap.join(' ') || 'default heap'}: ${r.status === 0 ? r.stdout.trim() : `failed (${/heap out of memory/i.test(r.stderr) ? 'JavaScript heap out of memory' : `exit ${r.status}`})`}`);
    }
  }
}

function writeFile(path: string, rows: number, pageSize: number): void {
  const countries = ['FR', 'DE', 'US', 'GB', 'JP', 'BR', 'IN', 'ES'];
  const col = <T>(f: (i: number) => T): T[] => Array.from({ length: rows }, (_, i) => f(i));
  parquetWriteFile({
    filename: path,
    // offsetIndex: false is what pyarrow writes by default (no page index).
    columnData: [
      { name: 'id', data: col((i) => `p-${i + 1}`), type: 'STRING', offsetIndex: false },
      { name: 'email', data: col((i) => `person${i + 1}@example.com`), type: 'STRING', offsetIndex: false },
      { name: 'first_name', data: col((i) => `Name${i % 5000}`), type: 'STRING', offsetIndex: false },
      { name: 'country', data: col((i) => countries[i % countries.length]!), type: 'STRING', offsetIndex: false },
      { name: 'age', data: col((i) => 18 + (i % 60)), type: 'INT32', offsetIndex: false },
      { name: 'ltv', data: col((i) => (i % 1000) * 1.25), type: 'DOUBLE', offsetIndex: false },
      { name: 'score', data: col((i) => BigInt(i) * 7n), type: 'INT64', offsetIndex: false },
    ],
    rowGroupSize: rows,
    pageSize,
  });
}

async function readFile(path: string): Promise<void> {
  const started = performance.now();
  let rows = 0;
  let peakHeap = 0;
  let bytes = 0;
  for await (const item of readParquet(path)) {
    rows++;
    if (item.ok) bytes += (item.value as { email: string }).email.length;
    if ((rows & 4095) === 0) peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed);
  }
  const seconds = (performance.now() - started) / 1000;
  const rssMiB = process.resourceUsage().maxRSS / 1024;
  console.log(`read ${rows} rows (${bytes} email bytes) in ${seconds.toFixed(1)} s: peak RSS ${rssMiB.toFixed(0)} MiB, peak heap used ${(peakHeap / 2 ** 20).toFixed(0)} MiB`);
}
