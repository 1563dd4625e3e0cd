/**
 * `cxr import`, `cxr listen` and `cxr worklist` (issue #5) with the real model: in-process for
 * the JSON contracts, as child processes of the built CLI for signals and crash safety.
 */
import Database from 'better-sqlite3';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { main } from '../../../../app/main/cli/cxr';
import { makeTempDir, requireTools, toolPath } from '../../../fixtures/tools';
import { buildCli } from '../../globalSetup';
import { writeChestDicom, writeChestPng, writeCorruptDicom } from '../services/ingest/ingestFixtures';

const exec = promisify(execFile);
const root = resolve(__dirname, '../../../..');
const cli = join(root, 'bin', 'cxr.js');
const tmp = makeTempDir('cxr-worklist-cli-');
afterAll(() => tmp.cleanup());
beforeAll(async () => {
  await buildCli();
}, 60_000);

async function cxr(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

const jsonLines = (text: string): Record<string, unknown>[] => text.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l));

describe('cxr import and cxr worklist', () => {
  const folder = join(tmp.dir, 'in');
  const db = join(tmp.dir, 'w.sqlite');
  beforeAll(() => {
    for (let i = 0; i < 3; i++) writeChestDicom(join(folder, i ? 'sub' : '', `img${i}.dcm`), 700 + i, { patientName: `DOE^${i}` });
    writeChestPng(join(folder, 'photo.png'), 710);
    writeCorruptDicom(join(folder, 'broken.dcm'));
  });

  it('imports and triages a folder and prints a JSON summary', async () => {
    const r = await cxr('import', folder, '--db', db);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ total: 5, added: 4, triaged: 4, failed: 1, duplicates: 0, cancelled: false, resumed: 0 });
    expect(summary.errors[0].message).toContain('broken.dcm');
  });

  it('prints one JSON line per study in display order with the contract keys', async () => {
    const r = await cxr('worklist', '--db', db);
    expect(r.code).toBe(0);
    const lines = jsonLines(r.stdout);
    expect(lines).toHaveLength(4);
    for (const line of lines) {
      expect(Object.keys(line)).toEqual(['studyInstanceUid', 'patientName', 'patientId', 'studyDate', 'covid', 'priority', 'status', 'path', 'prior']);
      expect(line.status).toBe('triaged');
      expect(['high', 'medium', 'low', 'unreliable']).toContain(line.priority);
    }
    // Display order: unreliable (out-of-distribution) first, then COVID probability descending.
    const rank = lines.map((l) => (l.priority === 'unreliable' ? 2 : 1));
    expect([...rank].sort((a, b) => b - a)).toEqual(rank);
    const ranked = lines.filter((l) => l.priority !== 'unreliable').map((l) => l.covid as number);
    expect([...ranked].sort((a, b) => b - a)).toEqual(ranked);
  });

  it('adds nothing when the same folder is imported again', async () => {
    const r = await cxr('import', folder, '--db', db);
    expect(JSON.parse(r.stdout)).toMatchObject({ added: 0, duplicates: 4 });
    expect(jsonLines((await cxr('worklist', '--db', db)).stdout)).toHaveLength(4);
  });

  it('filters with --search and refuses a bad --sort', async () => {
    expect(jsonLines((await cxr('worklist', '--db', db, '--search', 'doe^1')).stdout).map((l) => l.patientName)).toEqual(['DOE^1']);
    const bad = await cxr('worklist', '--db', db, '--sort', 'shoeSize');
    expect(bad.code).toBe(2);
    expect(JSON.parse(bad.stderr).error.code).toBe('USAGE');
  });

  it("gives each study the patient's previous study and its COVID probability as `prior` (issue #10)", async () => {
    const priors = join(tmp.dir, 'priors');
    writeChestDicom(join(priors, 'old.dcm'), 720, { patientName: 'ROE^ANN', patientId: 'PR-1', studyDate: '20230101' });
    writeChestDicom(join(priors, 'new.dcm'), 721, { patientName: 'ROE^ANN', patientId: 'PR-1', studyDate: '20240101' });
    const priorsDb = join(tmp.dir, 'priors.sqlite');
    expect((await cxr('import', priors, '--db', priorsDb)).code).toBe(0);
    const lines = jsonLines((await cxr('worklist', '--db', priorsDb)).stdout);
    const byDate = Object.fromEntries(lines.map((l) => [l.studyDate as string, l]));
    expect(byDate['20240101'].prior).toEqual({ studyInstanceUid: byDate['20230101'].studyInstanceUid, studyDate: '20230101', covid: byDate['20230101'].covid });
    expect(byDate['20230101'].prior).toBeNull();
  });

  it('reports a missing database clearly', async () => {
    const r = await cxr('worklist', '--db', join(tmp.dir, 'nope.sqlite'));
    expect(r.code).toBe(2);
    expect(JSON.parse(r.stderr).error).toEqual({ code: 'DB_NOT_FOUND', message: expect.stringContaining('nope.sqlite') });
  });
});

/** Reads a child's stdout JSON lines as they come. */
function lineReader(child: ChildProcess): { next: (pred: (l: Record<string, unknown>) => boolean, timeoutMs?: number) => Promise<Record<string, unknown>>; all: Record<string, unknown>[] } {
  const all: Record<string, unknown>[] = [];
  const waiters: { pred: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] = [];
  createInterface({ input: child.stdout! }).on('line', (text) => {
    const line = JSON.parse(text) as Record<string, unknown>;
    all.push(line);
    for (const w of [...waiters]) {
      if (!w.pred(line)) continue;
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve(line);
    }
  });
  return {
    all,
    next: (pred, timeoutMs = 30_000) =>
      new Promise((resolvePromise, reject) => {
        const found = all.find(pred);
        if (found) return resolvePromise(found);
        const timer = setTimeout(() => reject(new Error(`no matching line; got ${JSON.stringify(all)}`)), timeoutMs);
        waiters.push({ pred, resolve: (l) => (clearTimeout(timer), resolvePromise(l)) });
      }),
  };
}

const exited = (child: ChildProcess): Promise<number | null> => new Promise((r) => child.on('exit', (code) => r(code)));

describe.skipIf(!requireTools('echoscu', 'storescu'))('cxr listen', () => {
  it('answers echoscu, stores and triages what storescu sends, and stops cleanly on SIGTERM', async () => {
    const db = join(tmp.dir, 'listen.sqlite');
    const storage = join(tmp.dir, 'received');
    const child = spawn(process.execPath, [cli, 'listen', '--port', '0', '--aet', 'CXR_TEST', '--db', db, '--storage', storage], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = lineReader(child);
    const done = exited(child);
    try {
      const { listening } = (await lines.next((l) => 'listening' in l)) as { listening: { port: number } };
      await exec(toolPath('echoscu'), ['-aec', 'CXR_TEST', '127.0.0.1', String(listening.port)]);
      const sources = [0, 1, 2].map((i) => writeChestDicom(join(tmp.dir, 'push', `push${i}.dcm`), 800 + i));
      await exec(toolPath('storescu'), ['-aec', 'CXR_TEST', '127.0.0.1', String(listening.port), ...sources]);
      await lines.next(() => lines.all.filter((l) => l.event === 'triaged').length >= 3);
    } finally {
      child.kill('SIGTERM');
    }
    expect(await done).toBe(0);
    expect(lines.all.at(-1)).toMatchObject({ stopped: { stored: 3, triaged: 3 } });
    const worklist = jsonLines((await cxr('worklist', '--db', db)).stdout);
    expect(worklist).toHaveLength(3);
    expect(worklist.every((l) => l.status === 'triaged' && String(l.path).startsWith(storage))).toBe(true);
  });

  it('exits 2 with PORT_IN_USE when the port is taken', async () => {
    const db = join(tmp.dir, 'busy.sqlite');
    const first = spawn(process.execPath, [cli, 'listen', '--port', '0', '--db', db, '--storage', join(tmp.dir, 'busy-store')], { stdio: ['ignore', 'pipe', 'pipe'] });
    const lines = lineReader(first);
    const firstDone = exited(first);
    try {
      const { listening } = (await lines.next((l) => 'listening' in l)) as { listening: { port: number } };
      const second = await exec(process.execPath, [cli, 'listen', '--port', String(listening.port), '--db', db, '--storage', join(tmp.dir, 'busy-store')]).catch((e) => e);
      expect(second.code).toBe(2);
      expect(JSON.parse(second.stderr.trim().split('\n').at(-1)).error.code).toBe('PORT_IN_USE');
    } finally {
      first.kill('SIGINT');
    }
    expect(await firstDone).toBe(0);
  });
});

describe('crash safety', () => {
  it('loses no committed row when cxr import is killed with SIGKILL, and resumes pending work on the next start', async () => {
    const folder = join(tmp.dir, 'crash-in');
    mkdirSync(folder, { recursive: true });
    const n = 40;
    for (let i = 0; i < n; i++) writeChestDicom(join(folder, `c${String(i).padStart(3, '0')}.dcm`), 900 + i);
    const dbPath = join(tmp.dir, 'crash.sqlite');
    const child = spawn(process.execPath, [cli, 'import', folder, '--db', dbPath], { stdio: 'ignore' });
    const done = exited(child);
    // Watch the database from outside (WAL lets a reader in while the child writes).
    let before = { instances: 0, aiResults: 0 };
    const start = Date.now();
    for (;;) {
      await new Promise((r) => setTimeout(r, 20));
      try {
        const reader = new Database(dbPath, { readonly: true, fileMustExist: true });
        before = reader.prepare('SELECT (SELECT COUNT(*) FROM instances) AS instances, (SELECT COUNT(*) FROM ai_results) AS aiResults').get() as typeof before;
        reader.close();
      } catch {
        // not created yet
      }
      if (before.aiResults >= 5 || Date.now() - start > 30_000) break;
    }
    child.kill('SIGKILL');
    await done;
    expect(before.aiResults).toBeGreaterThanOrEqual(5);
    expect(before.aiResults).toBeLessThan(n); // killed mid-way

    const after = new Database(dbPath);
    expect(after.pragma('integrity_check', { simple: true })).toBe('ok');
    const counts = after.prepare("SELECT (SELECT COUNT(*) FROM instances) AS instances, (SELECT COUNT(*) FROM ai_results) AS aiResults, (SELECT COUNT(*) FROM instances WHERE status = 'pending') AS pending").get() as { instances: number; aiResults: number; pending: number };
    after.close();
    // Up to 4 files are in flight, recorded as pending before triage: the kill leaves some behind.
    expect(counts.pending).toBeGreaterThan(0);
    expect(counts.instances).toBeGreaterThanOrEqual(before.instances);
    expect(counts.aiResults).toBeGreaterThanOrEqual(before.aiResults);

    // Next start (an import of an empty folder): pending instances are triaged by themselves.
    const empty = join(tmp.dir, 'crash-empty');
    mkdirSync(empty, { recursive: true });
    const resumed = JSON.parse((await exec(process.execPath, [cli, 'import', empty, '--db', dbPath])).stdout);
    expect(resumed.resumed).toBe(counts.pending);
    const check = new Database(dbPath, { readonly: true });
    expect(check.prepare("SELECT COUNT(*) AS n FROM instances WHERE status = 'pending'").get()).toEqual({ n: 0 });
    expect(check.prepare('SELECT COUNT(*) AS n FROM ai_results').get()).toEqual({ n: counts.instances });
    check.close();

    // Importing the folder again completes the batch without duplicates.
    const rest = JSON.parse((await exec(process.execPath, [cli, 'import', folder, '--db', dbPath])).stdout);
    expect(rest).toMatchObject({ total: n, added: n - counts.instances, duplicates: counts.instances, failed: 0 });
  }, 90_000);
});
