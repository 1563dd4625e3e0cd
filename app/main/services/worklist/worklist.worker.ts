/**
 * Worklist database worker (bundled to dist/workers/worklist.worker.js): owns the app's one
 * SQLite connection, so queries (a 10,000-study list), commits and WAL checkpoints never stall
 * the main event loop (STYLE.md §3, Signal's MainSQL). A thin switch: each request names a
 * WorklistStore method; its value or its error (as data) goes back.
 *
 * The database opens on the first request, not at start: a database that cannot be opened
 * (disk full, a newer schema, a corrupt file) answers every request with the reason instead of
 * killing the worker, so the app keeps running and says why the list is unavailable.
 */
import { parentPort, workerData } from 'node:worker_threads';

import { toAppError } from '../../../shared/result';
import { openWorklistDb, type WorklistDatabase } from './worklistDb';
import { WORKLIST_METHODS, type WorklistReply, type WorklistRequest, type WorklistWorkerData } from './worklistProtocol';
import { WorklistStore } from './worklistStore';

const port = parentPort;
const data = workerData as WorklistWorkerData;
const methods: ReadonlySet<string> = new Set(WORKLIST_METHODS);

let db: WorklistDatabase | undefined;
let store: WorklistStore | undefined;

/** Opens the database on first use; after a failure the next request tries again (the disk may have been freed). */
function openStore(): WorklistStore {
  if (store) return store;
  try {
    db = openWorklistDb(data.path, { busyTimeoutMs: data.busyTimeoutMs });
  } catch (err) {
    throw toAppError(err, 'DB_OPEN_FAILED');
  }
  store = new WorklistStore(db);
  return store;
}

function handle(req: WorklistRequest): unknown {
  if (req.method === 'close') {
    db?.close();
    db = undefined;
    store = undefined;
    return null;
  }
  if (req.method === 'debug:crash') {
    if (data.testHooks) process.exit(3);
    throw new Error('fault injection is off');
  }
  if (!methods.has(req.method)) throw new Error(`unknown worklist method ${String(req.method)}`);
  const target = openStore() as unknown as Record<string, (...args: unknown[]) => unknown>;
  return target[req.method](...req.args);
}

if (port) {
  port.on('message', (req: WorklistRequest) => {
    let reply: WorklistReply;
    try {
      reply = { type: 'result', seq: req.seq, ok: true, value: handle(req) };
    } catch (err) {
      reply = { type: 'result', seq: req.seq, ok: false, error: toAppError(err, 'DB_ERROR') };
    }
    port.postMessage(reply);
  });
}
