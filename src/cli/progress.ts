// The progress line on stderr: records done, rate, errors. Redrawn in place on a terminal,
// a line every few seconds otherwise (CI logs stay readable).
import type { RunEvent } from '../main/app/types.js';
import type { CliIo } from './io.js';

export function createProgressReporter(io: CliIo, label: string): { onEvent(e: RunEvent): void; done(): void } {
  const started = performance.now();
  let lastDraw = 0;
  let drawn = false;
  let lastLine = '';
  let retries = 0;
  let sent = 0;
  let settled = 0;
  let failed = 0;
  const every = io.isTTY ? 200 : 5000;

  const draw = (force: boolean) => {
    const now = performance.now();
    if (!force && now - lastDraw < every) return;
    lastDraw = now;
    const secs = (now - started) / 1000;
    const rate = secs > 0 ? Math.round(settled / secs) : 0;
    const line = `${label}: ${settled.toLocaleString('en-US')} records · ${rate.toLocaleString('en-US')}/s · ${failed} failed · ${sent} requests · ${retries} retries`;
    if (!io.isTTY && line === lastLine) return; // a log gets each state once
    lastLine = line;
    if (io.isTTY) io.stderr(`\r\x1b[2K${line}`);
    else io.stderr(`${line}\n`);
    drawn = true;
  };

  return {
    onEvent(e) {
      if (e.type === 'progress' || e.type === 'run-finished') {
        settled = e.records.succeeded + e.records.failed;
        failed = e.records.failed;
        sent = e.requests.sent;
        retries = e.requests.retried;
        draw(e.type === 'run-finished');
      }
    },
    done() {
      if (drawn && io.isTTY) io.stderr('\n');
    },
  };
}
