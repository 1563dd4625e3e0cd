/**
 * The `app://` protocol that serves the built renderer in Electron (VS Code refuses
 * `file://` for the same reason: a file: page may read any local file and has an opaque
 * origin). Only files under the renderer folder are served, each with the app's CSP.
 * The handler is plain fetch-API code, so it is unit-tested without Electron.
 */
import { readFile } from 'node:fs/promises';
import { contentTypeFor, resolveStaticPath, STATIC_SECURITY_HEADERS } from './staticFiles';

/** Scheme and host of the renderer: the window loads {@link APP_ENTRY_URL}. */
export const APP_SCHEME = 'app';
export const APP_HOST = 'renderer';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** True for URLs of the app's own renderer (the only place windows may navigate to or send IPC from). */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === APP_HOST;
  } catch {
    return false;
  }
}

/** Privileges the scheme needs; pass to `protocol.registerSchemesAsPrivileged` before `ready`. */
export const APP_SCHEME_PRIVILEGES = {
  scheme: APP_SCHEME,
  // standard: relative URLs and a real origin; secure: a secure context (WASM, workers);
  // supportFetchAPI: fetch() of the codec .wasm files; codeCache: V8 caches the bundles.
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
} as const;

/** The `protocol.handle('app', …)` handler: GET/HEAD of files under `rendererDir` only. */
export function createAppProtocolHandler(rendererDir: string): (request: Request) => Promise<Response> {
  const notFound = () => new Response('not found', { status: 404, headers: { ...STATIC_SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' } });
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405, headers: STATIC_SECURITY_HEADERS });
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return notFound();
    }
    if (url.protocol !== `${APP_SCHEME}:` || url.host !== APP_HOST) return notFound();
    const file = resolveStaticPath(rendererDir, url.pathname);
    if (!file) return notFound();
    let data: Buffer;
    try {
      data = await readFile(file);
    } catch {
      return notFound();
    }
    return new Response(request.method === 'HEAD' ? null : new Uint8Array(data), {
      status: 200,
      headers: { ...STATIC_SECURITY_HEADERS, 'Content-Type': contentTypeFor(file), 'Content-Length': String(data.byteLength) },
    });
  };
}
