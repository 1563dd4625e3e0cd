/** The "Worklist | Viewer | PACS" switch in the toolbar (issues #5, #11). */
import { useAppStores, useWorklist } from '../app/AppContext';
import { backToWorklist } from './worklistActions';

export function ModeSwitch() {
  const stores = useAppStores();
  const mode = useWorklist((s) => s.mode);
  return (
    <span className="mode-switch" role="group" aria-label="Screen">
      <button
        type="button"
        className={`tb${mode === 'worklist' ? ' pressed' : ''}`}
        aria-pressed={mode === 'worklist'}
        data-testid="mode-worklist"
        title="AI triage worklist (Esc from the viewer when opened from the list)"
        onClick={() => backToWorklist(stores)}
      >
        Worklist
      </button>
      <button
        type="button"
        className={`tb${mode === 'viewer' ? ' pressed' : ''}`}
        aria-pressed={mode === 'viewer'}
        data-testid="mode-viewer"
        title="Image viewer"
        onClick={() => stores.worklist.getState().setMode('viewer')}
      >
        Viewer
      </button>
      <button
        type="button"
        className={`tb${mode === 'pacs' ? ' pressed' : ''}`}
        aria-pressed={mode === 'pacs'}
        data-testid="mode-pacs"
        title="Search and retrieve studies from a PACS"
        onClick={() => stores.worklist.getState().setMode('pacs')}
      >
        PACS
      </button>
    </span>
  );
}
