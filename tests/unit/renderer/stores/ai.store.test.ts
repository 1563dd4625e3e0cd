import { describe, expect, it } from 'vitest';

import type { AiResult, AiStatus } from '../../../../app/shared/ipc/contract';
import { aiEntryKey, createAiStore } from '../../../../app/renderer/stores/ai.store';
import { createFakeApi } from './fakeApi';

const status = (state: AiStatus['state']): AiStatus => ({
  state,
  bundledModels: [],
  fallbackReasons: [],
  settings: { forceCpu: false },
  queue: { queued: 0, running: 0, done: 0, failed: 0 },
});

const result: AiResult = {
  probabilities: { covid: 0.7, normal: 0.2, pneumonia: 0.1 },
  label: 'covid',
  priority: 'high',
  outOfDistribution: false,
  ood: 3,
  cam: new Float32Array(3 * 4).buffer,
  camHeight: 2,
  camWidth: 2,
  letterbox: { size: 224, top: 0, left: 0, rows: 224, cols: 224 },
  rows: 10,
  columns: 10,
  model: { name: 'm', version: '1.0.0', sha256: 'x' },
  provider: 'cpu',
  cached: false,
  ms: 12,
};

describe('ai store', () => {
  it('follows ai:status events after reading the status once', async () => {
    const api = createFakeApi({ 'ai:status': () => ({ ok: true, value: status('loading') }) });
    const store = createAiStore(api);
    store.getState().connect();
    await new Promise((r) => setTimeout(r, 0));
    expect(store.getState().status?.state).toBe('loading');
    api.emit('ai:status', status('ready'));
    expect(store.getState().status?.state).toBe('ready');
  });

  it('keeps one result per image: running, then done, without asking twice', async () => {
    const api = createFakeApi({ 'ai:classify': () => ({ ok: true, value: result }) });
    const store = createAiStore(api);
    const pending = store.getState().classify('i1');
    expect(store.getState().entries[aiEntryKey('i1')]).toEqual({ state: 'running' });
    await pending;
    expect(store.getState().entries[aiEntryKey('i1')]).toEqual({ state: 'done', result });
    await store.getState().classify('i1');
    expect(api.calls.filter((c) => c.channel === 'ai:classify')).toHaveLength(1);
  });

  it('records a failure with its message and retries on the next request', async () => {
    let calls = 0;
    const api = createFakeApi({
      'ai:classify': () => (++calls === 1 ? { ok: false, error: { code: 'AI_UNAVAILABLE', message: 'AI is unavailable: no model' } } : { ok: true, value: result }),
    });
    const store = createAiStore(api);
    await store.getState().classify('i1');
    expect(store.getState().entries[aiEntryKey('i1')]).toMatchObject({ state: 'failed', error: { code: 'AI_UNAVAILABLE' } });
    await store.getState().classify('i1');
    expect(store.getState().entries[aiEntryKey('i1')]?.state).toBe('done');
  });

  it('returns the reason when a custom model is refused, and clears old results when a new one loads', async () => {
    const api = createFakeApi({
      'ai:classify': () => ({ ok: true, value: result }),
      'ai:configure': (req) =>
        req.customModelPath === '/bad.json' ? { ok: false, error: { code: 'MODEL_MANIFEST_INVALID', message: 'labels: required' } } : { ok: true, value: status('ready') },
    });
    const store = createAiStore(api);
    await store.getState().classify('i1');
    expect(await store.getState().configure({ customModelPath: '/bad.json' })).toMatchObject({ code: 'MODEL_MANIFEST_INVALID' });
    expect(Object.keys(store.getState().entries)).toHaveLength(1);
    expect(await store.getState().configure({ customModelPath: '/good.json' })).toBeUndefined();
    expect(store.getState().entries).toEqual({});
  });
});
