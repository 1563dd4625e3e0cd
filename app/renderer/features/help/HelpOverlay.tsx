/** Keyboard shortcuts (press ?), generated from the keymap so it lists every binding. */
import { SHORTCUTS, type Shortcut } from '../../viewer/keymap';
import { useAppStores } from '../app/AppContext';

const GROUPS: Shortcut['group'][] = ['Tools', 'Window', 'View', 'Study', 'General'];

export function HelpOverlay() {
  const stores = useAppStores();
  const close = () => stores.viewer.getState().setHelpOpen(false);
  return (
    <div className="modal-backdrop" onClick={close} data-testid="help-overlay">
      <div className="modal help" role="dialog" aria-modal="true" aria-label="Keyboard shortcuts" onClick={(e) => e.stopPropagation()}>
        <div className="panel-title">
          Keyboard shortcuts
          <button type="button" className="link" onClick={close} aria-label="Close help">
            ✕
          </button>
        </div>
        <div className="help-columns">
          {GROUPS.map((group) => (
            <section key={group}>
              <h3>{group}</h3>
              <table>
                <tbody>
                  {SHORTCUTS.filter((s) => s.group === group).map((s) => (
                    <tr key={`${s.label}-${s.description}`}>
                      <td>
                        <kbd>{s.label}</kbd>
                      </td>
                      <td>{s.description}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          ))}
        </div>
        <p className="dim small">
          Mouse: left button = active tool · middle = pan · right = zoom · wheel = zoom at the cursor. Research and prioritisation only — not for
          diagnosis.
        </p>
      </div>
    </div>
  );
}
