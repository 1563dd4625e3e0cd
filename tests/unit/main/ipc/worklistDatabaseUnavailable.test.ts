/** A worklist database that cannot be opened: the app keeps running and says why, and recovers once it can. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

import { makeTempDir } from '../../../fixtures/tools';
import { createTestMainServices } from './testMainServices';

const tmp = makeTempDir('cxr-db-unavailable-');
afterAll(() => tmp.cleanup());

describe('worklist database that cannot be opened', () => {
  it('answers worklist calls with the reason, keeps the other channels working, and opens the file once it is usable', async () => {
    const databasePath = join(tmp.dir, 'worklist.sqlite');
    writeFileSync(databasePath, Buffer.alloc(8192, 0x5a)); // not SQLite
    const services = createTestMainServices(tmp.dir, { databasePath });
    try {
      const call = (channel: string, request: object) => services.router.dispatch(channel, request, { shell: 'harness' });
      const list = await call('worklist:list', {});
      expect(list).toMatchObject({ ok: false, error: { code: 'DB_OPEN_FAILED' } });
      expect(!list.ok && list.error.message).toContain('worklist.sqlite');
      expect(await call('app:info', {})).toMatchObject({ ok: true });
      writeFileSync(databasePath, '');
      expect(await call('worklist:list', {})).toMatchObject({ ok: true, value: { entries: [] } });
    } finally {
      await services.close();
    }
  });
});
