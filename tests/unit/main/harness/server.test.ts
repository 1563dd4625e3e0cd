import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startHarness, type Harness } from '../../../../app/main/harness/harness';
import { silentLogger } from '../../../../app/main/ipc/log';
import { decodeEnvelope, encodeEnvelope, ENVELOPE_CONTENT_TYPE } from '../../../../app/shared/ipc/binaryEnvelope';
import type { ImportProgress } from '../../../../app/shared/ipc/contract';
import { createHarnessClient } from '../../../../app/renderer/lib/harnessClient';
import { createFakeDecodeService, writeSampleTree } from '../services/studies/fakeDecodeService';
import { CONTENT_SECURITY_POLICY } from '../../../../app/main/security/staticFiles';

let dir: string;
let harness: Harness;
let openPathsHarness: Harness;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'cxr-harness-test-'));
  mkdirSync(join(dir, 'renderer', 'assets'), { recursive: true });
  writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html><title>cxr</title>');
  writeFileSync(join(dir, 'renderer', 'assets', 'codec.wasm'), new Uint8Array([0, 97, 115, 109]));
  writeFileSync(join(dir, 'secret.txt'), 'outside the renderer');
  writeSampleTree(join(dir, 'studies'));
  const common = { rendererDir: join(dir, 'renderer'), logger: silentLogger, version: '0.0.0-test', validateResponses: true };
  harness = await startHarness({ ...common, port: 0, decode: createFakeDecodeService() });
  openPathsHarness = await startHarness({ ...common, port: 0, decode: createFakeDecodeService(), openPaths: [join(dir, 'studies')], databasePath: join(dir, 'cat.db') });
});
afterAll(async () => {
  await harness?.close();
  await openPathsHarness?.close();
  rmSync(dir, { recursive: true, force: true });
});

// Responses are checked loosely here; the contract test checks every schema.
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- test access to untyped JSON
type Loose = any;

async function api(channel: string, body: unknown, base = harness.url): Promise<{ status: number; result: { ok: boolean; value?: Loose; error?: { code: string; message: string } } }> {
  const res = await fetch(`${base}/api/${channel}`, { method: 'POST', headers: { 'content-type': ENVELOPE_CONTENT_TYPE }, body: encodeEnvelope(body) });
  return { status: res.status, result: decodeEnvelope(await res.arrayBuffer()) as never };
}

/** A raw request with chosen headers (fetch does not let a test forge Host). */
function rawRequest(path: string, headers: Record<string, string>, method = 'GET'): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: harness.port, path, method, headers }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    });
    req.on('error', reject);
    req.end();
  });
}

describe('browser harness server', () => {
  it('listens on 127.0.0.1 only', () => {
    expect(harness.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('serves the renderer with the strict CSP and refuses paths outside it', async () => {
    const index = await fetch(`${harness.url}/`);
    expect(index.status).toBe(200);
    expect(index.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(index.headers.get('content-type')).toContain('text/html');
    expect(await index.text()).toContain('<title>cxr</title>');
    const wasm = await fetch(`${harness.url}/assets/codec.wasm`);
    expect(wasm.headers.get('content-type')).toBe('application/wasm');
    expect(await rawRequest('/../secret.txt', { host: `127.0.0.1:${harness.port}` })).toBe(404);
    expect(await rawRequest('/%2e%2e/secret.txt', { host: `127.0.0.1:${harness.port}` })).toBe(404);
    expect(await rawRequest('/..%5csecret.txt', { host: `127.0.0.1:${harness.port}` })).toBe(404);
  });

  it('answers app:info over HTTP', async () => {
    const { status, result } = await api('app:info', {});
    expect(status).toBe(200);
    expect(result).toEqual({ ok: true, value: { version: '0.0.0-test', platform: process.platform, shell: 'harness' } });
  });

  it('returns errors as data: invalid request, unknown channel', async () => {
    expect((await api('studies:import', { paths: [] })).result.error?.code).toBe('INVALID_REQUEST');
    expect((await api('fs:read', {})).result.error?.code).toBe('UNKNOWN_CHANNEL');
  });

  it('imports over HTTP and pushes throttled progress over the WebSocket', async () => {
    const ws = new WebSocket(`${harness.url.replace('http', 'ws')}/events`);
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const events: Array<{ event: string; payload: Loose }> = [];
    const finished = new Promise<ImportProgress>((resolve) => {
      ws.on('message', (data) => {
        const message = JSON.parse(String(data));
        events.push(message);
        if (message.event === 'studies:importProgress' && message.payload.phase === 'done') resolve(message.payload);
      });
    });
    const { result } = await api('studies:import', { paths: [join(dir, 'studies')] });
    expect(result.ok).toBe(true);
    const final = await finished;
    expect(final).toMatchObject({ jobId: result.value.jobId, total: 7, done: 7, failed: 0 });
    ws.close();
    const list = await api('studies:list', {});
    expect(list.result.value.patients.map((p: { patientName: string }) => p.patientName)).toEqual(['Doe^Jane', 'Roe^Rick', 'unknown']);
    expect(JSON.stringify(list.result.value)).not.toContain(dir);
  });

  it('sends binary responses in the envelope (thumbnail)', async () => {
    const list = await api('studies:list', {});
    const instanceId = list.result.value.patients[0].studies[0].thumbnailInstanceId;
    const { result } = await api('images:thumbnail', { instanceId, size: 32 });
    expect(result.ok).toBe(true);
    expect(result.value.rgba).toBeInstanceOf(ArrayBuffer);
    expect(result.value.rgba.byteLength).toBe(32 * 32 * 4);
  });

  it('rejects a foreign Host or Origin and a non-envelope body', async () => {
    expect(await rawRequest('/', { host: `evil.example:${harness.port}` })).toBe(403);
    expect(await rawRequest('/api/app:info', { host: `127.0.0.1:${harness.port}`, origin: 'http://evil.example', 'content-type': ENVELOPE_CONTENT_TYPE }, 'POST')).toBe(403);
    expect(await rawRequest('/api/app:info', { host: `127.0.0.1:${harness.port}`, 'content-type': 'text/plain' }, 'POST')).toBe(415);
    const foreignWs = new WebSocket(`${harness.url.replace('http', 'ws')}/events`, { headers: { origin: 'http://evil.example' } });
    const outcome = await new Promise((resolve) => {
      foreignWs.once('open', () => resolve('open'));
      foreignWs.once('error', () => resolve('refused'));
    });
    expect(outcome).toBe('refused');
  });

  it('answers dialog:open from --open-paths, else DIALOG_UNAVAILABLE', async () => {
    expect((await api('dialog:open', { kind: 'folder' })).result.error?.code).toBe('DIALOG_UNAVAILABLE');
    expect((await api('dialog:open', { kind: 'folder' }, openPathsHarness.url)).result).toEqual({ ok: true, value: { paths: [join(dir, 'studies')] } });
    expect(openPathsHarness.services.databasePath).toBe(join(dir, 'cat.db'));
  });

  it('implements PreloadApi in the harness client (invoke, events, dialog prompt)', async () => {
    const prompts: string[] = [];
    const client = createHarnessClient({
      baseUrl: openPathsHarness.url,
      WebSocket: WebSocket as never,
      prompt: (m) => {
        prompts.push(m);
        return null;
      },
    });
    try {
      const progress: ImportProgress[] = [];
      let changed = 0;
      const done = new Promise<void>((resolve) => {
        client.on('studies:importProgress', (p) => {
          progress.push(p);
          if (p.phase === 'done') resolve();
        });
      });
      const offChanged = client.on('studies:changed', () => changed++);
      const info = await client.invoke('app:info', {});
      expect(info).toMatchObject({ ok: true, value: { shell: 'harness' } });
      const bytes = new TextEncoder().encode('FAKEDCM\n' + JSON.stringify({ sopInstanceUid: '77.1', studyInstanceUid: '77', seriesInstanceUid: '77.0' }));
      const started = await client.invoke('studies:importBytes', { files: [{ name: 'dropped.dcm', bytes: bytes.buffer as ArrayBuffer }] });
      expect(started.ok).toBe(true);
      await done;
      expect(progress.at(-1)).toMatchObject({ total: 1, done: 1, failed: 0 });
      expect(changed).toBeGreaterThan(0);
      offChanged();
      const list = await client.invoke('studies:list', {});
      const instance = list.ok ? list.value.patients[0].studies[0].series[0].instances[0] : undefined;
      const image = await client.invoke('images:load', { instanceId: instance!.instanceId });
      expect(image.ok).toBe(true);
      if (image.ok) {
        expect(image.value.pixelType).toBe('uint16');
        expect([...new Uint16Array(image.value.pixels)]).toEqual([0, 100, 200, 4095]);
      }
      // The harness without --open-paths makes the client prompt; cancel gives [].
      const promptingClient = createHarnessClient({ baseUrl: harness.url, prompt: (m) => (prompts.push(m), `${join(dir, 'a')};${join(dir, 'b')}`) });
      expect(await promptingClient.invoke('dialog:open', { kind: 'files' })).toEqual({ ok: true, value: { paths: [join(dir, 'a'), join(dir, 'b')] } });
      expect(prompts).toHaveLength(1);
    } finally {
      client.close();
    }
  });

  it('reports transport failures as IPC_FAILED', async () => {
    const client = createHarnessClient({ baseUrl: 'http://127.0.0.1:1' });
    const result = await client.invoke('app:info', {});
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('IPC_FAILED');
  });
});
