import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { openWorklistDb } from '../../../../app/main/services/worklist/worklistDb';
import { WorklistStore } from '../../../../app/main/services/worklist/worklistStore';
import { makeTempDir } from '../../../fixtures/tools';
import { createTestMainServices } from './testMainServices';

const tmp = makeTempDir('cxr-external-');
afterAll(() => tmp.cleanup());

describe('worklist rows written by another process', () => {
  it('reach an open app as worklist:changed (same database as cxr listen)', async () => {
    const databasePath = join(tmp.dir, 'worklist.sqlite');
    const services = createTestMainServices(tmp.dir, { databasePath, externalChangePollMs: 50 });
    try {
      let changes = 0;
      services.events.subscribe((event) => {
        if (event === 'worklist:changed') changes++;
      });
      await new Promise((r) => setTimeout(r, 300));
      const before = changes;
      // A second connection, as `cxr listen` in another process would have.
      const other = new WorklistStore(openWorklistDb(databasePath));
      other.addInstance({
        kind: 'dicom',
        filePath: join(tmp.dir, 'received.dcm'),
        contentSha256: 'a'.repeat(64),
        source: 'listener',
        studyInstanceUid: '2.25.1',
        seriesInstanceUid: '2.25.2',
        sopInstanceUid: '2.25.3',
        patientName: 'Doe^Jane',
      });
      other.db.close();
      await expect.poll(() => changes, { timeout: 3000 }).toBeGreaterThan(before);
      expect((await services.worklist.store.worklist()).map((e) => e.studyInstanceUid)).toEqual(['2.25.1']);
    } finally {
      await services.close();
    }
  });
});
