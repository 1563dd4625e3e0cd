/**
 * The PACS settings dialog (issue #11): add, edit and remove nodes (DIMSE: AE title, host, port,
 * our calling AE title, C-GET or C-MOVE; DICOMweb: base URL and none/basic/bearer auth), choose
 * the results destination and the UID root, and "Test" each node. Main validates with the same
 * schema it reads `pacs-settings.json` with and answers problems as data, shown here, each naming
 * its field. "Test" saves first (it tests what is saved), then shows the node's answer or the
 * message a nurse can read to IT. Keyboard and focus: ModalDialog.
 */
import { useState } from 'react';
import type { PacsNode, PacsSettings } from '../../../shared/pacs/settings';
import { useAppStores, usePacs } from '../app/AppContext';
import { ModalDialog } from '../worklist/ModalDialog';

/** One node as the form edits it (numbers as typed, every kind's fields kept while switching). */
export interface DraftNode {
  id: string;
  name: string;
  kind: 'dimse' | 'dicomweb';
  aeTitle: string;
  host: string;
  port: string;
  callingAeTitle: string;
  retrieve: 'get' | 'move';
  baseUrl: string;
  authType: 'none' | 'basic' | 'bearer';
  username: string;
  password: string;
  token: string;
  timeoutMs?: number;
  tls?: boolean;
}

export function toDraft(node: PacsNode): DraftNode {
  const base: DraftNode = {
    id: node.id,
    name: node.name,
    kind: node.kind,
    aeTitle: '',
    host: '',
    port: '104',
    callingAeTitle: 'CXR_TRIAGE',
    retrieve: 'get',
    baseUrl: '',
    authType: 'none',
    username: '',
    password: '',
    token: '',
    timeoutMs: node.timeoutMs,
  };
  if (node.kind === 'dimse') return { ...base, aeTitle: node.aeTitle, host: node.host, port: String(node.port), callingAeTitle: node.callingAeTitle, retrieve: node.retrieve ?? 'get', tls: node.tls };
  const auth = node.auth ?? { type: 'none' as const };
  return {
    ...base,
    baseUrl: node.baseUrl,
    authType: auth.type,
    username: auth.type === 'basic' ? auth.username : '',
    password: auth.type === 'basic' ? auth.password : '',
    token: auth.type === 'bearer' ? auth.token : '',
  };
}

/** The node main validates; a port that is not a number is sent as typed so main names the field. */
export function fromDraft(d: DraftNode): unknown {
  const base = { id: d.id.trim(), name: d.name.trim(), ...(d.timeoutMs ? { timeoutMs: d.timeoutMs } : {}) };
  if (d.kind === 'dimse') {
    const port = /^\d+$/.test(d.port.trim()) ? Number(d.port.trim()) : d.port;
    return { ...base, kind: 'dimse', aeTitle: d.aeTitle.trim(), host: d.host.trim(), port, callingAeTitle: d.callingAeTitle.trim(), retrieve: d.retrieve, ...(d.tls ? { tls: true } : {}) };
  }
  const auth = d.authType === 'basic' ? { type: 'basic', username: d.username, password: d.password } : d.authType === 'bearer' ? { type: 'bearer', token: d.token } : { type: 'none' };
  return { ...base, kind: 'dicomweb', baseUrl: d.baseUrl.trim(), auth };
}

function newNode(existing: DraftNode[]): DraftNode {
  let n = existing.length + 1;
  while (existing.some((e) => e.id === `pacs${n}`)) n++;
  return toDraft({ id: `pacs${n}`, name: `PACS ${n}`, kind: 'dimse', aeTitle: 'PACS', host: '', port: 104, callingAeTitle: 'CXR_TRIAGE', retrieve: 'get' });
}

function NodeEditor({ draft, index, onChange, onRemove, onTest }: { draft: DraftNode; index: number; onChange: (d: DraftNode) => void; onRemove: () => void; onTest: () => void }) {
  const test = usePacs((s) => s.tests[draft.id]);
  const field = <K extends keyof DraftNode>(key: K, label: string, props: { type?: string; width?: number; maxLength?: number } = {}) => (
    <label>
      {label}
      <input
        type={props.type ?? 'text'}
        value={String(draft[key] ?? '')}
        maxLength={props.maxLength}
        style={props.width ? { width: props.width } : undefined}
        onChange={(e) => onChange({ ...draft, [key]: e.target.value })}
        data-testid={`pacs-node-${index}-${String(key)}`}
      />
    </label>
  );
  return (
    <fieldset data-testid={`pacs-node-${index}`}>
      <legend>{draft.name || draft.id || `Node ${index + 1}`}</legend>
      {field('name', 'Name', { width: 150 })}
      {field('id', 'Id', { width: 90 })}
      <label>
        Kind
        <select value={draft.kind} onChange={(e) => onChange({ ...draft, kind: e.target.value as DraftNode['kind'] })} data-testid={`pacs-node-${index}-kind`}>
          <option value="dimse">DIMSE (AE title, host, port)</option>
          <option value="dicomweb">DICOMweb (URL)</option>
        </select>
      </label>
      {draft.kind === 'dimse' ? (
        <>
          {field('aeTitle', 'AE title', { width: 110, maxLength: 16 })}
          {field('host', 'Host', { width: 140 })}
          {field('port', 'Port', { width: 60 })}
          {field('callingAeTitle', 'Our AE title', { width: 110, maxLength: 16 })}
          <label>
            Retrieve with
            <select value={draft.retrieve} onChange={(e) => onChange({ ...draft, retrieve: e.target.value as DraftNode['retrieve'] })} data-testid={`pacs-node-${index}-retrieve`}>
              <option value="get">C-GET</option>
              <option value="move">C-MOVE</option>
            </select>
          </label>
        </>
      ) : (
        <>
          {field('baseUrl', 'Base URL', { width: 260 })}
          <label>
            Sign-in
            <select value={draft.authType} onChange={(e) => onChange({ ...draft, authType: e.target.value as DraftNode['authType'] })} data-testid={`pacs-node-${index}-auth`}>
              <option value="none">None</option>
              <option value="basic">User name and password</option>
              <option value="bearer">Token</option>
            </select>
          </label>
          {draft.authType === 'basic' ? (
            <>
              {field('username', 'User name', { width: 110 })}
              {field('password', 'Password', { type: 'password', width: 110 })}
            </>
          ) : null}
          {draft.authType === 'bearer' ? field('token', 'Token', { type: 'password', width: 200 }) : null}
        </>
      )}
      <button type="button" className="tb" onClick={onTest} disabled={test?.running} data-testid={`pacs-node-${index}-test`} title="Save, then check that this node answers">
        {test?.running ? 'Testing…' : 'Test'}
      </button>
      <button type="button" className="tb" onClick={onRemove} data-testid={`pacs-node-${index}-remove`}>
        Remove
      </button>
      {test?.result ? (
        <p className={`test-message ${test.result.ok ? 'pacs-ok' : 'pacs-error'}`} role="status" data-testid={`pacs-node-${index}-test-message`}>
          {test.result.ok ? '✓ ' : '✗ '}
          {test.result.message}
        </p>
      ) : null}
    </fieldset>
  );
}

export function PacsSettingsDialog({ settings, settingsPath }: { settings: PacsSettings; settingsPath?: string }) {
  const stores = useAppStores();
  const problems = usePacs((s) => s.problems);
  const saving = usePacs((s) => s.saving);
  const [nodes, setNodes] = useState<DraftNode[]>(() => settings.nodes.map(toDraft));
  const [resultsNodeId, setResultsNodeId] = useState(settings.resultsNodeId ?? '');
  const [uidRoot, setUidRoot] = useState(settings.uidRoot ?? '');
  const [autoSend, setAutoSend] = useState(settings.autoSendResults ?? false);
  const [moveAe, setMoveAe] = useState(settings.moveDestination?.aeTitle ?? '');
  const [movePort, setMovePort] = useState(settings.moveDestination ? String(settings.moveDestination.port) : '');
  // C-MOVE makes the PACS connect back to us: where it connects is asked for only when a node uses it.
  const usesMove = nodes.some((n) => n.kind === 'dimse' && n.retrieve === 'move') || moveAe.trim() !== '' || movePort.trim() !== '';
  const close = () => stores.pacs.getState().closeSettings();
  const draft = (): PacsSettings => {
    const next: Record<string, unknown> = { nodes: nodes.map(fromDraft) };
    if (resultsNodeId) next.resultsNodeId = resultsNodeId;
    // Sent even without a destination so main refuses it with the field named (autoSendResults: …).
    if (autoSend) next.autoSendResults = true;
    if (uidRoot.trim()) next.uidRoot = uidRoot.trim();
    // Half-filled is sent as is: main refuses it naming the field (moveDestination.port: …).
    if (moveAe.trim() || movePort.trim()) next.moveDestination = { aeTitle: moveAe.trim(), port: movePort.trim() === '' ? 0 : Number(movePort) };
    // Main validates (pacs:configure); what it refuses comes back as problems naming the field.
    return next as PacsSettings;
  };
  const save = () => stores.pacs.getState().saveSettings(draft());
  const submit = async () => {
    if (stores.pacs.getState().saving) return;
    if (await save()) close();
  };
  const test = async (index: number) => {
    if (!(await save())) return;
    await stores.pacs.getState().testNode(nodes[index].id.trim());
  };

  return (
    <ModalDialog testId="pacs-settings-dialog" className="pacs-settings" labelledBy="pacs-settings-title" onSubmit={() => void submit()} onCancel={close}>
      <h2 id="pacs-settings-title">PACS settings</h2>
      <p className="dim small">
        Saved in {settingsPath ?? 'memory only'}. Passwords and tokens are stored there in plain text.
      </p>
      {nodes.length === 0 ? <p className="dim">No PACS yet: add one.</p> : null}
      {nodes.map((n, i) => (
        <NodeEditor
          key={i}
          draft={n}
          index={i}
          onChange={(d) => setNodes(nodes.map((x, j) => (j === i ? d : x)))}
          onRemove={() => {
            if (resultsNodeId === n.id) {
              setResultsNodeId('');
              setAutoSend(false);
            }
            setNodes(nodes.filter((_, j) => j !== i));
          }}
          onTest={() => void test(i)}
        />
      ))}
      <div>
        <button type="button" className="tb" onClick={() => setNodes([...nodes, newNode(nodes)])} data-testid="pacs-add-node">
          Add PACS
        </button>
      </div>
      {usesMove ? (
        <fieldset data-testid="pacs-move-destination">
          <legend>C-MOVE: where the PACS sends studies</legend>
          <p className="dim small">The PACS must know this AE title with this computer's address and port. When it is the port of the worklist's DICOM listener, retrieved studies arrive through the listener.</p>
          <label>
            Our AE title
            <input type="text" value={moveAe} style={{ width: 130 }} onChange={(e) => setMoveAe(e.target.value)} data-testid="pacs-move-ae" />
          </label>
          <label>
            Port
            <input type="text" inputMode="numeric" value={movePort} style={{ width: 70 }} onChange={(e) => setMovePort(e.target.value)} data-testid="pacs-move-port" />
          </label>
        </fieldset>
      ) : null}
      <fieldset>
        <legend>AI results</legend>
        <label>
          Send results to
          <select value={resultsNodeId} onChange={(e) => setResultsNodeId(e.target.value)} data-testid="pacs-results-node">
            <option value="">Nowhere (sending off)</option>
            {nodes.map((n, i) => (
              <option key={i} value={n.id}>
                {n.name || n.id}
              </option>
            ))}
          </select>
        </label>
        <label className="pacs-check">
          <input type="checkbox" checked={autoSend} onChange={(e) => setAutoSend(e.target.checked)} data-testid="pacs-auto-send" />
          Send each study's results automatically after triage (once per study)
        </label>
        <label>
          UID root (empty: 2.25 UUID UIDs)
          <input type="text" value={uidRoot} style={{ width: 260 }} onChange={(e) => setUidRoot(e.target.value)} data-testid="pacs-uid-root" />
        </label>
      </fieldset>
      {problems.length > 0 ? (
        <ul className="problems" role="alert" data-testid="pacs-settings-problems">
          {problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      ) : null}
      <div className="wl-dialog-buttons">
        <button type="button" className="tb" onClick={close} data-testid="pacs-settings-cancel">
          Cancel
        </button>
        <button type="submit" className="tb" disabled={saving} data-testid="pacs-settings-save">
          {saving ? 'Saving…' : 'Save'}
        </button>
      </div>
    </ModalDialog>
  );
}
