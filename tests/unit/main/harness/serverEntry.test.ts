/**
 * The `npm run harness` entry as a process: bundled like scripts/build.mjs does, started
 * on a free port, it prints its banner, answers the API, and exits 0 on SIGINT/SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope, ENVELOPE_CONTENT_TYPE } from '../../../../app/shared/ipc/binaryEnvelope';
import Database from 'better-sqlite3';

import { makeTempDir } from '../../../fixtures/tools';
import { writeChestDicom } from '../services/ingest/ingestFixtures';
import { buildDecodeWorker, buildHarness } from '../../globalSetup';

const root = resolve(__dirname, '../../../..');
const bundle = join(root, 'dist', 'harness', 'server.js');
const tmp = makeTempDir('cxr-harness-entry-');

beforeAll(async () => {
  await buildDecodeWorker();
  await buildHarness();
  mkdirSync(join(tmp.dir, 'renderer'), { recursive: true });
  writeFileSync(join(tmp.dir, 'renderer', 'index.html'), '<!doctype html><title>x</title>');
}, 60_000);
afterAll(() => tmp.cleanup());

/** Starts the bundle and resolves with its URL once the banner is printed. */
function startServer(db = join(tmp.dir, 'c.db')): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [bundle, '--port', '0', '--renderer', join(tmp.dir, 'renderer'), '--db', db], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // Drain stderr: a child whose piped stderr nobody reads can stall in its logger at shutdown.
  child.stderr!.resume();
  return new Promise((resolveStart, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no banner; stdout: ${out}`)), 20_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /harness listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolveStart({ child, url: match[1] });
      }
    });
    child.once('exit', (code) => reject(new Error(`exited early with ${code}`)));
  });
}

function exitCode(child: ChildProcess): Promise<number | NodeJS.Signals | null> {
  // The signal's name when the child was killed by one (SIGABRT says more than `null`).
  return new Promise((r) => child.once('exit', (code, signal) => r(code ?? signal)));
}

describe('harness entry (dist/harness/server.js)', () => {
  it.each(['SIGTERM', 'SIGINT'] as const)('prints its banner, serves the API and stops cleanly on %s', async (signal) => {
    const { child, url } = await startServer();
    try {
      const res = await fetch(`${url}/api/app:info`, { method: 'POST', headers: { 'content-type': ENVELOPE_CONTENT_TYPE }, body: encodeEnvelope({}) });
      expect(decodeEnvelope(await res.arrayBuffer())).toMatchObject({ ok: true, value: { shell: 'harness' } });
      const exited = exitCode(child);
      child.kill(signal);
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('exits 2 with usage on a bad command line', async () => {
    const child = spawn(process.execPath, [bundle, '--port', 'nope'], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr!.on('data', (c: Buffer) => (err += c.toString()));
    expect(await exitCode(child)).toBe(2);
    expect(err).toContain('usage: npm run harness');
  });

  it('loses no committed row when killed with SIGKILL while opening a folder, and lists it all after a restart (issue #10)', async () => {
    const folder = join(tmp.dir, 'open-crash');
    const n = 30;
    for (let i = 0; i < n; i++) writeChestDicom(join(folder, `o${String(i).padStart(3, '0')}.dcm`), 1200 + i, { patientId: `K${i}` });
    const db = join(tmp.dir, 'open-crash.sqlite');
    const call = async (url: string, channel: string, request: unknown) => {
      const res = await fetch(`${url}/api/${channel}`, { method: 'POST', headers: { 'content-type': ENVELOPE_CONTENT_TYPE }, body: encodeEnvelope(request) });
      return decodeEnvelope(await res.arrayBuffer()) as { ok: boolean; value: Record<string, unknown> };
    };
    const counts = () => {
      const reader = new Database(db, { readonly: true, fileMustExist: true });
      try {
        return reader.prepare("SELECT (SELECT COUNT(*) FROM instances) AS instances, (SELECT COUNT(*) FROM instances WHERE status = 'pending') AS pending").get() as { instances: number; pending: number };
      } finally {
        reader.close();
      }
    };
    const first = await startServer(db);
    let before = { instances: 0, pending: 0 };
    try {
      expect((await call(first.url, 'studies:import', { paths: [folder] })).ok).toBe(true);
      // Watch from outside (WAL lets a reader in) and kill mid-way.
      const started = Date.now();
      while (before.instances < 5 && Date.now() - started < 30_000) {
        await new Promise((r) => setTimeout(r, 20));
        try {
          before = counts();
        } catch {
          // not created yet
        }
      }
      const exited = exitCode(first.child);
      first.child.kill('SIGKILL');
      await exited;
    } finally {
      if (first.child.exitCode === null) first.child.kill('SIGKILL');
    }
    expect(before.instances).toBeGreaterThanOrEqual(5);
    const check = new Database(db, { readonly: true });
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    check.close();
    const after = counts();
    expect(after.instances).toBeGreaterThanOrEqual(before.instances);

    // The restarted app lists every recorded study and triages what was left pending.
    const second = await startServer(db);
    try {
      const list = await call(second.url, 'studies:list', {});
      expect((list.value.patients as unknown[]).length).toBe(after.instances);
      const started = Date.now();
      while (counts().pending > 0 && Date.now() - started < 60_000) await new Promise((r) => setTimeout(r, 200));
      expect(counts().pending).toBe(0);
    } finally {
      second.child.kill('SIGKILL');
    }
  }, 120_000);
});
