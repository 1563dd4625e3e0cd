/**
 * The top bar: open buttons, mouse tools, window presets, view actions, layout,
 * compare with prior, overlay/tags/help toggles. Every button's tooltip shows its
 * shortcut from the one keymap.
 */
import type { ChangeEvent, ReactNode } from 'react';
import { useStore } from 'zustand';
import { shortcutLabel, type ToolName, type ViewerAction } from '../../viewer/keymap';
import { compareStoreOf } from '../../stores/compare.store';
import { useAppStores, useViewer, useWorklist } from '../app/AppContext';
import { useViewerActions } from '../app/useViewerActions';
import { ModeSwitch } from '../worklist/ModeSwitch';

function ActionButton({ action, label, title, pressed, testId }: { action: ViewerAction; label: ReactNode; title: string; pressed?: boolean; testId?: string }) {
  const dispatch = useViewerActions();
  const key = shortcutLabel(action);
  return (
    <button
      type="button"
      className={`tb${pressed ? ' pressed' : ''}`}
      aria-pressed={pressed}
      title={key ? `${title} (${key})` : title}
      data-testid={testId}
      onClick={() => dispatch(action)}
    >
      {label}
    </button>
  );
}

const TOOLS: { tool: ToolName; label: string; title: string }[] = [
  { tool: 'windowLevel', label: 'W/L', title: 'Window/level: drag left-right for width, up-down for level' },
  { tool: 'pan', label: 'Pan', title: 'Pan' },
  { tool: 'zoom', label: 'Zoom', title: 'Zoom: drag up/down' },
  { tool: 'magnify', label: 'Magnify', title: 'Magnifier: hold the button down' },
  { tool: 'length', label: 'Length', title: 'Length in mm' },
  { tool: 'angle', label: 'Angle', title: 'Angle: drag the first arm, then click the end of the second' },
  { tool: 'probe', label: 'Probe', title: 'Pixel probe: stored and modality value' },
];

const NO_PRESETS: string[] = [];

function PresetSelect() {
  const dispatch = useViewerActions();
  const dicomPresets = useViewer((s) => s.readouts[s.activeSlot].dicomPresets) ?? NO_PRESETS;
  const onChange = (e: ChangeEvent<HTMLSelectElement>) => {
    const value = e.target.value;
    e.target.value = '';
    // Give the keyboard back to the viewer: shortcuts ignore a focused select.
    e.target.blur();
    if (value === 'auto') dispatch({ type: 'autoWindow' });
    else if (value.startsWith('chest:')) dispatch({ type: 'chestPreset', preset: value.slice(6) as 'lung' | 'mediastinum' | 'bone' });
    else if (value.startsWith('dicom:')) dispatch({ type: 'dicomPreset', index: Number(value.slice(6)) });
  };
  return (
    <select className="tb-select" defaultValue="" onChange={onChange} data-testid="preset-select" title="Window presets (1–3 chest, 4–9 DICOM, 0 auto)">
      <option value="" disabled>
        Presets…
      </option>
      <optgroup label="Chest">
        <option value="chest:lung">Lung (1)</option>
        <option value="chest:mediastinum">Mediastinum (2)</option>
        <option value="chest:bone">Bone (3)</option>
      </optgroup>
      <option value="auto">Auto from histogram (0)</option>
      {dicomPresets.length > 0 ? (
        <optgroup label="From the image">
          {dicomPresets.map((name, i) => (
            <option key={`${name}-${i}`} value={`dicom:${i}`}>
              {name}
              {i < 6 ? ` (${i + 4})` : ''}
            </option>
          ))}
        </optgroup>
      ) : null}
    </select>
  );
}

/** Zoom/pan sync of a 1×2 comparison (compare store; S toggles it too). */
function SyncButton() {
  const compare = compareStoreOf(useAppStores());
  const sync = useStore(compare, (s) => s.sync);
  const key = shortcutLabel({ type: 'toggleSync' });
  return (
    <button
      type="button"
      className={`tb${sync ? ' pressed' : ''}`}
      aria-pressed={sync}
      title={`Synchronise zoom and pan of the two viewports${key ? ` (${key})` : ''}`}
      data-testid="sync-toggle"
      onClick={() => compare.getState().toggleSync()}
    >
      Sync
    </button>
  );
}

export function Toolbar() {
  const tool = useViewer((s) => s.tool);
  const layout = useViewer((s) => s.layout);
  const overlayVisible = useViewer((s) => s.overlayVisible);
  const tagsOpen = useViewer((s) => s.tagsOpen);
  // The reading tools act on the viewport: on the worklist screen they would do nothing.
  const viewerScreen = useWorklist((s) => s.mode) === 'viewer';
  return (
    <header className="toolbar" data-testid="toolbar">
      <div className="brand">
        {/* The Worklist | Viewer switch takes the product name's place: the toolbar must stay one line at 1440 px. */}
        <ModeSwitch />
      </div>
      <div className="group">
        <ActionButton action={{ type: 'openFiles' }} label="Open files" title="Open files" testId="open-files" />
        <ActionButton action={{ type: 'openFolder' }} label="Open folder" title="Open a folder (recursive)" testId="open-folder" />
      </div>
      {viewerScreen ? (
        <>
          <div className="group" role="group" aria-label="Mouse tools">
            {TOOLS.map((t) => (
              <ActionButton key={t.tool} action={{ type: 'tool', tool: t.tool }} label={t.label} title={t.title} pressed={tool === t.tool} testId={`tool-${t.tool}`} />
            ))}
          </div>
          <div className="group">
            <PresetSelect />
            <ActionButton action={{ type: 'invert' }} label="Invert" title="Invert" testId="invert" />
          </div>
          <div className="group">
            <ActionButton action={{ type: 'fit' }} label="Fit" title="Fit to window" testId="fit" />
            <ActionButton action={{ type: 'actualSize' }} label="1:1" title="Original size" testId="actual-size" />
            <ActionButton action={{ type: 'rotateCw' }} label="⟳ 90°" title="Rotate 90° clockwise" testId="rotate" />
            <ActionButton action={{ type: 'flipH' }} label="⇋" title="Flip horizontally" testId="flip-h" />
            <ActionButton action={{ type: 'flipV' }} label="⇅" title="Flip vertically" testId="flip-v" />
            <ActionButton action={{ type: 'reset' }} label="Reset" title="Reset view" testId="reset" />
          </div>
          <div className="group">
            <ActionButton action={{ type: 'toggleLayout' }} label={layout === '1x1' ? '1×1' : '1×2'} title="Layout 1×1 / 1×2" testId="layout" />
            {/* "Prior", not "Compare prior": with Sync beside it in 1×2 the toolbar must still fit one line at 1440 px. */}
            <ActionButton action={{ type: 'comparePrior' }} label="Prior" title="Compare with prior: open the previous study beside this one" testId="compare-prior" />
            {layout === '1x2' ? <SyncButton /> : null}
          </div>
        </>
      ) : null}
      <div className="group right">
        {viewerScreen ? (
          <>
            <ActionButton action={{ type: 'toggleOverlay' }} label="Overlay" title="Overlay text" pressed={overlayVisible} testId="toggle-overlay" />
            <ActionButton action={{ type: 'toggleTags' }} label="Tags" title="DICOM tag browser" pressed={tagsOpen} testId="toggle-tags" />
          </>
        ) : null}
        <ActionButton action={{ type: 'help' }} label="?" title="Keyboard shortcuts" testId="help" />
      </div>
    </header>
  );
}
