import { describe, expect, it } from 'vitest';

import { comparedImages, covidChange, formatDelta, type AiEntry } from '../../../../app/renderer/stores/ai.store';
import type { AiResult } from '../../../../app/shared/ipc/contract';

const result = (covid: number, extra: Partial<AiResult> = {}): AiResult => ({
  probabilities: { covid, normal: 1 - covid, pneumonia: 0 },
  label: covid > 0.5 ? 'covid' : 'normal',
  priority: 'medium',
  outOfDistribution: false,
  ood: 1,
  cam: new ArrayBuffer(0),
  camHeight: 0,
  camWidth: 0,
  letterbox: { size: 224, top: 0, left: 0, rows: 224, cols: 224 },
  rows: 10,
  columns: 10,
  model: { name: 'm', version: '1', sha256: 'abc' },
  provider: 'cpu',
  cached: false,
  ms: 1,
  ...extra,
});
const done = (r: AiResult): AiEntry => ({ state: 'done', result: r });

const dates: Record<string, string> = { cur: '20240301', old: '20230101' };
const dateOf = (key: string) => dates[key];

describe('comparedImages', () => {
  it('pairs the two studies of a 1×2 comparison, the newer one as current', () => {
    const slots = [
      { studyKey: 'cur', instanceId: 'i1', frame: 0 },
      { studyKey: 'old', instanceId: 'i2', frame: 0 },
    ];
    expect(comparedImages('1x2', slots, dateOf)).toEqual({
      current: { slot: 0, studyKey: 'cur', instanceId: 'i1', frame: 0, studyDate: '20240301' },
      prior: { slot: 1, studyKey: 'old', instanceId: 'i2', frame: 0, studyDate: '20230101' },
    });
    // The prior opened on the left: still compared from prior to current.
    const swapped = comparedImages('1x2', [slots[1], slots[0]], dateOf);
    expect(swapped?.current.studyKey).toBe('cur');
    expect(swapped?.prior.slot).toBe(0);
  });

  it('is not a comparison in 1×1, with one viewport empty, or with the same study twice', () => {
    const a = { studyKey: 'cur', instanceId: 'i1', frame: 0 };
    expect(comparedImages('1x1', [a, { studyKey: 'old', instanceId: 'i2', frame: 0 }], dateOf)).toBeUndefined();
    expect(comparedImages('1x2', [a, { frame: 0 }], dateOf)).toBeUndefined();
    expect(comparedImages('1x2', [a, { ...a, instanceId: 'i9' }], dateOf)).toBeUndefined();
  });

  it('keeps the left viewport as current when dates are unknown', () => {
    const pair = comparedImages('1x2', [{ studyKey: 'x', instanceId: 'a', frame: 0 }, { studyKey: 'old', instanceId: 'b', frame: 0 }], dateOf);
    expect(pair?.current.studyKey).toBe('x');
  });
});

describe('covidChange', () => {
  it('is the current P(COVID) minus the prior one', () => {
    const change = covidChange(done(result(0.71)), done(result(0.48)));
    expect('delta' in change && change.delta).toBeCloseTo(0.23, 10);
  });

  it('waits for both results and says when one failed', () => {
    expect(covidChange({ state: 'running' }, done(result(0.4)))).toEqual({ reason: 'waiting for both AI results' });
    expect(covidChange(undefined, undefined)).toEqual({ reason: 'waiting for both AI results' });
    expect(covidChange(done(result(0.4)), { state: 'failed', error: { code: 'X', message: 'no' } })).toEqual({ reason: 'an AI result failed' });
  });

  it('flags the change when either result is unreliable', () => {
    expect(covidChange(done(result(0.71)), done(result(0.48)))).toMatchObject({ unreliable: false });
    expect(covidChange(done(result(0.9, { outOfDistribution: true, priority: 'unreliable' })), done(result(0.1)))).toMatchObject({ unreliable: true });
    expect(covidChange(done(result(0.9)), done(result(0.1, { outOfDistribution: true })))).toMatchObject({ unreliable: true });
  });

  it('gives no change when the models differ', () => {
    expect(covidChange(done(result(0.9)), done(result(0.1, { model: { name: 'm', version: '2', sha256: 'def' } })))).toMatchObject({
      reason: expect.stringContaining('different models'),
    });
  });
});

describe('formatDelta', () => {
  it('signs the change to two decimals with a true minus sign', () => {
    expect(formatDelta(0.2345)).toBe('+0.23');
    expect(formatDelta(-0.05)).toBe('−0.05');
    expect(formatDelta(0.001)).toBe('±0.00');
  });
});
