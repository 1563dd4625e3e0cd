/**
 * `cxr listen [--port 11112] [--aet CXR_TRIAGE] [--db PATH] [--storage DIR] [--watch DIR]
 * [--model model.json] [--cpu]` (issue #5): a DICOM C-ECHO/C-STORE listener (and optionally a
 * watched drop folder) feeding the worklist database; runs until SIGINT/SIGTERM.
 *
 * stdout: `{"listening":{"port","aeTitle","storage"}}` once bound, then one JSON line per
 * received or dropped file (`{"event":"triaged"|"duplicate"|"failed"|…,"file",…}`), then
 * `{"stopped":{…}}`. Stopping closes the listener, lets the files in flight finish, leaves the
 * rest pending (resumed on the next start) and closes the database.
 *
 * On start, files in the storage folder that are not in the database (received just before a
 * crash, or queued when the last run stopped) are ingested: a received instance is never lost.
 */
import { basename, join, resolve } from 'node:path';

import { CodedError } from '../../../shared/result';
import { startStoreScp, type StoreScp } from '../../services/dimse/storeScp';
import type { IngestOutcome } from '../../services/ingest/ingestQueue';
import { watchFolder, type WatchedFolder } from '../../services/ingest/watchedFolder';
import { walkFiles } from '../../services/studies/fileWalker';
import { defaultUserDataDir } from '../../services/worklist/worklistDb';
import type { CliIo } from '../cliIo';
import { openIngestRuntime, parseOptions } from './import';

const USAGE = 'usage: cxr listen [--port 11112] [--aet CXR_TRIAGE] [--db PATH] [--storage DIR] [--watch DIR] [--model model.json] [--cpu]';

/** Default DICOM port for an unprivileged listener (11112, registered with IANA for DICOM). */
export const DEFAULT_PORT = 11112;
export const DEFAULT_AE_TITLE = 'CXR_TRIAGE';

export interface ListenArgs {
  port: number;
  aeTitle: string;
  db?: string;
  storage: string;
  watch?: string;
  model?: string;
  forceCpu: boolean;
}

export function parseListenArgs(argv: string[]): ListenArgs {
  const parsed = parseOptions(argv, ['port', 'aet', 'db', 'storage', 'watch', 'model'], ['cpu'], USAGE);
  if (parsed.positionals.length > 0) throw new CodedError('USAGE', USAGE);
  const port = parsed.values.port === undefined ? DEFAULT_PORT : Number(parsed.values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CodedError('USAGE', `--port needs a TCP port (0-65535). ${USAGE}`);
  return {
    port,
    aeTitle: parsed.values.aet ?? DEFAULT_AE_TITLE,
    db: parsed.values.db,
    storage: resolve(parsed.values.storage ?? join(defaultUserDataDir(), 'received')),
    watch: parsed.values.watch ? resolve(parsed.values.watch) : undefined,
    model: parsed.values.model,
    forceCpu: parsed.flags.has('cpu'),
  };
}

/** Runs the listener until `stop` is aborted; returns the exit code. */
export async function listen(args: ListenArgs, io: CliIo, stop: AbortSignal): Promise<number> {
  const totals: Record<string, number> = {};
  const report = (path: string, outcome: IngestOutcome): void => {
    totals[outcome.status] = (totals[outcome.status] ?? 0) + 1;
    const line: Record<string, unknown> = { event: outcome.status, file: basename(path) };
    if (outcome.status === 'triaged') Object.assign(line, { studyInstanceUid: outcome.studyInstanceUid, priority: outcome.priority, covid: Math.round(outcome.covid * 1e6) / 1e6 });
    if (outcome.status === 'failed') line.error = outcome.error;
    io.stdout(JSON.stringify(line) + '\n');
  };
  const log = (level: 'info' | 'warn' | 'error', message: string): void => {
    if (level !== 'info') io.stderr(`${level}: ${message}\n`);
  };
  const runtime = await openIngestRuntime({ db: args.db, model: args.model, forceCpu: args.forceCpu, log });
  let scp: StoreScp | undefined;
  let watcher: WatchedFolder | undefined;
  try {
    scp = await startStoreScp({
      port: args.port,
      aeTitle: args.aeTitle,
      storageDir: args.storage,
      log,
      onStored: (instance) => void runtime.queue.add(instance.path, 'listener').then((o) => report(instance.path, o)),
    });
    for await (const entry of walkFiles(args.storage, () => stop.aborted)) {
      if (entry.kind === 'file' && !(await runtime.store.isKnownPath(entry.path))) void runtime.queue.add(entry.path, 'listener').then((o) => report(entry.path, o));
    }
    if (args.watch) watcher = watchFolder({ folder: args.watch, queue: runtime.queue, store: runtime.store, onOutcome: report, onError: (m) => log('warn', m) });
    io.stdout(JSON.stringify({ listening: { port: scp.port, aeTitle: args.aeTitle, storage: args.storage, watch: args.watch ?? null } }) + '\n');
    if (!stop.aborted) await new Promise<void>((resolveStop) => stop.addEventListener('abort', () => resolveStop(), { once: true }));
  } finally {
    await scp?.close();
    await watcher?.close();
    await runtime.close();
  }
  io.stdout(JSON.stringify({ stopped: { stored: scp?.storedCount ?? 0, ...totals } }) + '\n');
  return 0;
}

/** `cxr listen`: stops cleanly on SIGINT or SIGTERM. */
export async function runListen(argv: string[], io: CliIo): Promise<number> {
  const args = parseListenArgs(argv);
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await listen(args, io, controller.signal);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
}
