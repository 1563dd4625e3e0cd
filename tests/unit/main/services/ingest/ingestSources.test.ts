/**
 * The ingest sources service (issue #5) on real parts: the DICOM listener on real sockets, the
 * watched folder on a temp folder, a real SQLite worklist and ingest queue (fake triage). A port
 * held by a second server must give a failed listener with a clear message while the watched
 * folder and the list keep working.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

import { createDecodePool } from '../../../../../app/main/services/decoding/decodePool';
import { IngestQueue } from '../../../../../app/main/services/ingest/ingestQueue';
import { startIngestSources, writeFileAtomic, type IngestSources, type IngestSourcesStatus } from '../../../../../app/main/services/ingest/ingestSources';
import { readIngestSettings } from '../../../../../app/main/services/worklist/ingestSettings';
import { openWorklistDb } from '../../../../../app/main/services/worklist/worklistDb';
import { WorklistStore } from '../../../../../app/main/services/worklist/worklistStore';
import { makeTempDir, requireTools, toolPath } from '../../../../fixtures/tools';
import { fakeTriage, writeChestDicom } from './ingestFixtures';

const run = promisify(execFile);
const tmp = makeTempDir('cxr-sources-');
const decode = createDecodePool({ size: 1 });
const open: { sources?: IngestSources; servers: Server[] } = { servers: [] };
let n = 0;

afterEach(async () => {
  await open.sources?.close();
  open.sources = undefined;
  for (const s of open.servers.splice(0)) await new Promise((r) => s.close(r));
});
afterAll(async () => {
  await decode.close();
  tmp.cleanup();
});

/** A TCP server holding a port, as another program would. */
async function holdPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, resolve));
  open.servers.push(server);
  return (server.address() as AddressInfo).port;
}

/** A port that was free a moment ago (bound on 0, read, released). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((r) => server.close(r));
  return port;
}

function setUp(options: Partial<Parameters<typeof startIngestSources>[0]> = {}) {
  const dir = join(tmp.dir, `case${++n}`);
  mkdirSync(dir, { recursive: true });
  const store = new WorklistStore(openWorklistDb(join(dir, 'worklist.sqlite')));
  const queue = new IngestQueue({ store, files: decode, triage: fakeTriage() });
  const seen: IngestSourcesStatus[] = [];
  const sources = startIngestSources({ queue, store, storageDir: join(dir, 'received'), watchIntervalMs: 50, onStatus: (s) => seen.push(s), ...options });
  open.sources = sources;
  return { dir, store, queue, sources, seen };
}

describe('ingest sources', () => {
  it('is off without settings', async () => {
    const { sources } = setUp();
    await sources.ready;
    expect(sources.status()).toEqual({ listener: { state: 'off', received: 0 }, watchedFolder: { state: 'off' }, settingsProblems: [] });
  });

  it('a port held by another program fails the listener with a clear message; the watched folder and the list keep working', async () => {
    const port = await holdPort();
    const drop = join(tmp.dir, 'drop-busy');
    mkdirSync(drop, { recursive: true });
    const { sources, store, queue, seen } = setUp({ initial: { listener: { port, aeTitle: 'CXR_TRIAGE' }, watchDir: drop } });
    await sources.ready;
    const status = sources.status();
    expect(status.listener).toMatchObject({ state: 'failed', port, aeTitle: 'CXR_TRIAGE' });
    expect(status.listener.message).toBe(`Port ${port} is already in use by another program: the DICOM listener is not receiving. Choose another port in Sources.`);
    expect(seen.map((s) => s.listener.state)).toContain('starting');
    expect(seen.at(-1)?.listener.state).toBe('failed');
    // The list keeps running: a file dropped in the watched folder still arrives.
    const file = writeChestDicom(join(drop, 'arrives40.dcm'), 40, { patientName: 'DROP^A' });
    await expect.poll(() => store.isKnownPath(file), { timeout: 5000 }).toBe(true);
    await queue.idle();
    expect(store.worklist()).toHaveLength(1);
    expect(sources.status().watchedFolder).toEqual({ state: 'watching', folder: drop });
  });

  it('reconfigured to a free port, it listens there (port 0 at start reports the bound port)', async () => {
    const busy = await holdPort();
    const { sources } = setUp({ initial: { listener: { port: busy, aeTitle: 'CXR_TRIAGE' } } });
    await sources.ready;
    expect(sources.status().listener.state).toBe('failed');
    const port = await freePort();
    const result = await sources.configure({ listener: { port, aeTitle: 'TRIAGE2' } });
    expect(result.problems).toEqual([]);
    expect(result.status.listener).toEqual({ state: 'listening', port, aeTitle: 'TRIAGE2', received: 0 });
    await sources.close();

    const any = setUp({ initial: { listener: { port: 0, aeTitle: 'CXR_TRIAGE' } } });
    await any.sources.ready;
    const bound = any.sources.status().listener;
    expect(bound.state).toBe('listening');
    expect(bound.port).toBeGreaterThan(0);
  });

  it.skipIf(!requireTools('storescu'))('counts received instances and hands them to the worklist', async () => {
    const { sources, store, queue, dir } = setUp({ initial: { listener: { port: 0, aeTitle: 'CXR_TRIAGE' } } });
    await sources.ready;
    const port = sources.status().listener.port!;
    const file = writeChestDicom(join(dir, 'src', 'sent41.dcm'), 41);
    await run(toolPath('storescu'), ['-aec', 'CXR_TRIAGE', '127.0.0.1', String(port), file], { timeout: 30_000 });
    await expect.poll(() => sources.status().listener.received, { timeout: 5000 }).toBe(1);
    await queue.idle();
    expect(store.worklist()).toHaveLength(1);
  });

  it('invalid settings come back as problems and change nothing', async () => {
    const settingsPath = join(tmp.dir, 'invalid', 'ingest-settings.json');
    const { sources } = setUp({ initial: { listener: { port: 0, aeTitle: 'CXR_TRIAGE' } }, settingsPath });
    await sources.ready;
    const before = sources.status();
    const result = await sources.configure({ listener: { port: 70_000, aeTitle: 'BAD\\AET' }, watchDir: 'relative/folder' });
    expect(result.problems).toEqual(['Port must be a whole number from 1 to 65535.', 'Watched folder must be a full path (for example D:\\incoming or /srv/incoming).']);
    const bad = await sources.configure({ listener: { port: 11112, aeTitle: 'BAD\\AET' } });
    expect(bad.problems).toEqual(['AE title must be 1 to 16 printable characters without a backslash.']);
    expect(sources.status()).toEqual(before);
    expect(existsSync(settingsPath)).toBe(false);
  });

  it('writes the settings file atomically and reads it back; a malformed file at start is reported', async () => {
    const settingsPath = join(tmp.dir, 'persist', 'ingest-settings.json');
    const drop = join(tmp.dir, 'drop-persist');
    mkdirSync(drop, { recursive: true });
    const { sources } = setUp({ settingsPath, settingsProblems: ['not valid JSON (Unexpected end of JSON input)'] });
    await sources.ready;
    expect(sources.status().settingsPath).toBe(settingsPath);
    expect(sources.status().settingsProblems).toEqual([
      'ingest-settings.json was ignored in part: not valid JSON (Unexpected end of JSON input). Fix it or save new settings in Sources.',
    ]);
    const port = await freePort();
    const result = await sources.configure({ listener: { port, aeTitle: 'CXR_TRIAGE' }, watchDir: drop });
    expect(result.problems).toEqual([]);
    expect(result.status.settingsProblems).toEqual([]);
    expect(readIngestSettings(settingsPath)).toEqual({ settings: { listener: { port, aeTitle: 'CXR_TRIAGE' }, watchDir: drop }, problems: [] });
    // No temp file left beside it.
    expect(readdirSync(join(tmp.dir, 'persist'))).toEqual(['ingest-settings.json']);
    // Turning both off is saved too.
    await sources.configure({});
    expect(JSON.parse(readFileSync(settingsPath, 'utf8'))).toEqual({});
    expect(sources.status()).toMatchObject({ listener: { state: 'off' }, watchedFolder: { state: 'off' } });
  });

  it('writeFileAtomic replaces an existing file whole', async () => {
    const path = join(tmp.dir, 'atomic', 'file.json');
    await writeFileAtomic(path, '{"a":1}\n');
    await writeFileAtomic(path, '{"b":2}\n');
    expect(readFileSync(path, 'utf8')).toBe('{"b":2}\n');
    expect(readdirSync(join(tmp.dir, 'atomic'))).toEqual(['file.json']);
  });

  it('a missing watched folder is failed with a message, and watching again once it is created', async () => {
    const drop = join(tmp.dir, 'not-yet');
    const { sources, seen } = setUp({ initial: { watchDir: drop } });
    await expect.poll(() => sources.status().watchedFolder.state, { timeout: 5000 }).toBe('failed');
    expect(sources.status().watchedFolder.message).toBe(
      'Watched folder "not-yet" does not exist: new files there are not imported. Create it, reconnect the drive, or choose another folder in Sources.',
    );
    expect(seen.at(-1)?.watchedFolder.state).toBe('failed');
    mkdirSync(drop);
    await expect.poll(() => sources.status().watchedFolder, { timeout: 5000 }).toEqual({ state: 'watching', folder: drop });
    expect(seen.at(-1)?.watchedFolder.state).toBe('watching');
  });
});
