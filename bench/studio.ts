// Keystroke to preview in the studio: the shipped renderer in Debian's Chromium with the
// real studio service bridged in (the tests/e2e harness, same flags), typing 50 keystrokes
// one at a time into the body template of the first-launch destination. Each is timed in
// the page, from its keydown (captured before Monaco sees it) to the DOM mutation after
// which the preview pane's request body shows the text typed so far.
import { join } from 'node:path';
import { buildRenderer, CHROMIUM_PATH, openStudio } from '../tests/e2e/harness.js';
import { atMost, fmt, type Row } from './table.js';

const TARGET_MS = 50;
const FIELD = '{"bench": "';
const TEMPLATE = `${FIELD}", "users": [{{#each users}}{"id": "{{id}}"}{{#unless @last}},{{/unless}}{{/each}}]}`;
const PER_KEY_TIMEOUT_MS = 10_000;

/** Whether a Chromium to run in was found (Debian's, or OUTBOUND_CHROMIUM). */
export const chromiumFound = () => CHROMIUM_PATH !== undefined;

/**
 * Installed in the page as source text: a function passed to page.evaluate would carry
 * tsx's `__name` helper, which the page does not have. `arm(expected)` starts watching the
 * DOM before a keystroke; `seen` resolves at the mutation after which the request body in
 * the preview pane contains `expected`.
 */
const IN_PAGE = `(() => {
  const bodyText = () => document.querySelector('aside[aria-label="Preview"] [aria-label="Request body"]')?.textContent ?? '';
  const b = { keydownAt: 0, seen: Promise.resolve(0) };
  b.arm = (expected) => {
    b.seen = new Promise((resolve) => {
      const observer = new MutationObserver(() => {
        if (!bodyText().includes(expected)) return;
        observer.disconnect();
        resolve(performance.now());
      });
      observer.observe(document.body, { subtree: true, childList: true, characterData: true });
    });
  };
  document.addEventListener('keydown', () => { b.keydownAt = performance.now(); }, true);
  window.__bench = b;
})()`;

export async function studioRow(dir: string, keystrokes: number, log: (s: string) => void): Promise<Row> {
  // This run's own renderer, built from the current sources (a stale one would measure old code).
  const rendererDir = join(dir, 'renderer');
  log('studio: building the renderer');
  await buildRenderer(rendererDir);
  process.env['OUTBOUND_E2E_RENDERER_DIR'] = rendererDir;
  const studio = await openStudio({ mode: 'chromium' });
  try {
    const { page } = studio;
    log(`studio: typing ${keystrokes} keystrokes`);
    await page.getByRole('button', { name: 'Destinations', exact: true }).click();
    await page.getByRole('tab', { name: /^Add/ }).click();
    const preview = page.getByRole('complementary', { name: 'Preview' });
    const body = preview.getByLabel('Request body', { exact: true });
    await body.waitFor();
    const box = page.getByRole('textbox', { name: 'Body template', exact: true });
    await box.focus();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(TEMPLATE);
    await body.filter({ hasText: '"bench": ""' }).waitFor();
    // The caret inside the empty string: typed letters keep the body valid JSON.
    await page.keyboard.press('ControlOrMeta+Home');
    for (let i = 0; i < FIELD.length; i++) await page.keyboard.press('ArrowRight');

    await page.evaluate(IN_PAGE);

    const letters = 'abcdefghijklmnopqrstuvwxyz';
    let typed = '';
    const times: number[] = [];
    for (let i = 0; i < keystrokes; i++) {
      const ch = letters[i % letters.length]!;
      typed += ch;
      await page.evaluate(`window.__bench.arm(${JSON.stringify(`"bench": "${typed}"`)})`);
      await page.keyboard.press(ch);
      const ms = await page.evaluate<number>(
        `(async () => { const b = window.__bench; const seen = await Promise.race([b.seen, new Promise((r) => setTimeout(() => r(-1), ${PER_KEY_TIMEOUT_MS}))]); return seen < 0 ? -1 : seen - b.keydownAt; })()`,
      );
      if (ms < 0) throw new Error(`keystroke ${i + 1} ("${ch}") never reached the preview within ${PER_KEY_TIMEOUT_MS} ms`);
      times.push(ms);
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)]!;
    return {
      measure: `studio: keystroke to preview, ${keystrokes} keystrokes in the body template`,
      value: median,
      unit: 'ms',
      target: `≤ ${TARGET_MS} ms median`,
      pass: atMost(median, TARGET_MS),
      notes: `p90 ${fmt(times[Math.floor(times.length * 0.9)]!, 1)} ms, max ${fmt(times[times.length - 1]!, 1)} ms; Chromium + bridged service`,
    };
  } finally {
    await studio.close();
  }
}
