/**
 * Where the worklist's automatic ingest comes from on a workstation (issue #5): hospital IT
 * writes `ingest-settings.json` in the app's user-data folder, e.g.
 * `{"listener": {"port": 11112, "aeTitle": "CXR_TRIAGE"}, "watchDir": "D:\\\\incoming"}`.
 * Both are off when absent. A malformed file is reported and ignored: the app still starts.
 */
import { readFileSync } from 'node:fs';

export interface IngestSettings {
  listener?: { port: number; aeTitle: string };
  watchDir?: string;
}

/** PS3.5 6.2: an AE title is 1–16 characters of the default repertoire, no backslash, no control characters. */
const AE_TITLE = /^[\x20-\x5b\x5d-\x7e]{1,16}$/;

/** Parses the settings object; returns the settings and the problems found. */
export function parseIngestSettings(json: unknown): { settings: IngestSettings; problems: string[] } {
  const problems: string[] = [];
  const settings: IngestSettings = {};
  if (typeof json !== 'object' || json === null) return { settings, problems: ['not a JSON object'] };
  const { listener, watchDir } = json as Record<string, unknown>;
  if (listener !== undefined) {
    const { port, aeTitle } = (listener ?? {}) as Record<string, unknown>;
    const aet = aeTitle === undefined ? 'CXR_TRIAGE' : aeTitle;
    if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) problems.push('listener.port must be an integer 1–65535');
    else if (typeof aet !== 'string' || !AE_TITLE.test(aet)) problems.push('listener.aeTitle must be 1–16 printable characters without a backslash');
    else settings.listener = { port, aeTitle: aet };
  }
  if (watchDir !== undefined) {
    if (typeof watchDir === 'string' && watchDir.length > 0) settings.watchDir = watchDir;
    else problems.push('watchDir must be a folder path');
  }
  return { settings, problems };
}

/** Reads the settings file; a missing file means defaults, a broken one is reported. */
export function readIngestSettings(path: string): { settings: IngestSettings; problems: string[] } {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch {
    return { settings: {}, problems: [] };
  }
  try {
    return parseIngestSettings(JSON.parse(text));
  } catch (err) {
    return { settings: {}, problems: [`not valid JSON (${err instanceof Error ? err.message : String(err)})`] };
  }
}
