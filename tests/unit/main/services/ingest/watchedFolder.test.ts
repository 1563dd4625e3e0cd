import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { createDecodePool } from '../../../../../app/main/services/decoding/decodePool';
import { IngestQueue, type IngestOutcome } from '../../../../../app/main/services/ingest/ingestQueue';
import { watchFolder } from '../../../../../app/main/services/ingest/watchedFolder';
import { openWorklistDb } from '../../../../../app/main/services/worklist/worklistDb';
import { WorklistStore } from '../../../../../app/main/services/worklist/worklistStore';
import { makeTempDir } from '../../../../fixtures/tools';
import { dirOf, fakeTriage, writeChestDicom } from './ingestFixtures';

const tmp = makeTempDir('cxr-watch-');
const decode = createDecodePool({ size: 1 });
afterAll(async () => {
  await decode.close();
  tmp.cleanup();
});

describe('watched folder', () => {
  it('picks up a file written slowly in chunks only once it is complete, imports and triages it once', async () => {
    const store = new WorklistStore(openWorklistDb(join(tmp.dir, 'w.sqlite')));
    const triage = fakeTriage();
    const queue = new IngestQueue({ store, files: decode, triage });
    const drop = dirOf(tmp.dir, 'drop');
    const bytes = readFileSync(writeChestDicom(join(tmp.dir, 'source70.dcm'), 7));
    const target = join(drop, 'arriving70.dcm');
    const outcomes: IngestOutcome[] = [];
    // A long interval: the test drives the polls itself.
    const watcher = watchFolder({ folder: drop, queue, store, intervalMs: 60_000, onOutcome: (_p, o) => outcomes.push(o) });
    const chunk = Math.ceil(bytes.length / 4);
    writeFileSync(target, bytes.subarray(0, chunk));
    for (let i = 1; i < 4; i++) {
      await watcher.poll();
      await queue.idle();
      expect(triage.calls).toEqual([]); // still growing between polls: never read
      appendFileSync(target, bytes.subarray(i * chunk, (i + 1) * chunk));
    }
    await watcher.poll(); // first sight of the final size
    await queue.idle();
    expect(triage.calls).toEqual([]);
    await watcher.poll(); // same size and mtime twice: complete
    await queue.idle();
    await watcher.poll(); // already taken: not again
    await queue.idle();
    await watcher.close();
    expect(outcomes).toEqual([expect.objectContaining({ status: 'triaged', covid: 0.7 })]);
    expect(triage.calls).toEqual([target]);
    expect(store.counts()).toMatchObject({ instances: 1, triaged: 1, ingestFailures: 0 });
  });

  it('skips files already in the worklist from an earlier run without reading them', async () => {
    const store = new WorklistStore(openWorklistDb(join(tmp.dir, 'w2.sqlite')));
    const drop = dirOf(tmp.dir, 'drop2');
    const file = writeChestDicom(join(drop, 'old10.dcm'), 8);
    const first = new IngestQueue({ store, files: decode, triage: fakeTriage() });
    await first.add(file, 'import');
    let reads = 0;
    const counting = { identify: (p: string) => (reads++, decode.identify(p)) };
    const queue = new IngestQueue({ store, files: counting, triage: fakeTriage() });
    const watcher = watchFolder({ folder: drop, queue, store, intervalMs: 60_000 });
    await watcher.poll();
    await watcher.poll();
    await queue.idle();
    await watcher.close();
    expect(reads).toBe(0);
  });
});
