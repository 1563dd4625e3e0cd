import { describe, expect, it } from 'vitest';

import {
  BYTES_PER_GB,
  createStorageStore,
  describeLastRun,
  describeRule,
  formatBytes,
  parseRule,
  ruleFields,
  storageStoreOf,
} from '../../../../app/renderer/stores/storage.store';
import type { StorageStatus } from '../../../../app/shared/ipc/contract';
import { createFakeApi } from './fakeApi';

const status = (rule: StorageStatus['rule'], extra: Partial<StorageStatus> = {}): StorageStatus => ({
  folder: '/var/cxr/received',
  files: 1200,
  bytes: 3.5 * BYTES_PER_GB,
  rule,
  problems: [],
  ...extra,
});

describe('storage store', () => {
  it('opens the dialog and reads the storage status', async () => {
    const api = createFakeApi({ 'storage:status': () => ({ ok: true, value: status({ maxAgeDays: 30, maxBytes: null }) }) });
    const store = createStorageStore(api);
    await store.getState().open();
    expect(store.getState()).toMatchObject({ dialogOpen: true, loading: false, status: { files: 1200, rule: { maxAgeDays: 30 } } });
    store.getState().close();
    expect(store.getState().dialogOpen).toBe(false);
  });

  it('says why the status could not be read', async () => {
    const api = createFakeApi({ 'storage:status': () => ({ ok: false, error: { code: 'IPC_FAILED', message: 'main is gone' } }) });
    const store = createStorageStore(api);
    await store.getState().load();
    expect(store.getState().error).toMatchObject({ message: 'main is gone' });
  });

  it('saves a rule (applied by main at once) and shows the status main answers', async () => {
    const api = createFakeApi({
      'storage:configure': (rule) => ({
        ok: true,
        value: { status: status(rule, { files: 900, lastRun: { atMs: 1, deletedFiles: 300, freedBytes: BYTES_PER_GB, failed: 0 } }), problems: [] },
      }),
    });
    const store = createStorageStore(api);
    expect(await store.getState().save({ maxAgeDays: 14, maxBytes: 2 * BYTES_PER_GB })).toBe(true);
    expect(api.calls.at(-1)).toEqual({ channel: 'storage:configure', request: { maxAgeDays: 14, maxBytes: 2 * BYTES_PER_GB } });
    expect(store.getState()).toMatchObject({ saving: false, problems: [], status: { files: 900, lastRun: { deletedFiles: 300 } } });
  });

  it('shows main’s problems, and a failed call as a problem', async () => {
    let calls = 0;
    const api = createFakeApi({
      'storage:configure': (rule) =>
        ++calls === 1
          ? { ok: true, value: { status: status({ maxAgeDays: null, maxBytes: null }), problems: ['the rule could not be saved (EACCES); nothing changed'] } }
          : { ok: false, error: { code: 'IPC_FAILED', message: `refused ${rule.maxAgeDays}` } },
    });
    const store = createStorageStore(api);
    expect(await store.getState().save({ maxAgeDays: 7, maxBytes: null })).toBe(false);
    expect(store.getState().problems).toEqual(['the rule could not be saved (EACCES); nothing changed']);
    expect(await store.getState().save({ maxAgeDays: 7, maxBytes: null })).toBe(false);
    expect(store.getState().problems[0]).toContain('refused 7');
  });

  it('gives one storage store per window until AppContext creates its own', () => {
    const api = createFakeApi({});
    const windowStores = { api };
    expect(storageStoreOf(windowStores)).toBe(storageStoreOf(windowStores));
    const own = createStorageStore(api);
    expect(storageStoreOf({ api, storage: own })).toBe(own);
  });
});

describe('storage wording', () => {
  it('writes sizes for people', () => {
    expect(formatBytes(0)).toBe('0 bytes');
    expect(formatBytes(812)).toBe('812 bytes');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(3.4 * 1024 ** 2)).toBe('3.4 MB');
    expect(formatBytes(250 * BYTES_PER_GB)).toBe('250 GB');
    expect(formatBytes(2.5 * 1024 * BYTES_PER_GB)).toBe('2.5 TB');
  });

  it('states the rule, or that everything is kept', () => {
    expect(describeRule({ maxAgeDays: null, maxBytes: null })).toBe('No rule: every received image is kept');
    expect(describeRule({ maxAgeDays: 30, maxBytes: 50 * BYTES_PER_GB })).toBe('Keep 30 days · at most 50 GB');
    expect(describeRule({ maxAgeDays: 1, maxBytes: null })).toBe('Keep 1 day');
    expect(describeRule({ maxAgeDays: null, maxBytes: BYTES_PER_GB })).toBe('At most 1 GB');
  });

  it('reads the form: blank is no limit, GB may be decimal (comma too), nonsense is refused', () => {
    expect(parseRule('', '')).toEqual({ rule: { maxAgeDays: null, maxBytes: null } });
    expect(parseRule(' 30 ', '1.5')).toEqual({ rule: { maxAgeDays: 30, maxBytes: 1.5 * BYTES_PER_GB } });
    expect(parseRule('', '0,5')).toEqual({ rule: { maxAgeDays: null, maxBytes: 0.5 * BYTES_PER_GB } });
    expect(parseRule('0', '')).toMatchObject({ problems: [expect.stringContaining('Days')] });
    expect(parseRule('2.5', '-1')).toMatchObject({ problems: [expect.stringContaining('Days'), expect.stringContaining('size cap')] });
    expect(parseRule('', 'lots')).toMatchObject({ problems: [expect.stringContaining('size cap')] });
  });

  it('fills the form from the rule in force', () => {
    expect(ruleFields({ maxAgeDays: 30, maxBytes: 50 * BYTES_PER_GB })).toEqual({ days: '30', gb: '50' });
    expect(ruleFields({ maxAgeDays: null, maxBytes: null })).toEqual({ days: '', gb: '' });
  });

  it('tells what the last run deleted and what it could not', () => {
    expect(describeLastRun(undefined)).toBe('Not run yet');
    const at = new Date(2024, 2, 1, 14, 5).getTime();
    expect(describeLastRun({ atMs: at, deletedFiles: 0, freedBytes: 0, failed: 0 })).toBe('2024-03-01 14:05 — nothing deleted');
    expect(describeLastRun({ atMs: at, deletedFiles: 12, freedBytes: 1.2 * BYTES_PER_GB, failed: 2 })).toBe('2024-03-01 14:05 — deleted 12 files (1.2 GB); 2 could not be deleted');
  });
});
