import { describe, expect, it } from 'vitest';
import { handle, IpcRouter } from '../../../../app/main/ipc/handle';
import { CodedError } from '../../../../app/shared/result';

const ctx = { shell: 'harness' as const };

describe('handle()', () => {
  it('returns ok with the value for a valid request, defaults applied', async () => {
    const wrapped = handle('images:thumbnail', (req) => ({ width: req.size, height: req.size, rgba: new ArrayBuffer(4) }));
    const result = await wrapped({ instanceId: 'abc' }, ctx);
    expect(result).toMatchObject({ ok: true, value: { width: 128, height: 128 } });
  });

  it('rejects an invalid request with INVALID_REQUEST without calling the handler', async () => {
    let called = false;
    const wrapped = handle('studies:import', () => {
      called = true;
      return { jobId: 'x' };
    });
    const result = await wrapped({ paths: [] }, ctx);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('INVALID_REQUEST');
      expect(result.error.message).toContain('paths');
    }
    expect(called).toBe(false);
  });

  it('keeps the code of a thrown CodedError', async () => {
    const wrapped = handle('studies:priors', () => {
      throw new CodedError('STUDY_NOT_FOUND', 'study is not in the catalog');
    });
    expect(await wrapped({ studyKey: 'k' }, ctx)).toEqual({ ok: false, error: { code: 'STUDY_NOT_FOUND', message: 'study is not in the catalog' } });
  });

  it('turns an unknown error into INTERNAL without stack or full paths', async () => {
    const wrapped = handle('studies:list', () => {
      throw new Error("ENOENT: no such file or directory, open '/home/alice/Patients/Doe/x.dcm'");
    });
    const result = await wrapped({}, ctx);
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('INTERNAL');
      expect(result.error.message).toBe('ENOENT: no such file or directory, open \'x.dcm\'');
      expect(result.error.message).not.toMatch(/\n\s+at /);
    }
  });

  it('checks responses against the contract when asked', async () => {
    const wrapped = handle('app:info', () => ({ version: 1 }) as never, { validateResponse: true });
    const result = await wrapped({}, ctx);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('INVALID_RESPONSE');
  });
});

describe('IpcRouter', () => {
  it('dispatches to the registered handler and refuses unknown channels', async () => {
    const router = new IpcRouter().handle('app:info', () => ({ version: '1', platform: 'linux', shell: 'harness' }));
    expect(await router.dispatch('app:info', {}, ctx)).toEqual({ ok: true, value: { version: '1', platform: 'linux', shell: 'harness' } });
    const unknown = await router.dispatch('fs:readFile', {}, ctx);
    expect(unknown.ok).toBe(false);
    if (!unknown.ok) expect(unknown.error.code).toBe('UNKNOWN_CHANNEL');
    const unregistered = await router.dispatch('studies:list', {}, ctx);
    if (!unregistered.ok) expect(unregistered.error.code).toBe('UNKNOWN_CHANNEL');
    expect(() => router.handle('app:info', () => ({ version: '2', platform: 'x', shell: 'harness' }))).toThrow(/already registered/);
  });
});
