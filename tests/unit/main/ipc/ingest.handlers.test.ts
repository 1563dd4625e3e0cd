/**
 * The `ingest:` handlers over the real sources service (real sockets, temp folders): requests
 * are validated in main, invalid settings come back as problems (data), a port in use is a
 * failed listener in the status, and every change is persisted to the settings file.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

import { IpcRouter } from '../../../../app/main/ipc/handle';
import { StorageRetention } from '../../../../app/main/services/ingest/storageRetention';
import { registerIngestHandlers } from '../../../../app/main/ipc/ingest.handlers';
import type { IngestQueue } from '../../../../app/main/services/ingest/ingestQueue';
import { startIngestSources, type IngestSources } from '../../../../app/main/services/ingest/ingestSources';
import { contract } from '../../../../app/shared/ipc/contract';
import { makeTempDir } from '../../../fixtures/tools';

const ctx = { shell: 'harness' as const };
const tmp = makeTempDir('cxr-ingest-handlers-');
let sources: IngestSources | undefined;
let held: Server | undefined;
afterEach(async () => {
  await sources?.close();
  if (held) await new Promise((r) => held!.close(r));
  held = undefined;
});
afterAll(() => tmp.cleanup());

function setUp(): { router: IpcRouter; settingsPath: string } {
  const settingsPath = join(tmp.dir, `s${Math.random().toString(16).slice(2)}`, 'ingest-settings.json');
  const queue = { add: async () => ({ status: 'failed' }) } as unknown as IngestQueue;
  sources = startIngestSources({ queue, store: { isKnownPath: () => false }, storageDir: join(tmp.dir, 'received'), settingsPath, watchIntervalMs: 50 });
  const router = new IpcRouter({ validateResponses: true });
  const storage = new StorageRetention({ store: { receivedFiles: () => [], markPurged: () => 0 }, storageDir: join(tmp.dir, 'received'), intervalMs: 0 });
  registerIngestHandlers(router, { sources, storage });
  return { router, settingsPath };
}

describe('ingest handlers', () => {
  it('ingest:sources returns the status; ingest:configure applies, persists and reports a port in use', async () => {
    const { router, settingsPath } = setUp();
    const first = await router.dispatch('ingest:sources', {}, ctx);
    expect(first).toEqual({ ok: true, value: { listener: { state: 'off', received: 0 }, watchedFolder: { state: 'off' }, settingsProblems: [], settingsPath } });

    held = createServer();
    await new Promise<void>((resolve) => held!.listen(0, resolve));
    const port = (held.address() as AddressInfo).port;
    const drop = join(tmp.dir, 'drop');
    mkdirSync(drop, { recursive: true });
    const result = await router.dispatch('ingest:configure', { listener: { port, aeTitle: ' CXR_TRIAGE ' }, watchDir: drop }, ctx);
    expect(result.ok).toBe(true);
    const value = contract['ingest:configure'].response.parse((result as { value: unknown }).value);
    expect(value.problems).toEqual([]);
    expect(value.status.listener).toMatchObject({ state: 'failed', port, aeTitle: 'CXR_TRIAGE' });
    expect(value.status.listener.message).toMatch(/already in use by another program/);
    expect(value.status.watchedFolder).toEqual({ state: 'watching', folder: drop });
    expect(JSON.parse(readFileSync(settingsPath, 'utf8'))).toEqual({ listener: { port, aeTitle: 'CXR_TRIAGE' }, watchDir: drop });

    const off = await router.dispatch('ingest:configure', { listener: null, watchDir: null }, ctx);
    expect(off).toMatchObject({ ok: true, value: { problems: [], status: { listener: { state: 'off' }, watchedFolder: { state: 'off' } } } });
    expect(JSON.parse(readFileSync(settingsPath, 'utf8'))).toEqual({});
  });

  it('invalid settings are problems as data and change nothing', async () => {
    const { router } = setUp();
    const result = await router.dispatch('ingest:configure', { listener: { port: 0, aeTitle: '' }, watchDir: '' }, ctx);
    expect(result).toEqual({
      ok: true,
      value: {
        problems: ['Port must be a whole number from 1 to 65535.', 'Watched folder must be a folder path.'],
        status: expect.objectContaining({ listener: { state: 'off', received: 0 }, watchedFolder: { state: 'off' } }),
      },
    });
  });

  it('a malformed request is INVALID_REQUEST', async () => {
    const { router } = setUp();
    const result = await router.dispatch('ingest:configure', { listener: { port: 'x' } }, ctx);
    expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_REQUEST' } });
  });
});
