import { describe, expect, it } from 'vitest';
import { isTextInput, resolveShortcut, SHORTCUTS, shortcutLabel } from '../../../../app/renderer/viewer/keymap';

describe('resolveShortcut', () => {
  it('maps letters to tools', () => {
    expect(resolveShortcut({ key: 'w' })).toEqual({ type: 'tool', tool: 'windowLevel' });
    expect(resolveShortcut({ key: 'l' })).toEqual({ type: 'tool', tool: 'length' });
  });

  it('maps 1–3 to chest presets, 4–9 to DICOM presets and 0 to auto', () => {
    expect(resolveShortcut({ key: '1' })).toEqual({ type: 'chestPreset', preset: 'lung' });
    expect(resolveShortcut({ key: '4' })).toEqual({ type: 'dicomPreset', index: 0 });
    expect(resolveShortcut({ key: '9' })).toEqual({ type: 'dicomPreset', index: 5 });
    expect(resolveShortcut({ key: '0' })).toEqual({ type: 'autoWindow' });
  });

  it('distinguishes Ctrl+O (open files) from O (1:1) and treats ⌘ as Ctrl', () => {
    expect(resolveShortcut({ key: 'o' })).toEqual({ type: 'actualSize' });
    expect(resolveShortcut({ key: 'o', ctrlKey: true })).toEqual({ type: 'openFiles' });
    expect(resolveShortcut({ key: 'o', metaKey: true })).toEqual({ type: 'openFiles' });
  });

  it('maps Shift+R (key "R") to counter-clockwise rotation', () => {
    expect(resolveShortcut({ key: 'R' })).toEqual({ type: 'rotateCcw' });
  });

  it('leaves Alt combinations and unbound keys alone', () => {
    expect(resolveShortcut({ key: 'w', altKey: true })).toBeUndefined();
    expect(resolveShortcut({ key: 'q' })).toBeUndefined();
  });

  it('opens help on ?', () => {
    expect(resolveShortcut({ key: '?' })).toEqual({ type: 'help' });
  });
});

describe('SHORTCUTS', () => {
  it('binds every key combination once', () => {
    const keys = SHORTCUTS.map((s) => `${s.ctrl ? 'ctrl+' : ''}${s.key}`);
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('covers every tool of issue #2', () => {
    const types = new Set(SHORTCUTS.map((s) => (s.action.type === 'tool' ? `tool:${s.action.tool}` : s.action.type)));
    for (const t of [
      'tool:windowLevel', 'tool:pan', 'tool:zoom', 'tool:magnify', 'tool:length', 'tool:angle', 'tool:probe',
      'chestPreset', 'dicomPreset', 'autoWindow', 'invert', 'fit', 'actualSize', 'rotateCw', 'flipH', 'flipV', 'reset',
      'toggleOverlay', 'toggleTags', 'toggleLayout', 'comparePrior', 'help',
    ]) {
      expect(types.has(t), t).toBe(true);
    }
  });

  it('gives the toolbar a label per action', () => {
    expect(shortcutLabel({ type: 'invert' })).toBe('I');
  });
});

describe('isTextInput', () => {
  it('recognises text fields so typing in search does not trigger tools', () => {
    expect(isTextInput({ tagName: 'INPUT' } as unknown as EventTarget)).toBe(true);
    expect(isTextInput({ tagName: 'DIV', isContentEditable: false } as unknown as EventTarget)).toBe(false);
    expect(isTextInput(null)).toBe(false);
  });
});
