/**
 * The received-files storage view (issue #10): the DICOM listener's storage folder, its size, the
 * retention rule (keep N days, at most N GB, both optional) and its last run (`storage:status`),
 * and saving a new rule (`storage:configure`, which applies it at once). The rule deletes only
 * images the app itself received over the network: never a file the user opened, never a database
 * row or the audit trail. Created with its API so unit tests pass a fake.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { AppError } from '../../shared/result';
import type { PreloadApi, StorageStatus } from '../../shared/ipc/contract';
import { errorOf, invokeOrThrow } from '../lib/api';

export type RetentionRule = StorageStatus['rule'];

export interface StorageState {
  status?: StorageStatus;
  loading: boolean;
  saving: boolean;
  /** Why the status could not be read. */
  error?: AppError;
  /** Why the last rule was refused or not applied (main's words). */
  problems: string[];
  dialogOpen: boolean;
  /** Opens the dialog and reads the status. */
  open(): Promise<void>;
  close(): void;
  load(): Promise<void>;
  /** Saves and applies a rule; true when main accepted it. */
  save(rule: RetentionRule): Promise<boolean>;
}

export type StorageStore = StoreApi<StorageState>;

export function createStorageStore(api: PreloadApi): StorageStore {
  let loadSeq = 0;
  return createStore<StorageState>()((set, get) => ({
    status: undefined,
    loading: false,
    saving: false,
    problems: [],
    dialogOpen: false,
    async open() {
      set({ dialogOpen: true, problems: [], error: undefined });
      await get().load();
    },
    close() {
      set({ dialogOpen: false, problems: [] });
    },
    async load() {
      const seq = ++loadSeq;
      set({ loading: true });
      try {
        const status = await invokeOrThrow(api, 'storage:status', {});
        if (seq === loadSeq) set({ status, loading: false, error: undefined });
      } catch (err) {
        if (seq === loadSeq) set({ loading: false, error: errorOf(err) });
      }
    },
    async save(rule) {
      if (get().saving) return false;
      set({ saving: true, problems: [] });
      // A save answers with a fresher status than any read still in flight.
      loadSeq++;
      try {
        const { status, problems } = await invokeOrThrow(api, 'storage:configure', rule);
        set({ status, problems, saving: false, error: undefined });
        return problems.length === 0;
      } catch (err) {
        set({ problems: [`The rule could not be applied: ${errorOf(err).message}`], saving: false });
        return false;
      }
    },
  }));
}

const created = new WeakMap<object, StorageStore>();

/** The storage store of a window: `stores.storage` once AppContext creates it, else one made on first use. */
export function storageStoreOf(stores: { api: PreloadApi; storage?: StorageStore }): StorageStore {
  if (stores.storage) return stores.storage;
  let store = created.get(stores);
  if (!store) {
    store = createStorageStore(stores.api);
    created.set(stores, store);
  }
  return store;
}

/** Bytes per GB as the size cap is typed and shown (1024³, as Windows Explorer counts a "GB"). */
export const BYTES_PER_GB = 1024 ** 3;

/** A size for people: "0 bytes", "812 KB", "3.4 MB", "50 GB" (1024-based, like the OS file manager). */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 1024) return `${Math.max(0, Math.round(bytes || 0))} bytes`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value >= 100 ? Math.round(value) : value.toFixed(1).replace(/\.0$/, '')} ${units[unit]}`;
}

/** The rule in words: "Keep 30 days · at most 50 GB", or that everything is kept. */
export function describeRule(rule: RetentionRule): string {
  const parts: string[] = [];
  if (rule.maxAgeDays !== null) parts.push(`keep ${rule.maxAgeDays} day${rule.maxAgeDays === 1 ? '' : 's'}`);
  if (rule.maxBytes !== null) parts.push(`at most ${formatBytes(rule.maxBytes)}`);
  if (parts.length === 0) return 'No rule: every received image is kept';
  const text = parts.join(' · ');
  return text[0].toUpperCase() + text.slice(1);
}

/** The form's text for a rule (blank = no limit). */
export function ruleFields(rule: RetentionRule): { days: string; gb: string } {
  const gb = rule.maxBytes === null ? '' : String(Math.round((rule.maxBytes / BYTES_PER_GB) * 100) / 100);
  return { days: rule.maxAgeDays === null ? '' : String(rule.maxAgeDays), gb };
}

/** Reads the form: blank fields are "no limit"; anything else must be a positive number. */
export function parseRule(days: string, gb: string): { rule: RetentionRule } | { problems: string[] } {
  const problems: string[] = [];
  let maxAgeDays: number | null = null;
  let maxBytes: number | null = null;
  const d = days.trim();
  if (d) {
    if (!/^\d+$/.test(d) || Number(d) < 1 || Number(d) > 36_500) problems.push('Days must be a whole number from 1 to 36500, or blank to keep images of any age.');
    else maxAgeDays = Number(d);
  }
  const g = gb.trim().replace(',', '.');
  if (g) {
    const value = Number(g);
    if (!/^\d*\.?\d+$/.test(g) || !(value > 0)) problems.push('The size cap must be a number of GB above 0, or blank for no cap.');
    else maxBytes = Math.max(1, Math.round(value * BYTES_PER_GB));
  }
  return problems.length > 0 ? { problems } : { rule: { maxAgeDays, maxBytes } };
}

/** The last run in words: "2024-03-01 14:05 — deleted 12 files (1.2 GB)", failures named. */
export function describeLastRun(lastRun: StorageStatus['lastRun']): string {
  if (!lastRun) return 'Not run yet';
  const at = new Date(lastRun.atMs);
  const pad = (n: number) => String(n).padStart(2, '0');
  const when = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())} ${pad(at.getHours())}:${pad(at.getMinutes())}`;
  const deleted =
    lastRun.deletedFiles === 0 ? 'nothing deleted' : `deleted ${lastRun.deletedFiles} file${lastRun.deletedFiles === 1 ? '' : 's'} (${formatBytes(lastRun.freedBytes)})`;
  const failed = lastRun.failed > 0 ? `; ${lastRun.failed} could not be deleted` : '';
  return `${when} — ${deleted}${failed}`;
}
