/**
 * `cxr send-results <study-uid|file> [--to NODE] [--settings PATH] [--db PATH] [--model model.json]
 * [--cpu] [--out DIR]` (issue #11): sends the AI result of a study back to the PACS as a
 * Comprehensive SR and a Secondary Capture (heatmap, legend and "prioritisation only — not for
 * diagnosis" burnt in), in new series of the same study, by C-STORE or STOW-RS.
 *
 * The study is looked up in the worklist database (its top image), or a DICOM file is named
 * directly. The model runs on the image (a cache hit in the app) for the Grad-CAM. `--out DIR`
 * also writes the two objects there. stdout: `{"sent":{"node","method","study","objects":[…]}}`;
 * errors exit 2 with the error JSON on stderr.
 */
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import { CodedError } from '../../../shared/result';
import { buildImageResults, readSourceAttributes } from '../../services/pacs/resultFiles';
import { resultsNode, sendResultFiles } from '../../services/pacs/pacsService';
import { createWorklistClient } from '../../services/worklist/worklistClient';
import { defaultDatabasePath } from '../../services/worklist/worklistDb';
import type { CliIo } from '../cliIo';
import { parseOptions } from './import';
import { settingsFrom } from './pacs';
import { createTriageRuntime } from './triage';

const USAGE = 'usage: cxr send-results <study-uid|file.dcm> [--to NODE] [--settings PATH] [--db PATH] [--model model.json] [--cpu] [--out DIR]';

/** The image to report on: a file named directly, or the study's top image in the worklist. */
async function sourceImage(target: string, db: string | undefined): Promise<string> {
  const asFile = await stat(resolve(target)).catch(() => undefined);
  if (asFile?.isFile()) return resolve(target);
  const store = createWorklistClient({ path: resolve(db ?? defaultDatabasePath()) });
  try {
    const row = await store.studySummary(target);
    if (!row) throw new CodedError('NOT_FOUND', `study ${target} is not in the worklist (and is not a file)`);
    if (!row.path) throw new CodedError('NO_IMAGE', `study ${target} has no image`);
    return row.path;
  } finally {
    await store.close();
  }
}

export async function runSendResults(argv: string[], io: CliIo): Promise<number> {
  const parsed = parseOptions(argv, ['to', 'settings', 'db', 'model', 'out'], ['cpu'], USAGE);
  if (parsed.positionals.length !== 1) throw new CodedError('USAGE', USAGE);
  const { settings } = await settingsFrom(parsed.values.settings);
  const node = resultsNode(settings, parsed.values.to);
  const path = await sourceImage(parsed.positionals[0], parsed.values.db);
  const runtime = await createTriageRuntime({ model: parsed.values.model, forceCpu: parsed.flags.has('cpu') });
  let files;
  try {
    const [triage, frame] = await Promise.all([runtime.service.classifyFile(path, { priority: 'interactive' }), runtime.decode.decodeFrame(path, 0)]);
    files = await buildImageResults({ sourcePath: path, frame, triage, labels: runtime.service.model.manifest.labels, uidRoot: settings.uidRoot });
  } finally {
    await runtime.close();
  }
  if (parsed.values.out) {
    const out = resolve(parsed.values.out);
    await mkdir(out, { recursive: true });
    for (const f of files) await writeFile(join(out, `${f.kind}-${f.sopInstanceUid}.dcm`), f.bytes);
  }
  const sent = await sendResultFiles(node, files);
  const study = (await readSourceAttributes(path)).studyInstanceUid;
  io.stdout(JSON.stringify({ sent: { node: sent.nodeId, method: sent.method, study, objects: sent.sent } }) + '\n');
  return 0;
}

