// Serving the renderer is shared by the harness and Electron's app:// protocol
// (app/main/security/staticFiles.ts, appProtocol.ts); both are tested here.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAppProtocolHandler, isAppUrl } from '../../../../app/main/security/appProtocol';
import { CONTENT_SECURITY_POLICY, contentTypeFor, resolveStaticPath } from '../../../../app/main/security/staticFiles';

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'cxr-static-'));
  mkdirSync(join(dir, 'renderer', 'assets'), { recursive: true });
  writeFileSync(join(dir, 'renderer', 'index.html'), '<!doctype html>');
  writeFileSync(join(dir, 'renderer', 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'secret');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('static file resolution', () => {
  it('maps / to index.html and keeps paths inside the root', () => {
    const root = join(dir, 'renderer');
    expect(resolveStaticPath(root, '/')).toBe(join(root, 'index.html'));
    expect(resolveStaticPath(root, '/assets/app.js?v=1')).toBe(join(root, 'assets', 'app.js'));
    for (const evil of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt', '/%00', '/%E0%A4%A']) {
      expect(resolveStaticPath(root, evil)).toBeUndefined();
    }
  });

  it('gives WASM the application/wasm type (streaming compile needs it)', () => {
    expect(contentTypeFor('x.wasm')).toBe('application/wasm');
    expect(contentTypeFor('x.JS')).toContain('text/javascript');
    expect(contentTypeFor('x.unknown')).toBe('application/octet-stream');
  });

  it('has the CSP of the issue: self, wasm-unsafe-eval, blob workers, loopback ws, nothing remote', () => {
    expect(CONTENT_SECURITY_POLICY).toBe(
      "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self' blob:; img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; connect-src 'self' ws://127.0.0.1:*; object-src 'none'; frame-ancestors 'none'",
    );
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/https?:/);
  });
});

describe('app:// protocol handler', () => {
  const handler = () => createAppProtocolHandler(join(dir, 'renderer'));

  it('serves renderer files with the CSP', async () => {
    const res = await handler()(new Request('app://renderer/assets/app.js'));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(res.headers.get('content-type')).toContain('text/javascript');
    expect(await res.text()).toBe('console.log(1)');
  });

  it('refuses other hosts, traversal, missing files and writes', async () => {
    expect((await handler()(new Request('app://other/index.html'))).status).toBe(404);
    expect((await handler()(new Request('app://renderer/%2e%2e/secret.txt'))).status).toBe(404);
    expect((await handler()(new Request('app://renderer/nope.js'))).status).toBe(404);
    expect((await handler()(new Request('app://renderer/index.html', { method: 'POST', body: 'x' }))).status).toBe(405);
  });

  it('recognises only app://renderer URLs as the app', () => {
    expect(isAppUrl('app://renderer/index.html')).toBe(true);
    expect(isAppUrl('app://renderer/#/viewer')).toBe(true);
    expect(isAppUrl('app://evil/index.html')).toBe(false);
    expect(isAppUrl('file:///index.html')).toBe(false);
    expect(isAppUrl('not a url')).toBe(false);
  });
});
