/**
 * The `npm run harness` entry as a process: bundled like scripts/build.mjs does, started
 * on a free port, it prints its banner, answers the API, and exits 0 on SIGINT/SIGTERM.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope, ENVELOPE_CONTENT_TYPE } from '../../../../app/shared/ipc/binaryEnvelope';
import { makeTempDir } from '../../../fixtures/tools';
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
function startServer(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [bundle, '--port', '0', '--renderer', join(tmp.dir, 'renderer'), '--db', join(tmp.dir, 'c.db')], {
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
});
