/**
 * Issue #12, "no network": the built CLI (`bin/cxr.js`: decode, triage, import, listen, worklist,
 * and `pacs echo` / `send-results` to a configured PACS, here the listener on loopback)
 * and the browser harness (dist/harness/server.js, which also exports the worklist CSV) do their real
 * work — a generated DICOM and PNG decoded and triaged, a folder imported, a study received over
 * DICOM from dcmtk's storescu on port 0 — with Node's net/dns/dgram (so http, https, tls and fetch
 * too) patched by scripts/noEgress.cjs through NODE_OPTIONS, which logs every connection attempt of
 * every process and thread. Any attempt that is not loopback fails the test.
 * A second pass runs the CLI inside a network namespace with only loopback (`unshare -n -r`) where
 * this machine allows user namespaces; elsewhere it is skipped with a message.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { decodeEnvelope, encodeEnvelope, ENVELOPE_CONTENT_TYPE } from '../../../../app/shared/ipc/binaryEnvelope';
import { writeDicom } from '../../../fixtures/dicomWriter';
import { makeChestImage } from '../../../fixtures/syntheticImages';
import { makeTempDir, requireTools, toolPath } from '../../../fixtures/tools';

const root = resolve(__dirname, '../../../..');
const guard = join(root, 'scripts', 'noEgress.cjs');
const cxr = join(root, 'bin', 'cxr.js');
const harness = join(root, 'dist', 'harness', 'server.js');
const built = existsSync(join(root, 'dist', 'cli', 'cxr.js')) && existsSync(harness) && existsSync(join(root, 'dist', 'workers', 'inference.worker.js'));
if (!built) console.warn('no-egress: dist/ is not built (run `npm run build`): the no-egress tests are skipped');

const tmp = makeTempDir('cxr-no-egress-');
afterAll(() => tmp.cleanup());
const log = join(tmp.dir, 'egress.jsonl');
const images = join(tmp.dir, 'images');
const db = join(tmp.dir, 'worklist.sqlite');

interface EgressLine {
  pid: number;
  thread: number;
  kind: 'start' | 'connect' | 'dns' | 'udp';
  host: string | null;
  port: number | null;
  path: string | null;
  allowed: boolean;
}
const readLog = (file: string): EgressLine[] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as EgressLine)
    : [];

/** The environment of every guarded process: the guard preloaded, its log, and a private user-data folder. */
function guardedEnv(logFile: string): NodeJS.ProcessEnv {
  const nodeOptions = [process.env.NODE_OPTIONS, `--require ${JSON.stringify(guard)}`].filter(Boolean).join(' ');
  return { ...process.env, NODE_OPTIONS: nodeOptions, CXR_EGRESS_LOG: logFile, CXR_EGRESS_BLOCK: '', XDG_CONFIG_HOME: join(tmp.dir, 'config'), HOME: join(tmp.dir, 'home') };
}

/** Runs `cxr <args>` to the end under the guard. */
function cli(args: string[], logFile = log): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [cxr, ...args], { cwd: root, env: guardedEnv(logFile), encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
const jsonLines = (text: string) =>
  text
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

/** Starts a long-running guarded process and resolves once `ready` matches its stdout. */
function start(args: string[], ready: RegExp): Promise<{ child: ChildProcess; match: RegExpExecArray; out: () => string }> {
  const child = spawn(process.execPath, args, { cwd: root, env: guardedEnv(log), stdio: ['ignore', 'pipe', 'pipe'] });
  child.stderr!.resume();
  let out = '';
  return new Promise((resolveStart, reject) => {
    const timer = setTimeout(() => reject(new Error(`not ready; stdout: ${out}`)), 60_000);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = ready.exec(out);
      if (match) {
        clearTimeout(timer);
        resolveStart({ child, match, out: () => out });
      }
    });
    child.once('exit', (code) => reject(new Error(`exited early with ${code}; stdout: ${out}`)));
  });
}
const stop = (child: ChildProcess) =>
  new Promise<number | string | null>((r) => {
    child.once('exit', (code, signal) => r(code ?? signal));
    child.kill('SIGTERM');
  });

beforeAll(() => {
  mkdirSync(images, { recursive: true });
  const rows = 256;
  const columns = 224;
  for (let i = 0; i < 2; i++) {
    const values = makeChestImage({ rows, columns, bitsStored: 12, seed: 11 + i }) as Uint16Array;
    writeFileSync(join(images, `chest-${i}.dcm`), writeDicom({ pixel: { rows, columns, bitsAllocated: 16, bitsStored: 12 }, pixelData: { native: values } }));
  }
  const gray = makeChestImage({ rows, columns, bitsStored: 8, seed: 5 });
  const png = new PNG({ width: columns, height: rows, colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false });
  png.data = Buffer.from(Uint8Array.from(gray as ArrayLike<number>));
  writeFileSync(join(images, 'chest.png'), PNG.sync.write(png, { colorType: 0, inputColorType: 0, bitDepth: 8, inputHasAlpha: false }));
});

describe.skipIf(!built)('no egress (issue #12)', () => {
  it('the guard sees and flags a connection that leaves the machine (control)', () => {
    const control = join(tmp.dir, 'control.jsonl');
    spawnSync(process.execPath, ['-e', "require('net').connect(9, '192.0.2.1').on('error', () => {}).destroy()"], { env: guardedEnv(control), timeout: 20_000 });
    const lines = readLog(control);
    expect(lines.some((l) => l.kind === 'start')).toBe(true);
    expect(lines).toContainEqual(expect.objectContaining({ kind: 'connect', host: '192.0.2.1', port: 9, allowed: false }));
  });

  it('cxr decode, triage, import, listen (with storescu), pacs echo, send-results and worklist, and the harness CSV export, connect to nothing but loopback', async () => {
    const help = cli(['--help']);
    expect(help.stdout).toMatch(/decode[\s\S]*triage[\s\S]*import[\s\S]*listen[\s\S]*worklist/);

    for (const file of ['chest-0.dcm', 'chest.png']) {
      const decoded = cli(['decode', join(images, file)]);
      expect(decoded.code, decoded.stderr).toBe(0);
      expect(JSON.parse(decoded.stdout)).toMatchObject({ rows: 256, columns: 224 });
    }

    const triaged = cli(['triage', images, '--cam-dir', join(tmp.dir, 'cams'), '--cpu']);
    expect(triaged.code, triaged.stderr).toBe(0);
    const triageLines = jsonLines(triaged.stdout);
    expect(triageLines).toHaveLength(3);
    for (const line of triageLines) expect(line).toHaveProperty('probabilities');

    const imported = cli(['import', images, '--db', db, '--cpu']);
    expect(imported.code, imported.stderr).toBe(0);

    // The listener on port 0, fed by dcmtk's storescu where it is installed.
    const storage = join(tmp.dir, 'received');
    const listener = await start([cxr, 'listen', '--port', '0', '--db', db, '--storage', storage, '--cpu'], /"listening":\{"port":(\d+)/);
    try {
      if (requireTools('storescu', 'echoscu')) {
        const port = listener.match[1];
        const sent = writeDicom({ pixel: { rows: 128, columns: 128, bitsAllocated: 16, bitsStored: 12 }, pixelData: { native: makeChestImage({ rows: 128, columns: 128, bitsStored: 12, seed: 99 }) as Uint16Array } });
        const sentPath = join(tmp.dir, 'sent.dcm');
        writeFileSync(sentPath, sent);
        expect(spawnSync(toolPath('echoscu'), ['-aec', 'CXR_TRIAGE', '127.0.0.1', port], { timeout: 30_000 }).status).toBe(0);
        expect(spawnSync(toolPath('storescu'), ['-aec', 'CXR_TRIAGE', '127.0.0.1', port, sentPath], { timeout: 30_000 }).status).toBe(0);
        await expect.poll(() => /"event":"(triaged|failed|duplicate)"/.test(listener.out()), { timeout: 60_000, interval: 200 }).toBe(true);
      }
      // `cxr pacs` and `cxr send-results` talk to the configured PACS only: here the listener itself, on loopback.
      const pacsSettings = join(tmp.dir, 'pacs-settings.json');
      const node = { id: 'local', name: 'This listener', kind: 'dimse', aeTitle: 'CXR_TRIAGE', host: '127.0.0.1', port: Number(listener.match[1]), callingAeTitle: 'CXR_EGRESS' };
      writeFileSync(pacsSettings, JSON.stringify({ nodes: [node], resultsNodeId: 'local' }));
      const echo = cli(['pacs', 'echo', 'local', '--settings', pacsSettings]);
      expect(echo.code, echo.stderr).toBe(0);
      const results = cli(['send-results', join(images, 'chest-0.dcm'), '--settings', pacsSettings, '--cpu']);
      expect(results.code, results.stderr).toBe(0);
      expect(JSON.parse(results.stdout)).toMatchObject({ sent: { node: expect.anything() } });
    } finally {
      expect(await stop(listener.child)).toBe(0);
    }

    const worklist = cli(['worklist', '--db', db]);
    expect(worklist.code, worklist.stderr).toBe(0);
    // The two generated DICOM files share the fixture's default study; the PNG is a study of its own.
    const studies = jsonLines(worklist.stdout);
    expect(studies.length).toBeGreaterThanOrEqual(2);

    // The harness on the same database: the page, the API and the worklist CSV export.
    const server = await start([harness, '--port', '0', '--db', db, '--user-data', join(tmp.dir, 'harness-data')], /harness listening on (http:\/\/127\.0\.0\.1:\d+)/);
    try {
      const url = server.match[1];
      expect((await fetch(`${url}/`)).status).toBe(200);
      const res = await fetch(`${url}/api/worklist:exportCsv`, { method: 'POST', headers: { 'content-type': ENVELOPE_CONTENT_TYPE }, body: encodeEnvelope({}) });
      const reply = decodeEnvelope(await res.arrayBuffer()) as { ok: boolean; value: { csv: string } };
      expect(reply.ok).toBe(true);
      expect(reply.value.csv.trim().split('\n').length).toBeGreaterThan(studies.length);
    } finally {
      expect(await stop(server.child)).toBe(0);
    }

    const lines = readLog(log);
    const starts = lines.filter((l) => l.kind === 'start');
    // Every CLI run and the harness ran guarded, workers included (thread ids above 0).
    expect(new Set(starts.map((l) => l.pid)).size).toBeGreaterThanOrEqual(8);
    expect(starts.some((l) => l.thread > 0)).toBe(true);
    const outbound = lines.filter((l) => !l.allowed);
    expect(outbound, 'connection attempts that leave the machine').toEqual([]);
    console.info(`no-egress: ${new Set(starts.map((l) => l.pid)).size} processes, ${starts.length} guarded threads, ${lines.filter((l) => l.kind !== 'start').length} network calls, all loopback`);
  }, 300_000);

  const namespaceReason = (() => {
    if (process.platform !== 'linux') return 'not Linux';
    const probe = spawnSync('unshare', ['-n', '-r', 'sh', '-c', 'ip link set lo up'], { encoding: 'utf8', timeout: 10_000 });
    if (probe.error) return `unshare is not available (${probe.error.message})`;
    if (probe.status !== 0) return `user and network namespaces are not allowed here (${probe.stderr.trim() || `exit ${probe.status}`})`;
    return '';
  })();
  if (namespaceReason) console.warn(`no-egress: skipping the network-namespace pass: ${namespaceReason}`);

  it.skipIf(Boolean(namespaceReason))('cxr triage, import and worklist work in a network namespace with only loopback (unshare -n -r)', () => {
    const nsDb = join(tmp.dir, 'namespace.sqlite');
    const script = [
      'ip link set lo up',
      `"${process.execPath}" "${cxr}" triage "${images}" --cpu`,
      `"${process.execPath}" "${cxr}" import "${images}" --db "${nsDb}" --cpu`,
      `"${process.execPath}" "${cxr}" worklist --db "${nsDb}"`,
    ].join(' && ');
    const r = spawnSync('unshare', ['-n', '-r', 'sh', '-c', script], { cwd: root, env: guardedEnv(join(tmp.dir, 'namespace.jsonl')), encoding: 'utf8', timeout: 240_000 });
    expect(r.status, r.stderr).toBe(0);
    const lines = jsonLines(r.stdout);
    expect(lines.filter((l) => 'probabilities' in l)).toHaveLength(3);
    expect(lines.filter((l) => 'studyInstanceUid' in l).length).toBeGreaterThanOrEqual(2);
    expect(readLog(join(tmp.dir, 'namespace.jsonl')).filter((l) => !l.allowed)).toEqual([]);
  }, 300_000);
});
