import { describe, expect, it } from 'vitest';
import { restoreSession, type SavedSession } from '../../../../app/renderer/stores/session';
import { createStudiesStore } from '../../../../app/renderer/stores/studies.store';
import { createViewerStore } from '../../../../app/renderer/stores/viewer.store';
import { createWorklistStore } from '../../../../app/renderer/stores/worklist.store';
import { createFakeApi } from './fakeApi';

const saved = (mode: SavedSession['mode']): SavedSession => ({ version: 1, mode, layout: '1x1', activeSlot: 0, slots: [null, null] });

describe('session restore of the PACS screen (issue #11)', () => {
  const stores = () => {
    const api = createFakeApi({});
    return { studies: createStudiesStore(api), viewer: createViewerStore(api), worklist: createWorklistStore(api) };
  };

  it('a session left on the PACS screen reopens it', async () => {
    const s = stores();
    await restoreSession(s, saved('pacs'));
    expect(s.worklist.getState().mode).toBe('pacs');
  });

  it('a screen the user chose meanwhile is kept', async () => {
    const s = stores();
    s.worklist.getState().setMode('viewer');
    await restoreSession(s, saved('pacs'));
    expect(s.worklist.getState().mode).toBe('viewer');
  });
});
