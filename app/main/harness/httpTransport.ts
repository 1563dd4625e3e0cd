/**
 * The browser harness transport: an HTTP server on 127.0.0.1 that serves the built
 * renderer (same CSP as Electron's app:// protocol) and exposes the same IpcRouter as
 * Electron's ipcMain: POST /api/<channel> with a binary-envelope body answers a Result
 * envelope; events go to WebSocket clients of /events as JSON text messages.
 *
 * Loopback only, and requests whose Host or Origin is not this server's loopback
 * address are refused: that stops other web pages in the same browser (CSRF) and DNS
 * rebinding from reaching the file-importing API.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { decodeEnvelope, encodeEnvelopeParts, ENVELOPE_CONTENT_TYPE } from '../../shared/ipc/binaryEnvelope';
import { harnessRoutes } from '../../shared/ipc/channels';
import type { EventHub } from '../ipc/events';
import type { IpcRouter } from '../ipc/handle';
import type { Logger } from '../ipc/log';
import { contentTypeFor, resolveStaticPath, STATIC_SECURITY_HEADERS } from '../security/staticFiles';

/** The only interface the harness binds. */
export const HARNESS_HOST = '127.0.0.1';

export interface HarnessTransportOptions {
  router: IpcRouter;
  events: EventHub;
  /** Folder of the built renderer (dist/renderer). */
  rendererDir: string;
  /** 0 picks a free port. */
  port: number;
  logger: Logger;
  /** Largest request body (default 1 GiB: dropped radiographs can be large). */
  maxBodyBytes?: number;
}

export interface HarnessTransport {
  port: number;
  url: string;
  /** Closes sockets and the server. */
  close(): Promise<void>;
}

/** True when a Host header names this server on loopback. */
export function isLoopbackHost(host: string | undefined, port: number): boolean {
  return host === `${HARNESS_HOST}:${port}` || host === `localhost:${port}`;
}

/** True when an Origin header (absent for non-browser clients) is this server's own. */
export function isSameOrigin(origin: string | undefined, port: number): boolean {
  return origin === undefined || origin === `http://${HARNESS_HOST}:${port}` || origin === `http://localhost:${port}`;
}

function sendEnvelope(res: ServerResponse, status: number, value: unknown): void {
  // Parts, not one buffer: pixel data goes to the socket without another copy.
  const parts = encodeEnvelopeParts(value);
  const length = parts.reduce((n, p) => n + p.byteLength, 0);
  res.writeHead(status, { 'Content-Type': ENVELOPE_CONTENT_TYPE, 'Content-Length': length, 'Cache-Control': 'no-store' });
  for (const part of parts) res.write(part);
  res.end();
}

function sendError(res: ServerResponse, status: number, code: string, message: string): void {
  sendEnvelope(res, status, { ok: false, error: { code, message } });
}

/** Reads a request body up to `limit` bytes; undefined when it is larger. */
function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > limit) {
      resolve(undefined);
      req.resume();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    req.on('data', (chunk: Buffer) => {
      if (tooLarge) return;
      size += chunk.length;
      if (size > limit) {
        tooLarge = true;
        chunks.length = 0;
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(tooLarge ? undefined : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** Starts the harness HTTP + WebSocket server; resolves once it listens. */
export async function startHarnessTransport(options: HarnessTransportOptions): Promise<HarnessTransport> {
  const { router, events, rendererDir, logger } = options;
  const maxBodyBytes = options.maxBodyBytes ?? 1024 * 1024 * 1024;
  let port = options.port;

  const handleApi = async (req: IncomingMessage, res: ServerResponse, channel: string) => {
    if (req.method !== 'POST') return sendError(res, 405, 'METHOD_NOT_ALLOWED', 'use POST');
    // A custom content type forces a CORS preflight, which this server never answers:
    // a page elsewhere cannot even send a simple cross-origin POST here.
    if ((req.headers['content-type'] ?? '').split(';')[0].trim() !== ENVELOPE_CONTENT_TYPE) {
      return sendError(res, 415, 'UNSUPPORTED_MEDIA_TYPE', `send ${ENVELOPE_CONTENT_TYPE}`);
    }
    const body = await readBody(req, maxBodyBytes);
    if (!body) return sendError(res, 413, 'REQUEST_TOO_LARGE', `request body over ${maxBodyBytes} bytes`);
    let request: unknown;
    try {
      request = body.length === 0 ? {} : decodeEnvelope(new Uint8Array(body.buffer, body.byteOffset, body.byteLength));
    } catch (err) {
      return sendError(res, 400, 'INVALID_REQUEST', err instanceof Error ? err.message : 'malformed body');
    }
    const result = await router.dispatch(channel, request, { shell: 'harness' });
    sendEnvelope(res, 200, result);
  };

  const handleStatic = async (req: IncomingMessage, res: ServerResponse, path: string) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, STATIC_SECURITY_HEADERS).end();
      return;
    }
    const file = resolveStaticPath(rendererDir, path);
    const info = file ? await stat(file).catch(() => undefined) : undefined;
    if (!file || !info?.isFile()) {
      res.writeHead(404, { ...STATIC_SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' }).end('not found');
      return;
    }
    res.writeHead(200, {
      ...STATIC_SECURITY_HEADERS,
      'Content-Type': contentTypeFor(file),
      'Content-Length': info.size,
      'Cache-Control': 'no-cache',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    createReadStream(file)
      .on('error', () => res.destroy())
      .pipe(res);
  };

  const server = createServer((req, res) => {
    const host = req.headers.host;
    const origin = req.headers.origin;
    if (!isLoopbackHost(host, port) || !isSameOrigin(origin, port)) {
      logger.warn('harness: refused request from a foreign host or origin');
      return sendError(res, 403, 'FORBIDDEN', 'only this loopback origin may use the harness');
    }
    const path = (req.url ?? '/').split('?')[0];
    const work = path.startsWith(harnessRoutes.apiPrefix)
      ? handleApi(req, res, decodeURIComponent(path.slice(harnessRoutes.apiPrefix.length)))
      : handleStatic(req, res, path);
    work.catch((err) => {
      logger.error('harness: request failed', { reason: err instanceof Error ? err.name : 'unknown' });
      if (!res.headersSent) sendError(res, 500, 'INTERNAL', 'request failed');
      else res.destroy();
    });
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  const clients = new Set<WebSocket>();
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== harnessRoutes.events || !isLoopbackHost(req.headers.host, port) || !isSameOrigin(req.headers.origin, port)) {
      socket.end('HTTP/1.1 403 Forbidden\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      clients.add(ws);
      ws.on('close', () => clients.delete(ws));
      ws.on('error', () => clients.delete(ws));
      // Clients only listen; anything they send is ignored.
    });
  });
  const unsubscribe = events.subscribe((event, payload) => {
    const message = JSON.stringify({ event, payload });
    for (const ws of clients) if (ws.readyState === ws.OPEN) ws.send(message);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, HARNESS_HOST, () => {
      server.off('error', reject);
      resolve();
    });
  });
  port = (server.address() as AddressInfo).port;

  return {
    port,
    url: `http://${HARNESS_HOST}:${port}`,
    async close() {
      unsubscribe();
      for (const ws of clients) ws.terminate();
      clients.clear();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
