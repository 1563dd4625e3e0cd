import { describe, expect, it } from 'vitest';
import { resolveShortcut, SHORTCUTS, shortcutLabel } from '../../../../app/renderer/viewer/keymap';

describe('zoom/pan sync shortcut (issue #10)', () => {
  it('S toggles sync and is listed in the help overlay’s Study group', () => {
    expect(resolveShortcut({ key: 's' })).toEqual({ type: 'toggleSync' });
    expect(resolveShortcut({ key: 's', ctrlKey: true })).toBeUndefined();
    expect(shortcutLabel({ type: 'toggleSync' })).toBe('S');
    const entry = SHORTCUTS.find((s) => s.action.type === 'toggleSync');
    expect(entry?.group).toBe('Study');
    expect(entry?.description).toMatch(/zoom\/pan/);
  });
});
