// The checkpoint worker has its own connection to the store's file; once the store is
// closed, nothing may touch the folder any more (a caller deletes or moves it at once).
import { readdirSync, rmSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, expect, it } from 'vitest';
import { acquireCheckpointer } from '../../src/main/store/checkpointer.js';
import { openStore } from '../../src/main/store/db.js';
import { tempDir } from './store-helpers.js';

let tmp: ReturnType<typeof tempDir>;
afterEach(() => tmp.cleanup());

for (const how of ['released', 'still held when the store closes'] as const) {
  it(`leaves no file behind when the store closes with its checkpointer ${how}`, async () => {
    tmp = tempDir();
    const store = openStore(tmp.file('outbound.db'));
    const release = acquireCheckpointer(store);
    store.createRun({ destination: 'D', audience: 'A', config: {} });
    if (how === 'released') release();
    store.close();
    for (const name of readdirSync(tmp.dir)) rmSync(tmp.file(name));
    // A worker still starting or checkpointing would recreate the database file here.
    await sleep(400);
    expect(readdirSync(tmp.dir)).toEqual([]);
    release(); // a late release after close is harmless
  });
}
