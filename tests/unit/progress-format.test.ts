// The progress line groups thousands without Intl (whose first use maps ~6 MB of ICU data
// into the CLI process): the same text as toLocaleString('en-US') for every count it shows.
import { describe, expect, it } from 'vitest';
import { groupThousands } from '../../src/cli/progress.js';

describe('groupThousands', () => {
  it('writes what toLocaleString("en-US") writes for integers', () => {
    const samples = [0, 1, 12, 999, 1000, 1001, 99_999, 100_000, 123_456, 999_999, 1_000_000, 10_000_000, 1_234_567_890, Number.MAX_SAFE_INTEGER, -1, -1234, -1_000_000];
    for (let i = 0; i < 200; i++) samples.push(Math.floor(Math.random() * 10 ** (1 + (i % 15))));
    for (const n of samples) expect(groupThousands(n)).toBe(n.toLocaleString('en-US'));
  });
});
