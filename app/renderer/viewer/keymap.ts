/**
 * Keyboard shortcuts: one table drives the key handler, the toolbar's tooltips and the
 * help overlay, so they cannot drift apart (issue #2: "keyboard shortcuts for every
 * tool, listed in a help overlay").
 */

/** Mouse tools bound to the left button. */
export type ToolName = 'windowLevel' | 'pan' | 'zoom' | 'magnify' | 'length' | 'angle' | 'probe';

import type { ChestPresetName } from './voi';

/** Everything a shortcut or toolbar button can do. */
export type ViewerAction =
  | { type: 'tool'; tool: ToolName }
  | { type: 'chestPreset'; preset: ChestPresetName }
  | { type: 'dicomPreset'; index: number }
  | { type: 'autoWindow' }
  | { type: 'invert' }
  | { type: 'zoomIn' }
  | { type: 'zoomOut' }
  | { type: 'fit' }
  | { type: 'actualSize' }
  | { type: 'rotateCw' }
  | { type: 'rotateCcw' }
  | { type: 'flipH' }
  | { type: 'flipV' }
  | { type: 'reset' }
  | { type: 'clearMeasurements' }
  | { type: 'toggleOverlay' }
  | { type: 'toggleTags' }
  | { type: 'toggleLayout' }
  | { type: 'comparePrior' }
  /** Zoom/pan of the two viewports of a comparison together or apart (issue #10). */
  | { type: 'toggleSync' }
  | { type: 'toggleHeatmap' }
  | { type: 'nextImage' }
  | { type: 'previousImage' }
  | { type: 'openFiles' }
  | { type: 'openFolder' }
  | { type: 'help' }
  | { type: 'escape' };

export interface Shortcut {
  /** `KeyboardEvent.key` as typed (letters lower-case; shift-letters upper-case). */
  key: string;
  ctrl?: boolean;
  /** Label shown in the help overlay. */
  label: string;
  description: string;
  group: 'Tools' | 'Window' | 'View' | 'Study' | 'General';
  action: ViewerAction;
}

const dicomPresetShortcuts: Shortcut[] = [4, 5, 6, 7, 8, 9].map((digit, index) => ({
  key: String(digit),
  label: String(digit),
  description: `DICOM window preset ${index + 1} (from the file)`,
  group: 'Window' as const,
  action: { type: 'dicomPreset' as const, index },
}));

/** All shortcuts, in help-overlay order. */
export const SHORTCUTS: readonly Shortcut[] = [
  { key: 'w', label: 'W', description: 'Window/level tool (left-drag)', group: 'Tools', action: { type: 'tool', tool: 'windowLevel' } },
  { key: 'p', label: 'P', description: 'Pan tool', group: 'Tools', action: { type: 'tool', tool: 'pan' } },
  { key: 'z', label: 'Z', description: 'Zoom tool (drag up/down)', group: 'Tools', action: { type: 'tool', tool: 'zoom' } },
  { key: 'm', label: 'M', description: 'Magnifier', group: 'Tools', action: { type: 'tool', tool: 'magnify' } },
  { key: 'l', label: 'L', description: 'Length measurement (mm)', group: 'Tools', action: { type: 'tool', tool: 'length' } },
  { key: 'a', label: 'A', description: 'Angle measurement', group: 'Tools', action: { type: 'tool', tool: 'angle' } },
  { key: 'd', label: 'D', description: 'Pixel probe (stored and modality value)', group: 'Tools', action: { type: 'tool', tool: 'probe' } },
  { key: 'Delete', label: 'Del', description: 'Delete all measurements', group: 'Tools', action: { type: 'clearMeasurements' } },
  { key: '1', label: '1', description: 'Chest preset: lung', group: 'Window', action: { type: 'chestPreset', preset: 'lung' } },
  { key: '2', label: '2', description: 'Chest preset: mediastinum', group: 'Window', action: { type: 'chestPreset', preset: 'mediastinum' } },
  { key: '3', label: '3', description: 'Chest preset: bone', group: 'Window', action: { type: 'chestPreset', preset: 'bone' } },
  ...dicomPresetShortcuts,
  { key: '0', label: '0', description: 'Automatic window (histogram)', group: 'Window', action: { type: 'autoWindow' } },
  { key: 'i', label: 'I', description: 'Invert', group: 'Window', action: { type: 'invert' } },
  { key: '+', label: '+', description: 'Zoom in', group: 'View', action: { type: 'zoomIn' } },
  { key: '=', label: '=', description: 'Zoom in', group: 'View', action: { type: 'zoomIn' } },
  { key: '-', label: '−', description: 'Zoom out', group: 'View', action: { type: 'zoomOut' } },
  { key: 'f', label: 'F', description: 'Fit to window', group: 'View', action: { type: 'fit' } },
  { key: 'o', label: 'O', description: 'Original size (1:1)', group: 'View', action: { type: 'actualSize' } },
  { key: 'r', label: 'R', description: 'Rotate 90° clockwise', group: 'View', action: { type: 'rotateCw' } },
  { key: 'R', label: 'Shift+R', description: 'Rotate 90° counter-clockwise', group: 'View', action: { type: 'rotateCcw' } },
  { key: 'h', label: 'H', description: 'Flip horizontally', group: 'View', action: { type: 'flipH' } },
  { key: 'v', label: 'V', description: 'Flip vertically', group: 'View', action: { type: 'flipV' } },
  { key: 'x', label: 'X', description: 'Reset view (window, zoom, rotation, flips)', group: 'View', action: { type: 'reset' } },
  { key: 't', label: 'T', description: 'Show/hide overlay text', group: 'View', action: { type: 'toggleOverlay' } },
  { key: 'g', label: 'G', description: 'DICOM tag browser', group: 'Study', action: { type: 'toggleTags' } },
  { key: 'b', label: 'B', description: 'Layout 1×1 / 1×2', group: 'Study', action: { type: 'toggleLayout' } },
  { key: 'c', label: 'C', description: 'Compare with prior study (1×2)', group: 'Study', action: { type: 'comparePrior' } },
  { key: 's', label: 'S', description: 'Synchronise zoom/pan of the two viewports (1×2)', group: 'Study', action: { type: 'toggleSync' } },
  { key: 'H', label: 'Shift+H', description: 'AI heatmap on/off (research only)', group: 'Study', action: { type: 'toggleHeatmap' } },
  { key: 'ArrowRight', label: '→', description: 'Next frame / image in study', group: 'Study', action: { type: 'nextImage' } },
  { key: 'ArrowLeft', label: '←', description: 'Previous frame / image in study', group: 'Study', action: { type: 'previousImage' } },
  { key: 'o', ctrl: true, label: 'Ctrl+O', description: 'Open files', group: 'General', action: { type: 'openFiles' } },
  { key: 'O', ctrl: true, label: 'Ctrl+Shift+O', description: 'Open folder', group: 'General', action: { type: 'openFolder' } },
  { key: '?', label: '?', description: 'Show this help', group: 'General', action: { type: 'help' } },
  { key: 'Escape', label: 'Esc', description: 'Close dialogs, cancel the measurement being drawn', group: 'General', action: { type: 'escape' } },
];

/** The parts of a KeyboardEvent the resolver reads. */
export interface KeyInput {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
}

/**
 * The action bound to a key press, or undefined. Ctrl and ⌘ are the same modifier
 * (macOS); Alt combinations are left to the system.
 */
export function resolveShortcut(input: KeyInput): ViewerAction | undefined {
  if (input.altKey) return undefined;
  const ctrl = Boolean(input.ctrlKey || input.metaKey);
  const match = SHORTCUTS.find((s) => s.key === input.key && Boolean(s.ctrl) === ctrl);
  return match?.action;
}

/** The first shortcut label of an action (toolbar tooltips). */
export function shortcutLabel(action: ViewerAction): string | undefined {
  const same = (a: ViewerAction, b: ViewerAction) => JSON.stringify(a) === JSON.stringify(b);
  return SHORTCUTS.find((s) => same(s.action, action))?.label;
}

/** True when key events come from a text field (search boxes keep their keys). */
export function isTextInput(target: EventTarget | null): boolean {
  if (!target || typeof (target as HTMLElement).tagName !== 'string') return false;
  const el = target as HTMLElement;
  const tag = el.tagName.toLowerCase();
  return tag === 'input' || tag === 'textarea' || tag === 'select' || el.isContentEditable === true;
}
