/** The worklist store on its worker thread: same results as in-process, errors as data, restart after a crash. */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { createWorklistClient } from '../../../../../app/main/services/worklist/worklistClient';
import { openWorklistDb } from '../../../../../app/main/services/worklist/worklistDb';
import { WorklistStore } from '../../../../../app/main/services/worklist/worklistStore';
import { makeTempDir } from '../../../../fixtures/tools';
import { aiResult, sampleInstance } from './storeFixtures';

const tmp = makeTempDir('cxr-worklist-client-');
afterAll(() => tmp.cleanup());

describe('worklist client (database on a worker thread)', () => {
  it('writes and reads through the worker, and another connection sees the committed rows', async () => {
    const path = join(tmp.dir, 'a.sqlite');
    const client = createWorklistClient({ path });
    try {
      const added = await client.addInstance(sampleInstance(1, { patientName: 'Doe^Jane' }));
      expect(added.added).toBe(true);
      if (!added.added) return;
      await client.recordAiResult(added.instanceId, aiResult(0.8, { priority: 'high' }));
      expect(await client.worklistEntry(sampleInstance(1).studyInstanceUid)).toMatchObject({ patientName: 'Doe^Jane', covid: 0.8, priority: 'high', status: 'triaged' });
      expect(await client.studyFilePaths(sampleInstance(1).studyInstanceUid)).toEqual([sampleInstance(1).filePath]);
      const other = new WorklistStore(openWorklistDb(path));
      expect(other.worklist().map((e) => e.studyInstanceUid)).toEqual([sampleInstance(1).studyInstanceUid]);
      other.db.close();
    } finally {
      await client.close();
    }
  });

  it('stores and reads a thumbnail through the worker (its pixels cross as a typed array both ways)', async () => {
    const client = createWorklistClient({ path: ':memory:' });
    try {
      const { instanceId } = await client.addInstance(sampleInstance(3));
      const rgba = Uint8Array.from({ length: 3 * 2 * 4 }, (_, i) => (i % 4 === 3 ? 255 : i * 9));
      expect(await client.putThumbnail(`i${instanceId}`, 64, { width: 3, height: 2, rgba, fileSize: 10, fileMtimeMs: 1.5 })).toBe(true);
      const back = await client.thumbnail(`i${instanceId}`, 64);
      expect(back).toMatchObject({ width: 3, height: 2, fileSize: 10, fileMtimeMs: 1.5 });
      expect(back!.rgba).toBeInstanceOf(Uint8Array);
      expect(Array.from(back!.rgba)).toEqual(Array.from(rgba));
    } finally {
      await client.close();
    }
  });

  it('returns the store errors as coded errors and keeps answering', async () => {
    const client = createWorklistClient({ path: ':memory:' });
    try {
      await expect(client.recordReview('1.2.3.unknown', { action: 'reviewed', actor: 'nurse' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      await client.addInstance(sampleInstance(2));
      await expect(client.recordReview(sampleInstance(2).studyInstanceUid, { action: 'escalated', actor: 'nurse' })).rejects.toMatchObject({ code: 'INVALID_REVIEW' });
      expect((await client.counts()).studies).toBe(1);
    } finally {
      await client.close();
    }
  });

  it('reports a database that cannot be opened on each call, and opens it once it can', async () => {
    const path = join(tmp.dir, 'blocked', 'w.sqlite');
    mkdirSync(join(tmp.dir, 'blocked'), { recursive: true });
    writeFileSync(path, 'this is not a SQLite database, it is some other file '.repeat(100));
    const client = createWorklistClient({ path });
    try {
      await expect(client.worklist()).rejects.toMatchObject({ code: expect.any(String) });
      await expect(client.counts()).rejects.toBeTruthy();
      writeFileSync(path, '');
      expect(await client.worklist()).toEqual([]);
    } finally {
      await client.close();
    }
  });

  it('fails the calls in flight when the worker dies, and starts a new one on the next call without losing committed rows', async () => {
    const path = join(tmp.dir, 'crash.sqlite');
    const logs: string[] = [];
    const client = createWorklistClient({ path, testHooks: true, log: (_level, message) => logs.push(message) });
    try {
      await client.addInstance(sampleInstance(3));
      await expect(client.request({ method: 'debug:crash' })).rejects.toMatchObject({ code: 'DB_WORKER_CRASHED' });
      expect((await client.counts()).instances).toBe(1);
      expect(client.workersStarted).toBe(2);
      expect(logs.join('\n')).toContain('worklist database worker stopped');
    } finally {
      await client.close();
    }
    await expect(client.counts()).rejects.toMatchObject({ code: 'DB_CLOSED' });
  });
});
