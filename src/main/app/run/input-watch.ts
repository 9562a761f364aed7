// A run reads one version of its input: the records of a file input pass through here,
// which checks the file against the identity the run recorded every CHECK_EVERY records or
// once a second (whichever comes first: two stat calls, a few microseconds) and once more,
// prefix hash included, when the file has been read to its end. On a change the run stops
// (resumable) with a message saying what changed, before any record read after the check
// that saw it is handed on.
import type { SourceItem } from '../../engine/types.js';
import { watchFile } from '../../sources/index.js';
import type { InputIdentity } from '../../store/rows.js';
import type { RunInput } from './input.js';

const CHECK_EVERY = 1000;
const CHECK_EVERY_MS = 1000;

/** `source` as read, stopping the run through `stop` once the input file is not the version recorded. */
export function readOneVersion(
  input: RunInput,
  identity: InputIdentity | null,
  source: AsyncIterable<SourceItem>,
  stop: (reason: string) => void,
): AsyncIterable<SourceItem> {
  if (input.kind !== 'file' || !identity) return source; // sample sets never change once saved
  const path = input.path;
  const changed = (what: string): string =>
    `input ${path} changed during the run (${what}); the run stopped so that it does not mix two versions of the file. ` +
    'Resume refuses a changed input: restore the file to resume, or start a new run with the new one';
  return (async function* () {
    const watch = watchFile(path, identity);
    let due = false;
    const timer = setInterval(() => (due = true), CHECK_EVERY_MS);
    timer.unref();
    let n = 0;
    try {
      const first = watch.check(false);
      if (first) return stop(changed(first));
      for await (const item of source) {
        if (++n >= CHECK_EVERY || due) {
          n = 0;
          due = false;
          const what = watch.check(false);
          if (what) return stop(changed(what));
        }
        yield item;
      }
      const what = watch.check(true);
      if (what) stop(changed(what));
    } finally {
      clearInterval(timer);
      watch.close();
    }
  })();
}
