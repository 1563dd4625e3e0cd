/**
 * Retrieves from peers that fail (issue #11): a refused port, a PACS that aborts mid-transfer
 * (a proxy in front of a real Orthanc sends A-ABORT after some PDUs), a wrong AE title, HTTP
 * 500 and 401, a malformed and a truncated multipart answer. Each gives a clear message, and
 * every instance that arrived whole stays on disk and is reported.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { retrieveStudy, testNode } from '../../../../../app/main/services/pacs/pacsService';
import type { DicomWebNode, DimseNode } from '../../../../../app/shared/pacs/settings';
import { startAbortingProxy, startHttpPeer, type HttpPeer } from '../../../../fixtures/faultyPeers';
import { dicomWebPluginSkipReason, freePort, startOrthanc, type OrthancPeer } from '../../../../fixtures/orthanc';
import { writeTestStudy, type TestStudy } from '../../../../fixtures/pacsStudies';
import { makeTempDir, requireTools } from '../../../../fixtures/tools';

const tmp = makeTempDir('cxr-pacs-bad-');
afterAll(() => tmp.cleanup());
const web = (url: string): DicomWebNode => ({ id: 'bad', name: 'Bad web', kind: 'dicomweb', baseUrl: url, timeoutMs: 5000 });
/** Temp files of transfers in progress: none may be left behind. */
const leftovers = (dir: string): string[] => readdirSync(dir).filter((n) => n.startsWith('.'));

describe('failures without a PACS', () => {
  it('a refused port: CONNECTION_REFUSED naming host and port, nothing written', async () => {
    const port = await freePort();
    const node: DimseNode = { id: 'x', name: 'Nowhere', kind: 'dimse', aeTitle: 'PACS', host: '127.0.0.1', port, callingAeTitle: 'CXR' };
    const outcome = await retrieveStudy(node, '1.2.3.4', { dir: join(tmp.dir, 'refused') });
    expect(outcome).toMatchObject({ complete: false, received: 0, error: { code: 'CONNECTION_REFUSED', message: expect.stringContaining(`127.0.0.1:${port}`) } });
  });

  it('a peer that accepts the connection and never answers: TIMEOUT, for DIMSE and DICOMweb', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const port = (silent.address() as AddressInfo).port;
    try {
      const node: DimseNode = { id: 's', name: 'Silent', kind: 'dimse', aeTitle: 'PACS', host: '127.0.0.1', port, callingAeTitle: 'CXR', timeoutMs: 1000 };
      await expect(testNode(node)).rejects.toMatchObject({ code: 'TIMEOUT', message: expect.stringContaining('No answer from Silent') });
      await expect(testNode({ ...web(`http://127.0.0.1:${port}`), timeoutMs: 1000 })).rejects.toMatchObject({ code: 'TIMEOUT' });
    } finally {
      silent.close();
    }
  });

  describe('HTTP peers', () => {
    const part = (bytes: Buffer, boundary: string): Buffer => Buffer.concat([Buffer.from(`--${boundary}\r\nContent-Type: application/dicom\r\n\r\n`), bytes, Buffer.from('\r\n')]);
    let study: TestStudy;
    let peer: HttpPeer;
    let mode: 'error500' | 'unauthorized' | 'malformed' | 'truncated' = 'error500';
    beforeAll(async () => {
      study = writeTestStudy(join(tmp.dir, 'src-http'), { patientName: 'WEB^ONE', patientId: 'W1', instances: 3 });
      peer = await startHttpPeer((req, res) => {
        if (req.url?.includes('/instances')) {
          res.writeHead(200, { 'Content-Type': 'application/dicom+json' });
          res.end(JSON.stringify(study.sopInstanceUids.map((uid) => ({ '00080018': { vr: 'UI', Value: [uid] } }))));
          return;
        }
        if (mode === 'error500') {
          res.writeHead(500, 'Internal Server Error');
          res.end('boom');
        } else if (mode === 'unauthorized') {
          res.writeHead(401, 'Unauthorized', { 'WWW-Authenticate': 'Basic realm="pacs"' });
          res.end();
        } else {
          const b = 'XYZ';
          res.writeHead(200, { 'Content-Type': `multipart/related; type="application/dicom"; boundary=${b}` });
          // Two whole parts, then either garbage where a boundary line should be, or the connection drops mid-part.
          res.write(Buffer.concat([part(readFileSync(study.files[0]), b), part(readFileSync(study.files[1]), b)]));
          if (mode === 'malformed') res.end(Buffer.from(`--${b}garbage-without-crlf`));
          else {
            res.write(Buffer.concat([Buffer.from(`--${b}\r\nContent-Type: application/dicom\r\n\r\n`), readFileSync(study.files[2]).subarray(0, 500)]));
            setTimeout(() => res.socket?.destroy(), 50);
          }
        }
      });
    });
    afterAll(async () => {
      await peer?.close();
    });

    it('HTTP 500: the status is named and nothing is written', async () => {
      mode = 'error500';
      await expect(testNode(web(peer.url))).rejects.toMatchObject({ code: 'HTTP_ERROR', message: expect.stringMatching(/HTTP 500 Internal Server Error.*ask IT/) });
      const outcome = await retrieveStudy(web(peer.url), study.studyInstanceUid, { dir: join(tmp.dir, 'h500') });
      expect(outcome).toMatchObject({ received: 0, complete: false, error: { code: 'HTTP_ERROR' } });
    });

    it('HTTP 401: says to check the credentials', async () => {
      mode = 'unauthorized';
      await expect(testNode({ ...web(peer.url), auth: { type: 'basic', username: 'u', password: 'wrong' } })).rejects.toMatchObject({
        code: 'HTTP_UNAUTHORIZED',
        message: expect.stringContaining('user name and password'),
      });
    });

    for (const m of ['malformed', 'truncated'] as const) {
      it(`a ${m} multipart answer: the parts that arrived whole are kept, the missing one is named`, async () => {
        mode = m;
        const dir = join(tmp.dir, m);
        const handed: string[] = [];
        const outcome = await retrieveStudy(web(peer.url), study.studyInstanceUid, { dir, onFile: (f) => handed.push(f.sopInstanceUid) });
        expect(outcome.complete).toBe(false);
        expect(outcome.error?.code).toBe(m === 'malformed' ? 'BAD_RESPONSE' : 'CONNECTION_LOST');
        expect(outcome.error?.message).toMatch(m === 'malformed' ? /malformed multipart/ : /closed the connection|ended in the middle/);
        expect(outcome.error?.message).toContain('2 instance(s) that arrived are kept');
        expect(handed).toEqual(study.sopInstanceUids.slice(0, 2));
        expect(outcome.missing.map((i) => i.sopInstanceUid)).toEqual([study.sopInstanceUids[2]]);
        expect(readdirSync(dir).sort()).toEqual(study.sopInstanceUids.slice(0, 2).map((u) => `${u}.dcm`).sort());
        for (const name of readdirSync(dir)) expect(readFileSync(join(dir, name)).equals(readFileSync(join(tmp.dir, 'src-http', name)))).toBe(true);
      });
    }
  });
});

const skipReason = dicomWebPluginSkipReason();
describe.skipIf(!requireTools('Orthanc') || !!skipReason)('failures with a real Orthanc behind them', () => {
  let orthanc: OrthancPeer;
  let study: TestStudy;
  beforeAll(async () => {
    orthanc = await startOrthanc();
    // 6 instances of 256×256 (128 KB of pixels each): many PDUs, so the proxy can cut mid-study.
    study = writeTestStudy(join(tmp.dir, 'src-abort'), { patientName: 'ABORT^ME', patientId: 'A1', instances: 6, rows: 256 });
    for (const f of study.files) await orthanc.upload(readFileSync(f));
  }, 60_000);
  afterAll(async () => {
    await orthanc?.stop();
  });

  it('a wrong AE title is named', async () => {
    const node: DimseNode = { id: 'o', name: 'Orthanc', kind: 'dimse', aeTitle: 'WRONG_AET', host: '127.0.0.1', port: orthanc.dicomPort, callingAeTitle: 'CXR' };
    const outcome = await retrieveStudy(node, study.studyInstanceUid, { dir: join(tmp.dir, 'wrong-aet') });
    expect(outcome.error).toMatchObject({ code: 'CALLED_AE_NOT_RECOGNIZED', message: expect.stringContaining('"WRONG_AET"') });
  });

  it('a PACS that aborts mid-transfer: what arrived is kept whole, the rest is named as missing', async () => {
    // Cut after roughly two and a half instances' worth of bytes (after the C-FIND of the instance list).
    const proxy = await startAbortingProxy(orthanc.dicomPort, { abortAfterBytes: 330_000 });
    try {
      const node: DimseNode = { id: 'o', name: 'Orthanc', kind: 'dimse', aeTitle: orthanc.aeTitle, host: '127.0.0.1', port: proxy.port, callingAeTitle: 'CXR' };
      const dir = join(tmp.dir, 'aborted');
      const handed: string[] = [];
      const outcome = await retrieveStudy(node, study.studyInstanceUid, { dir, onFile: (f) => handed.push(f.sopInstanceUid) });
      expect(proxy.aborted).toBeGreaterThan(0);
      expect(outcome.complete).toBe(false);
      expect(outcome.error).toMatchObject({ code: 'ASSOCIATION_ABORTED', message: expect.stringContaining('during C-GET') });
      expect(outcome.received).toBeGreaterThan(0);
      expect(outcome.received).toBeLessThan(6);
      expect(outcome.error?.message).toContain(`${outcome.received} instance(s) that arrived are kept`);
      expect(outcome.missing).toHaveLength(6 - outcome.received);
      expect(new Set([...handed, ...outcome.missing.map((m) => m.sopInstanceUid)])).toEqual(new Set(study.sopInstanceUids));
      // Every kept file is whole and identical to the source; no temp file is left.
      expect(leftovers(dir)).toEqual([]);
      for (const uid of handed) {
        const got = readFileSync(join(dir, `${uid}.dcm`));
        const want = readFileSync(study.files[study.sopInstanceUids.indexOf(uid)]);
        const datasetOf = (b: Buffer): Buffer => b.subarray(132 + 12 + b.readUInt32LE(140));
        expect(datasetOf(got).equals(datasetOf(want))).toBe(true);
      }
    } finally {
      await proxy.close();
    }
  }, 60_000);
});
