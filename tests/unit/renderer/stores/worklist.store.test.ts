import { describe, expect, it } from 'vitest';

import { cleanFilter, createWorklistStore, runningImports } from '../../../../app/renderer/stores/worklist.store';
import type { WorklistRow } from '../../../../app/shared/ipc/contract';
import { createFakeApi } from './fakeApi';

function row(n: number, overrides: Partial<WorklistRow> = {}): WorklistRow {
  return {
    studyInstanceUid: `1.2.${n}`,
    patientName: `P^${n}`,
    patientId: `ID${n}`,
    studyDate: '20240101',
    modality: 'DX',
    covid: 1 - n / 10,
    priority: 'high',
    outOfDistribution: false,
    group: 'ranked',
    status: 'triaged',
    failureReason: null,
    reviewer: null,
    note: null,
    arrivalMs: n,
    ...overrides,
  };
}

const counts = { unreliable: 0, high: 3, medium: 0, low: 0, none: 0 };

function listApi(rows: () => WorklistRow[]) {
  return createFakeApi({
    'worklist:list': () => ({ ok: true, value: { entries: rows(), counts, ms: 1 } }),
    'worklist:review': (r) => ({ ok: true, value: { entry: { ...rows().find((e) => e.studyInstanceUid === r.studyInstanceUid)!, status: r.action === 'note' ? 'triaged' : r.action, note: r.note ?? null } } }),
    'worklist:open': () => ({ ok: true, value: { studyKey: 'key-1' } }),
    'dialog:open': () => ({ ok: true, value: { paths: ['/data/in'] } }),
    'worklist:import': () => ({ ok: true, value: { jobId: 'job-1' } }),
    'worklist:cancelImport': () => ({ ok: true, value: { cancelled: true } }),
    'worklist:exportCsv': () => ({ ok: true, value: { csv: '# AI prioritisation only — not for diagnosis\r\n', fileName: 'w.csv' } }),
  });
}

describe('worklist store', () => {
  it('loads rows and counts, selecting the first row; the default sort is COVID highest first', async () => {
    const api = listApi(() => [row(1), row(2), row(3)]);
    const store = createWorklistStore(api);
    await store.getState().refresh();
    expect(store.getState()).toMatchObject({ status: 'ready', counts, selectedIndex: 0, selectedUid: '1.2.1' });
    expect(api.calls[0]).toEqual({ channel: 'worklist:list', request: { filter: {}, sort: { column: 'covid', direction: 'desc' } } });
  });

  it('keeps the selected study selected when a live update re-orders the list', async () => {
    let rows = [row(1), row(2), row(3)];
    const api = listApi(() => rows);
    const store = createWorklistStore(api);
    const off = store.getState().connect();
    await store.getState().refresh();
    store.getState().moveSelection(1);
    expect(store.getState().selectedUid).toBe('1.2.2');
    rows = [row(0), row(1), row(2), row(3)];
    api.emit('worklist:changed', {});
    await store.getState().refresh();
    expect(store.getState()).toMatchObject({ selectedIndex: 2, selectedUid: '1.2.2' });
    off();
  });

  it('moves the selection within the list bounds', async () => {
    const store = createWorklistStore(listApi(() => [row(1), row(2)]));
    await store.getState().refresh();
    store.getState().moveSelection(-1);
    expect(store.getState().selectedIndex).toBe(0);
    store.getState().moveSelection(5);
    expect(store.getState().selectedIndex).toBe(1);
  });

  it('sorts by a clicked column in main, flipping the direction on a second click', async () => {
    const api = listApi(() => [row(1)]);
    const store = createWorklistStore(api);
    store.getState().setSort('patientName');
    store.getState().setSort('patientName');
    await store.getState().refresh();
    const sorts = api.calls.filter((c) => c.channel === 'worklist:list').map((c) => (c.request as { sort: unknown }).sort);
    expect(sorts).toContainEqual({ column: 'patientName', direction: 'asc' });
    expect(sorts.at(-1)).toEqual({ column: 'patientName', direction: 'desc' });
  });

  it('sends only the filter fields that narrow the list', async () => {
    const api = listApi(() => []);
    const store = createWorklistStore(api);
    store.getState().setFilter({ priority: ['high'], search: '  doe ', modality: [], dateFrom: '20240101' });
    await store.getState().refresh();
    expect((api.calls.at(-1)!.request as { filter: unknown }).filter).toEqual({ priority: ['high'], search: 'doe', dateFrom: '20240101' });
    expect(cleanFilter({ status: [], search: ' ' })).toEqual({});
  });

  it('R marks the selected study reviewed; E needs a note before escalating', async () => {
    const api = listApi(() => [row(1), row(2)]);
    const store = createWorklistStore(api);
    await store.getState().refresh();
    await store.getState().markReviewed();
    expect(api.calls.find((c) => c.channel === 'worklist:review')?.request).toEqual({ studyInstanceUid: '1.2.1', action: 'reviewed', note: undefined });
    store.getState().startEscalate();
    expect(store.getState().escalating).toBe('1.2.1');
    expect(await store.getState().escalate('   ')).toBe(false);
    expect(store.getState().escalating).toBe('1.2.1');
    expect(await store.getState().escalate('call the ward')).toBe(true);
    expect(store.getState().escalating).toBeUndefined();
    expect(api.calls.filter((c) => c.channel === 'worklist:review').at(-1)?.request).toMatchObject({ action: 'escalated', note: 'call the ward' });
  });

  it('opening the selected study switches to the viewer and remembers it came from the list', async () => {
    const store = createWorklistStore(listApi(() => [row(1)]));
    store.getState().setMode('worklist');
    await store.getState().refresh();
    store.getState().setScrollTop(120);
    expect(await store.getState().openSelected()).toBe('key-1');
    expect(store.getState()).toMatchObject({ mode: 'viewer', openedFromWorklist: true, scrollTop: 120, selectedIndex: 0 });
    store.getState().setMode('worklist');
    expect(store.getState()).toMatchObject({ mode: 'worklist', openedFromWorklist: false, scrollTop: 120 });
  });

  it('imports through the folder dialog, shows progress events and re-queries when a job ends', async () => {
    const api = listApi(() => []);
    const store = createWorklistStore(api);
    const off = store.getState().connect();
    await store.getState().importFolder();
    expect(api.calls.find((c) => c.channel === 'worklist:import')?.request).toEqual({ paths: ['/data/in'] });
    expect(runningImports(store.getState().imports)).toHaveLength(1);
    api.emit('worklist:progress', { jobId: 'job-1', phase: 'importing', total: 10, done: 4, failed: 1, etaSeconds: 3 });
    expect(store.getState().imports['job-1']).toMatchObject({ done: 4, etaSeconds: 3 });
    const before = api.calls.filter((c) => c.channel === 'worklist:list').length;
    api.emit('worklist:progress', { jobId: 'job-1', phase: 'done', total: 10, done: 10, failed: 1, etaSeconds: null });
    await store.getState().refresh();
    expect(runningImports(store.getState().imports)).toHaveLength(0);
    expect(api.calls.filter((c) => c.channel === 'worklist:list').length).toBeGreaterThan(before);
    off();
  });

  it('reports a failed call as a message, not a throw', async () => {
    const store = createWorklistStore(createFakeApi({ 'worklist:list': () => ({ ok: true, value: { entries: [row(1)], counts, ms: 1 } }) }));
    await store.getState().refresh();
    expect(await store.getState().exportCsv()).toBeUndefined();
    expect(store.getState().message).toMatch(/^Export failed/);
  });
});
