/**
 * The harness reads `ingest-settings.json` from its user-data folder like the Electron shell,
 * with `--listen`/`--aet`/`--watch` winning over the file, and the Sources panel saves there.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startHarness } from '../../../../app/main/harness/harness';
import { silentLogger } from '../../../../app/main/ipc/log';
import { createFakeDecodeService } from '../services/studies/fakeDecodeService';

const dir = mkdtempSync(join(tmpdir(), 'cxr-harness-ingest-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function withHarness(userDataDir: string, flags: { listener?: { port: number; aeTitle: string }; watchDir?: string }, body: (h: Awaited<ReturnType<typeof startHarness>>) => Promise<void>) {
  const harness = await startHarness({ port: 0, rendererDir: join(dir, 'renderer'), decode: createFakeDecodeService(), logger: silentLogger, version: '0.0.0-test', userDataDir, ...flags });
  try {
    await harness.services.worklist.sources.ready;
    await body(harness);
  } finally {
    await harness.close();
  }
}

describe('harness ingest settings', () => {
  it('starts from the file; command-line flags win; changes are saved to the same file', async () => {
    const userData = join(dir, 'user-data');
    const fromFile = join(dir, 'from-file');
    const fromFlag = join(dir, 'from-flag');
    for (const d of [userData, fromFile, fromFlag]) mkdirSync(d, { recursive: true });
    const settingsPath = join(userData, 'ingest-settings.json');
    writeFileSync(settingsPath, JSON.stringify({ watchDir: fromFile }));

    await withHarness(userData, {}, async (h) => {
      expect(h.services.worklist.sources.status()).toMatchObject({ watchedFolder: { state: 'watching', folder: fromFile }, listener: { state: 'off' }, settingsPath });
    });
    await withHarness(userData, { watchDir: fromFlag, listener: { port: 0, aeTitle: 'FLAG_AET' } }, async (h) => {
      const status = h.services.worklist.sources.status();
      expect(status.watchedFolder.folder).toBe(fromFlag);
      expect(status.listener).toMatchObject({ state: 'listening', aeTitle: 'FLAG_AET' });
      const result = await h.services.worklist.sources.configure({ watchDir: fromFile });
      expect(result.problems).toEqual([]);
    });
    expect(JSON.parse(readFileSync(settingsPath, 'utf8'))).toEqual({ watchDir: fromFile });
  });

  it('reports a malformed settings file and starts with both sources off', async () => {
    const userData = join(dir, 'broken');
    mkdirSync(userData, { recursive: true });
    writeFileSync(join(userData, 'ingest-settings.json'), '{"listener": ');
    await withHarness(userData, {}, async (h) => {
      const status = h.services.worklist.sources.status();
      expect(status.listener.state).toBe('off');
      expect(status.settingsProblems).toHaveLength(1);
      expect(status.settingsProblems[0]).toMatch(/^ingest-settings\.json was ignored in part: not valid JSON/);
    });
  });
});
