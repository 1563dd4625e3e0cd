/**
 * The received-files retention rule (issue #10): it deletes only what the listener received into
 * the app's storage folder, oldest first, and never a row or the audit trail.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { StorageRetention, folderUsage } from '../../../../../app/main/services/ingest/storageRetention';
import { openWorklistDb } from '../../../../../app/main/services/worklist/worklistDb';
import { WorklistStore } from '../../../../../app/main/services/worklist/worklistStore';
import { makeTempDir } from '../../../../fixtures/tools';
import { sampleInstance } from '../worklist/storeFixtures';

const tmp = makeTempDir('cxr-retention-');
afterAll(() => tmp.cleanup());
const DAY = 24 * 60 * 60 * 1000;
const NOW = 1_800_000_000_000;

/** A store with received files (arrived `ageDays` ago, `bytes` each) plus a user's imported file and a watched-folder file. */
function setUp(name: string, received: { ageDays: number; bytes: number }[]) {
  const root = join(tmp.dir, name);
  const storageDir = join(root, 'received');
  mkdirSync(storageDir, { recursive: true });
  let clock = 0;
  const store = new WorklistStore(openWorklistDb(':memory:'), () => clock);
  const files: string[] = [];
  received.forEach((r, i) => {
    const path = join(storageDir, `r${i}.dcm`);
    writeFileSync(path, Buffer.alloc(r.bytes, 1));
    clock = NOW - r.ageDays * DAY;
    store.addInstance(sampleInstance(i, { filePath: path, source: 'listener' }));
    files.push(path);
  });
  // Old files that are not the app's to delete: imported by the user, and from the watched folder.
  clock = NOW - 1000 * DAY;
  const userFile = join(root, 'mine.dcm');
  writeFileSync(userFile, 'x');
  store.addInstance(sampleInstance(100, { filePath: userFile, source: 'import' }));
  const watched = join(storageDir, 'watched-copy.dcm');
  writeFileSync(watched, 'x');
  store.addInstance(sampleInstance(101, { filePath: watched, source: 'watch' }));
  store.recordReview('1.2.3.0', { action: 'note', actor: 'nurse', note: 'seen' });
  const retention = new StorageRetention({ store, storageDir, settingsPath: join(root, 'storage-settings.json'), intervalMs: 0, now: () => NOW });
  return { store, storageDir, files, userFile, watched, retention, root };
}

describe('storage retention', () => {
  it('keeps everything until a rule is set, and reports the folder size', async () => {
    const { retention, files, storageDir } = setUp('keep', [{ ageDays: 400, bytes: 100 }]);
    await retention.start();
    const status = await retention.status();
    expect(status).toMatchObject({ folder: storageDir, files: 2, bytes: 101, rule: { maxAgeDays: null, maxBytes: null } });
    expect(existsSync(files[0])).toBe(true);
  });

  it('deletes received files older than N days, only those, and keeps every row and the audit trail', async () => {
    const { retention, files, userFile, watched, store, root } = setUp('age', [
      { ageDays: 40, bytes: 10 },
      { ageDays: 20, bytes: 10 },
      { ageDays: 1, bytes: 10 },
    ]);
    const { status, problems } = await retention.configure({ maxAgeDays: 30, maxBytes: null });
    expect(problems).toEqual([]);
    expect(files.map(existsSync)).toEqual([false, true, true]);
    expect(existsSync(userFile) && existsSync(watched)).toBe(true);
    expect(status.lastRun).toMatchObject({ deletedFiles: 1, freedBytes: 10, failed: 0 });
    expect(store.counts().instances).toBe(5);
    expect(store.auditTrail('1.2.3.0')).toHaveLength(1);
    // The study says why its file is gone.
    const instance = store.archiveStudy(store.studyKeyOfUid('1.2.3.0')!)!.patient.studies[0].series[0].instances[0];
    expect(instance.error).toMatchObject({ code: 'FILE_REMOVED', message: expect.stringContaining('deleted by the storage retention rule') });
    // Saved whole, read back at the next start.
    expect(JSON.parse(readFileSync(join(root, 'storage-settings.json'), 'utf8'))).toEqual({ maxAgeDays: 30, maxBytes: null });
  });

  it('keeps the folder under a size cap by deleting the oldest received files first', async () => {
    const { retention, files } = setUp('cap', [
      { ageDays: 5, bytes: 400 },
      { ageDays: 3, bytes: 400 },
      { ageDays: 1, bytes: 400 },
    ]);
    await retention.configure({ maxAgeDays: null, maxBytes: 900 });
    expect(files.map(existsSync)).toEqual([false, true, true]);
    expect((await folderUsage(join(tmp.dir, 'cap', 'received'))).bytes).toBeLessThanOrEqual(900);
  });

  it('refuses an invalid rule and changes nothing', async () => {
    const { retention, files } = setUp('invalid', [{ ageDays: 400, bytes: 10 }]);
    const { problems, status } = await retention.configure({ maxAgeDays: -3, maxBytes: null });
    expect(problems[0]).toMatch(/maxAgeDays/);
    expect(status.rule).toEqual({ maxAgeDays: null, maxBytes: null });
    expect(existsSync(files[0])).toBe(true);
  });

  it('reads a malformed settings file as "keep everything" and says why', async () => {
    const { retention, root, files } = setUp('malformed', [{ ageDays: 400, bytes: 10 }]);
    writeFileSync(join(root, 'storage-settings.json'), '{ not json');
    await retention.start();
    expect((await retention.status()).problems[0]).toMatch(/not valid JSON; keeping every file/);
    expect(existsSync(files[0])).toBe(true);
  });
});
