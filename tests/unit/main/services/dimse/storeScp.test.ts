/**
 * The DICOM listener against dcmtk's echoscu/storescu as real peers (Debian package dcmtk).
 * Peers run as child processes asynchronously: the SCP lives on this test's event loop.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';

import { startStoreScp, type StoredInstance } from '../../../../../app/main/services/dimse/storeScp';
import { makeTempDir, requireTools, toolPath } from '../../../../fixtures/tools';
import { writeChestDicom } from '../ingest/ingestFixtures';

const run = promisify(execFile);
const tmp = makeTempDir('cxr-scp-');
afterAll(() => tmp.cleanup());
const haveDcmtk = requireTools('echoscu', 'storescu');

function files(n: number, prefix: string): string[] {
  return Array.from({ length: n }, (_, i) => writeChestDicom(join(tmp.dir, 'src', `${prefix}${i}.dcm`), 400 + i + prefix.length * 50));
}

async function storescu(port: number, paths: string[], aet = 'CXR_TRIAGE'): Promise<{ code: number; stderr: string }> {
  try {
    const r = await run(toolPath('storescu'), ['-v', '-aec', aet, '-xs', '127.0.0.1', String(port), ...paths], { timeout: 30_000 });
    return { code: 0, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stderr: string };
    return { code: e.code, stderr: e.stderr };
  }
}

describe.skipIf(!haveDcmtk)('DICOM listener (dcmtk peers)', () => {
  it('answers C-ECHO from echoscu', async () => {
    const scp = await startStoreScp({ port: 0, aeTitle: 'CXR_TRIAGE', storageDir: join(tmp.dir, 'echo'), onStored: () => {} });
    try {
      const r = await run(toolPath('echoscu'), ['-v', '-aec', 'CXR_TRIAGE', '127.0.0.1', String(scp.port)], { timeout: 15_000 });
      expect(r.stderr).toMatch(/Received Echo Response \(Success\)/);
    } finally {
      await scp.close();
    }
  });

  it('stores several instances from storescu as PS3.10 files with the received dataset byte for byte', async () => {
    const stored: StoredInstance[] = [];
    const storage = join(tmp.dir, 'store');
    const scp = await startStoreScp({ port: 0, aeTitle: 'CXR_TRIAGE', storageDir: storage, onStored: (i) => stored.push(i) });
    try {
      const sources = files(3, 's');
      const r = await storescu(scp.port, sources);
      expect(r.code).toBe(0);
      expect(stored).toHaveLength(3);
      for (const [i, instance] of stored.entries()) {
        expect(instance.path).toBe(join(storage, `${instance.sopInstanceUid}.dcm`));
        const original = readFileSync(sources[i]);
        const received = readFileSync(instance.path);
        // Same dataset after the meta group (Explicit VR LE both sides, no transcoding).
        const datasetStart = (b: Buffer): number => 132 + 12 + b.readUInt32LE(140);
        expect(received.subarray(datasetStart(received)).equals(original.subarray(datasetStart(original)))).toBe(true);
      }
      expect(readdirSync(storage).filter((f) => f.startsWith('.'))).toEqual([]); // no temp files left
    } finally {
      await scp.close();
    }
  });

  it('rejects an association addressed to another AE title', async () => {
    const scp = await startStoreScp({ port: 0, aeTitle: 'CXR_TRIAGE', storageDir: join(tmp.dir, 'aet'), onStored: () => {} });
    try {
      const r = await storescu(scp.port, files(1, 'aet'), 'SOMEONE_ELSE');
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/Rejected|Association/i);
    } finally {
      await scp.close();
    }
  });

  it('refuses with a clear error when the port is already in use', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      await expect(startStoreScp({ port, aeTitle: 'CXR_TRIAGE', storageDir: join(tmp.dir, 'busy'), onStored: () => {} })).rejects.toMatchObject({
        code: 'PORT_IN_USE',
        message: expect.stringContaining(`port ${port} is already in use`),
      });
    } finally {
      blocker.close();
    }
  });

  it('aborts an association that sends garbage and serves the next storescu', async () => {
    const warnings: string[] = [];
    const stored: StoredInstance[] = [];
    const scp = await startStoreScp({ port: 0, aeTitle: 'CXR_TRIAGE', storageDir: join(tmp.dir, 'garbage'), onStored: (i) => stored.push(i), log: (level, m) => level === 'warn' && warnings.push(m) });
    try {
      await new Promise<void>((resolve) => {
        const socket = connect(scp.port, '127.0.0.1', () => socket.write(Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n\x00\x01\x02garbage')));
        socket.on('close', () => resolve());
        socket.on('error', () => resolve());
        socket.resume();
      });
      expect(warnings.some((w) => w.startsWith('association aborted'))).toBe(true);
      const r = await storescu(scp.port, files(1, 'after'));
      expect(r.code).toBe(0);
      expect(stored).toHaveLength(1);
    } finally {
      await scp.close();
    }
  });

  it('answers Out of Resources when the disk is full, stores nothing and keeps listening', async () => {
    const storage = join(tmp.dir, 'full');
    let diskFull = true;
    const errors: string[] = [];
    const stored: StoredInstance[] = [];
    const scp = await startStoreScp({
      port: 0,
      aeTitle: 'CXR_TRIAGE',
      storageDir: storage,
      onStored: (i) => stored.push(i),
      log: (level, m) => level === 'error' && errors.push(m),
      writeBytes: async (file, bytes) => {
        if (diskFull && bytes.length > 1000) throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
        await file.write(bytes);
      },
    });
    try {
      const r = await storescu(scp.port, files(1, 'full'));
      expect(r.stderr).toMatch(/Store Response \(Refused: OutOfResources|Store Response \(A700/);
      expect(errors).toEqual([expect.stringContaining('storage folder is full (ENOSPC)')]);
      expect(stored).toEqual([]);
      expect(readdirSync(storage)).toEqual([]);
      diskFull = false;
      expect((await storescu(scp.port, files(1, 'space'))).code).toBe(0);
      expect(stored).toHaveLength(1);
      expect(existsSync(stored[0].path)).toBe(true);
    } finally {
      await scp.close();
    }
  });

  it('removes temp files left by a listener that died mid-transfer, and only those', async () => {
    const storage = join(tmp.dir, 'stale');
    mkdirSync(storage, { recursive: true });
    const dead = join(storage, '.incoming-999999999-00ff.part');
    const mine = join(storage, `.incoming-${process.pid}-00ff.part`);
    writeFileSync(dead, 'half');
    writeFileSync(mine, 'in progress');
    const scp = await startStoreScp({ port: 0, aeTitle: 'CXR_TRIAGE', storageDir: storage, onStored: () => {} });
    await scp.close();
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(mine)).toBe(true);
  });

  it('stops cleanly: the port is free again after close', async () => {
    const scp = await startStoreScp({ port: 0, aeTitle: 'CXR_TRIAGE', storageDir: join(tmp.dir, 'stop'), onStored: () => {} });
    const port = scp.port;
    await scp.close();
    const again = await startStoreScp({ port, aeTitle: 'CXR_TRIAGE', storageDir: join(tmp.dir, 'stop'), onStored: () => {} });
    await again.close();
  });
});
