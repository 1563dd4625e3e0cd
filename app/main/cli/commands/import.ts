/**
 * `cxr import <folder> [--db PATH] [--model model.json] [--cpu] [--progress]` (issue #5):
 * imports a folder recursively into the worklist database, triages every new image, and prints
 * one JSON summary on stdout (exit 0). `--progress` writes progress JSON lines on stderr.
 *
 * Also exports {@link openIngestRuntime}, the composition shared with `cxr listen`: database,
 * decode pool, inference worker, triage service and ingest queue, with pending work resumed
 * by itself on start. The app's composition root builds the same pieces.
 */
import { stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';

import { CodedError } from '../../../shared/result';
import { importFolder, type ImportSummary } from '../../services/ingest/folderImport';
import { IngestQueue, type IngestEvent, type IngestOutcome } from '../../services/ingest/ingestQueue';
import { createWorklistClient, type WorklistClient } from '../../services/worklist/worklistClient';
import { defaultDatabasePath } from '../../services/worklist/worklistDb';
import type { CliIo } from '../cliIo';
import { createTriageRuntime } from './triage';

const USAGE = 'usage: cxr import <folder> [--db PATH] [--model model.json] [--cpu] [--progress]';

/** Parsed `--name value` / `--name=value` options and positionals. */
export interface ParsedOptions {
  positionals: string[];
  values: Record<string, string>;
  flags: Set<string>;
}

/** Parses options: `valued` take a value, `flags` do not; anything else starting with -- is a usage error. */
export function parseOptions(argv: string[], valued: readonly string[], flags: readonly string[], usage: string): ParsedOptions {
  const out: ParsedOptions = { positionals: [], values: {}, flags: new Set() };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('--')) {
      out.positionals.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = eq >= 0 ? a.slice(2, eq) : a.slice(2);
    if (flags.includes(name) && eq < 0) out.flags.add(name);
    else if (valued.includes(name)) {
      const v = eq >= 0 ? a.slice(eq + 1) : argv[++i];
      if (!v) throw new CodedError('USAGE', `--${name} needs a value. ${usage}`);
      out.values[name] = v;
    } else throw new CodedError('USAGE', `unknown option ${a}. ${usage}`);
  }
  return out;
}

export interface IngestRuntime {
  /** The database, on its worker thread (the same worker the app uses). */
  store: WorklistClient;
  queue: IngestQueue;
  /** Outcomes of the pending instances resumed at start. */
  resumed: Promise<IngestOutcome[]>;
  /** Finishes the work in flight (queued files are dropped, pending rows stay pending), stops the workers, closes the database. */
  close(): Promise<void>;
}

/** Opens the database and the AI, and resumes pending triage by itself. */
export async function openIngestRuntime(opts: {
  db?: string;
  model?: string;
  forceCpu?: boolean;
  onEvent?: (event: IngestEvent) => void;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}): Promise<IngestRuntime> {
  const store = createWorklistClient({ path: resolve(opts.db ?? defaultDatabasePath()), log: opts.log });
  let triage;
  try {
    // Opens (and migrates) the database now, so a bad --db fails before any work starts.
    await store.counts();
    triage = await createTriageRuntime({ model: opts.model, forceCpu: opts.forceCpu ?? false });
  } catch (err) {
    await store.close();
    throw err;
  }
  const queue = new IngestQueue({ store, files: triage.decode, triage: triage.service, onEvent: opts.onEvent, log: opts.log });
  const resumed = queue.resumePending();
  return {
    store,
    queue,
    resumed,
    close: async () => {
      await queue.close();
      await triage.close();
      await store.close();
    },
  };
}

/** Runs `cxr import`; returns the exit code. */
export async function runImport(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseOptions(argv, ['db', 'model'], ['cpu', 'progress'], USAGE);
  if (parsed.positionals.length !== 1) throw new CodedError('USAGE', USAGE);
  const folder = resolve(parsed.positionals[0]);
  const info = await stat(folder).catch(() => undefined);
  if (!info?.isDirectory()) throw new CodedError('NOT_A_FOLDER', `${basename(folder)} is not a folder`);
  const runtime = await openIngestRuntime({
    db: parsed.values.db,
    model: parsed.values.model,
    forceCpu: parsed.flags.has('cpu'),
    log: (level, message) => {
      if (level !== 'info') io.stderr(`${level}: ${message}\n`);
    },
  });
  let summary: ImportSummary;
  let resumedCount: number;
  try {
    summary = await importFolder(runtime.queue, folder, {
      onProgress: parsed.flags.has('progress') ? (p) => io.stderr(JSON.stringify({ progress: p }) + '\n') : undefined,
    });
    resumedCount = (await runtime.resumed).length;
  } finally {
    await runtime.close();
  }
  io.stdout(JSON.stringify({ ...summary, resumed: resumedCount }) + '\n');
  return 0;
}
