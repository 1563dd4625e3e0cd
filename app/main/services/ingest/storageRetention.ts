/**
 * The received-files storage and its retention rule (issue #10). The DICOM listener writes every
 * instance it receives into one folder; without housekeeping that folder grows until the disk is
 * full. The rule (keep N days, or at most N bytes, or both) deletes the oldest received files.
 *
 * What it may delete, and why so little: only files the app itself received (rows with source
 * `listener`) that lie inside its own storage folder. Never a file the user opened or imported
 * from elsewhere, never a file of the watched folder, never a database row: the instance row,
 * its AI results and the study's audit trail stay, and the study lists the file as deleted by
 * retention (archiveQueries.instanceError).
 */
import { readFile, readdir, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { join, relative, resolve, isAbsolute } from 'node:path';

import { z } from 'zod';

import type { StorageStatus } from '../../../shared/ipc/contract';
import type { WorklistStoreLike } from '../worklist/worklistProtocol';
import { logName } from './fileIdentity';

export const RetentionRule = z.object({
  maxAgeDays: z.number().int().min(1).max(36_500).nullable(),
  maxBytes: z.number().int().min(1).nullable(),
});
export type RetentionRule = z.output<typeof RetentionRule>;

/** Keep everything until IT sets a rule: deleting received images is a decision, not a default. */
export const KEEP_EVERYTHING: RetentionRule = { maxAgeDays: null, maxBytes: null };

const DAY_MS = 24 * 60 * 60 * 1000;

export interface StorageRetentionOptions {
  store: WorklistStoreLike<'receivedFiles' | 'markPurged'>;
  storageDir: string;
  /** `storage-settings.json`; absent = the rule is not saved. */
  settingsPath?: string;
  /** How often the rule runs by itself (default 6 h); 0 = only at start and on change. */
  intervalMs?: number;
  now?: () => number;
  log?: (level: 'info' | 'warn' | 'error', message: string) => void;
}

interface LastRun {
  atMs: number;
  deletedFiles: number;
  freedBytes: number;
  failed: number;
}

/** Reads a retention rule file; a missing file is "keep everything", a malformed one says why. */
export async function readRetentionRule(path: string): Promise<{ rule: RetentionRule; problems: string[] }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { rule: KEEP_EVERYTHING, problems: [] };
    return { rule: KEEP_EVERYTHING, problems: [`storage settings cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}); keeping every file`] };
  }
  try {
    const parsed = RetentionRule.safeParse(JSON.parse(text));
    if (parsed.success) return { rule: parsed.data, problems: [] };
    return { rule: KEEP_EVERYTHING, problems: [`storage settings are invalid (${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}); keeping every file`] };
  } catch {
    return { rule: KEEP_EVERYTHING, problems: ['storage settings are not valid JSON; keeping every file'] };
  }
}

/** Size and count of the files under a folder (a missing folder is empty). */
export async function folderUsage(dir: string): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  const walk = async (d: string): Promise<void> => {
    const entries = await readdir(d, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.isFile()) {
        const info = await stat(p).catch(() => undefined);
        if (info) {
          files++;
          bytes += info.size;
        }
      }
    }
  };
  await walk(dir);
  return { files, bytes };
}

function isInside(dir: string, path: string): boolean {
  const rel = relative(resolve(dir), resolve(path));
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

/** The storage view and the rule that keeps it in bounds. */
export class StorageRetention {
  private rule: RetentionRule = KEEP_EVERYTHING;
  private problems: string[] = [];
  private lastRun: LastRun | undefined;
  private running: Promise<LastRun> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: StorageRetentionOptions) {}

  /** Loads the saved rule, applies it once, and schedules it. */
  async start(): Promise<void> {
    if (this.options.settingsPath) ({ rule: this.rule, problems: this.problems } = await readRetentionRule(this.options.settingsPath));
    const interval = this.options.intervalMs ?? 6 * 60 * 60 * 1000;
    if (interval > 0) {
      this.timer = setInterval(() => void this.apply().catch(() => undefined), interval);
      this.timer.unref();
    }
    await this.apply().catch(() => undefined);
  }

  close(): Promise<unknown> {
    if (this.timer) clearInterval(this.timer);
    return this.running ?? Promise.resolve();
  }

  async status(): Promise<StorageStatus> {
    const usage = await folderUsage(this.options.storageDir);
    return { folder: this.options.storageDir, ...usage, rule: { ...this.rule }, lastRun: this.lastRun, problems: [...this.problems] };
  }

  /** Validates, saves (whole file, then renamed over the old one) and applies a new rule. */
  async configure(input: unknown): Promise<{ status: StorageStatus; problems: string[] }> {
    const parsed = RetentionRule.safeParse(input);
    if (!parsed.success) return { status: await this.status(), problems: parsed.error.issues.map((i) => `${i.path.join('.') || 'rule'}: ${i.message}`) };
    if (this.options.settingsPath) {
      try {
        const tmp = `${this.options.settingsPath}.tmp`;
        await writeFile(tmp, `${JSON.stringify(parsed.data, null, 2)}\n`);
        await rename(tmp, this.options.settingsPath);
      } catch (err) {
        return { status: await this.status(), problems: [`the rule could not be saved (${(err as NodeJS.ErrnoException).code ?? 'error'}); nothing changed`] };
      }
    }
    this.rule = parsed.data;
    this.problems = [];
    await this.apply();
    return { status: await this.status(), problems: [] };
  }

  /** Runs the rule now (one run at a time). */
  apply(): Promise<LastRun> {
    this.running ??= this.applyOnce().finally(() => (this.running = undefined));
    return this.running;
  }

  private async applyOnce(): Promise<LastRun> {
    const now = (this.options.now ?? Date.now)();
    const run: LastRun = { atMs: now, deletedFiles: 0, freedBytes: 0, failed: 0 };
    const { maxAgeDays, maxBytes } = this.rule;
    if (maxAgeDays === null && maxBytes === null) {
      this.lastRun = run;
      return run;
    }
    // Oldest first, and only the app's own received files inside its storage folder.
    const received = (await this.options.store.receivedFiles()).filter((f) => isInside(this.options.storageDir, f.path));
    const sized: { instanceId: number; path: string; arrivalMs: number; bytes: number }[] = [];
    for (const f of received) {
      const info = await stat(f.path).catch(() => undefined);
      sized.push({ ...f, bytes: info?.size ?? 0 });
    }
    let total = maxBytes === null ? 0 : (await folderUsage(this.options.storageDir)).bytes;
    const purged: number[] = [];
    for (const f of sized) {
      const tooOld = maxAgeDays !== null && f.arrivalMs < now - maxAgeDays * DAY_MS;
      const overCap = maxBytes !== null && total > maxBytes;
      if (!tooOld && !overCap) continue;
      try {
        await unlink(f.path);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
          run.failed++;
          this.options.log?.('warn', `retention: ${logName(f.path)} not deleted: ${(err as NodeJS.ErrnoException).code ?? 'error'}`);
          continue;
        }
      }
      purged.push(f.instanceId);
      run.deletedFiles++;
      run.freedBytes += f.bytes;
      total -= f.bytes;
    }
    if (purged.length > 0) await this.options.store.markPurged(purged);
    if (run.deletedFiles > 0) this.options.log?.('info', `retention deleted ${run.deletedFiles} received file(s), ${run.freedBytes} bytes`);
    this.lastRun = run;
    return run;
  }
}
