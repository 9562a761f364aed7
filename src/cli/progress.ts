// The progress line on stderr: records done, rate, errors, and what the run waits for when
// it waits (a server's Retry-After, retry backoff, pacing). Redrawn in place on a terminal
// (a wait counts down each second), a line every few seconds otherwise (CI logs stay
// readable); a retry wait is always written at once, so a long one is never silent.
import { describeWait, type RunEvent, type WaitingEvent } from '../main/app/types.js';
import type { CliIo } from './io.js';

export function createProgressReporter(io: CliIo, label: string, now: () => number = Date.now): { onEvent(e: RunEvent): void; done(): void } {
  const started = performance.now();
  let lastDraw = 0;
  let drawn = false;
  let lastLine = '';
  let retries = 0;
  let sent = 0;
  let settled = 0;
  let failed = 0;
  let waiting: WaitingEvent | null = null;
  let ticker: ReturnType<typeof setInterval> | undefined;
  const every = io.isTTY ? 200 : 5000;

  const stopTicker = () => {
    clearInterval(ticker);
    ticker = undefined;
  };

  const draw = (force: boolean) => {
    const t = performance.now();
    if (!force && t - lastDraw < every) return;
    lastDraw = t;
    const secs = (t - started) / 1000;
    const rate = secs > 0 ? Math.round(settled / secs) : 0;
    let line = `${label}: ${groupThousands(settled)} records · ${groupThousands(rate)}/s · ${failed} failed · ${sent} requests · ${retries} retries`;
    const wait = waiting ? describeWait(waiting, now()) : undefined;
    if (wait) line += ` · ${wait}`;
    else {
      waiting = null;
      stopTicker();
    }
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
        if (e.type === 'run-finished') waiting = null;
        draw(e.type === 'run-finished');
      } else if (e.type === 'waiting') {
        // The longest wait under way is the one worth telling.
        if (!waiting || e.until >= waiting.until || waiting.until <= now()) waiting = e;
        // A short pacing wait in a log waits for the next regular line.
        draw(e.reason !== 'pacing' || io.isTTY || e.delayMs >= every);
        if (io.isTTY && !ticker) {
          ticker = setInterval(() => draw(true), 1000);
          ticker.unref?.();
        }
      }
    },
    done() {
      stopTicker();
      if (drawn && io.isTTY) io.stderr('\n');
    },
  };
}

/**
 * 1234567 → "1,234,567" (what toLocaleString('en-US') writes) without Intl: the first
 * toLocaleString of a run maps ~6 MB of ICU data into the process for the progress line.
 */
export function groupThousands(n: number): string {
  const s = String(Math.trunc(Math.abs(n)));
  let out = '';
  for (let end = s.length; end > 0; end -= 3) out = (end > 3 ? ',' : '') + s.slice(Math.max(0, end - 3), end) + out;
  return n < 0 ? `-${out}` : out;
}
