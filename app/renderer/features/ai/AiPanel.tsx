/**
 * The AI panel (issue #4): the three calibrated probabilities of the image on screen, the
 * predicted label, the triage priority from the model's thresholds, the "unreliable"
 * warning when the out-of-distribution guard fires, the model (with its intended use and the
 * headline figure its manifest states) and the execution provider, the heatmap controls with a
 * legend, and the AI settings (CPU only, a bundled model, a custom model.json). Always says "prioritisation only
 * — not for diagnosis".
 *
 * With two studies side by side (1×2, issue #10) it also shows both results, each with its study
 * date, and the change in P(COVID) from the prior to the current one.
 */
import { useEffect, useMemo, useState, type FormEvent } from 'react';
import { useStore } from 'zustand';
import type { AiResult, AiStatus } from '../../../shared/ipc/contract';
import { aiEntryKey, comparedImages, COVID_LABEL, covidChange, formatDelta, type AiEntry, type AiState, type ComparedImage } from '../../stores/ai.store';
import { archiveStoreOf } from '../../stores/archive.store';
import { findStudy } from '../../stores/studies.store';
import { formatDicomDate } from '../../lib/format';
import { CAM_COLOUR_STOPS } from '../../viewer/camOverlay';
import { useAppStores, useStudies, useViewer } from '../app/AppContext';
import { SendResultsAction } from '../pacs/SendResultsAction';
import { bundledChoice, bundledInUse, bundledLabel, modelFigures } from './modelChoice';

const LABEL_NAMES: Record<string, string> = { covid: 'COVID-19', normal: 'Normal', pneumonia: 'Pneumonia' };
const PRIORITY_TEXT: Record<AiResult['priority'], string> = {
  high: 'High priority',
  medium: 'Medium priority',
  low: 'Low priority',
  unreliable: 'Needs human triage',
};

export const labelName = (label: string): string => LABEL_NAMES[label] ?? label;

export function useAi<T>(selector: (s: AiState) => T): T {
  return useStore(useAppStores().ai, selector);
}

/** CSS gradient of the heatmap colours, for the legend. */
const legendGradient = `linear-gradient(to right, ${CAM_COLOUR_STOPS.map(([x, r, g, b]) => `rgb(${r},${g},${b}) ${x * 100}%`).join(', ')})`;

function Probabilities({ result }: { result: AiResult }) {
  return (
    <ul className="ai-probabilities" aria-label="Class probabilities">
      {Object.entries(result.probabilities).map(([label, p]) => (
        <li key={label} className={label === result.label ? 'predicted' : undefined} data-testid={`ai-prob-${label}`}>
          <span className="ai-prob-name">{labelName(label)}</span>
          <span className="ai-bar" aria-hidden="true">
            <span className="ai-bar-fill" style={{ width: `${(p * 100).toFixed(1)}%` }} />
          </span>
          <span className="ai-prob-value">{(p * 100).toFixed(1)} %</span>
        </li>
      ))}
    </ul>
  );
}

function HeatmapControls({ labels }: { labels: string[] }) {
  const { ai } = useAppStores();
  const overlay = useAi((s) => s.overlay);
  return (
    <fieldset className="ai-heatmap">
      <legend>Grad-CAM heatmap</legend>
      <label>
        <input type="checkbox" checked={overlay.visible} onChange={(e) => ai.getState().setOverlay({ visible: e.target.checked })} data-testid="ai-heatmap-toggle" /> Show (Shift+H)
      </label>
      <label>
        Class{' '}
        <select value={overlay.classLabel ?? ''} onChange={(e) => ai.getState().setOverlay({ classLabel: e.target.value || undefined })} data-testid="ai-heatmap-class">
          <option value="">Predicted label</option>
          {labels.map((l) => (
            <option key={l} value={l}>
              {labelName(l)}
            </option>
          ))}
        </select>
      </label>
      <label>
        Opacity{' '}
        <input type="range" min={0} max={1} step={0.05} value={overlay.opacity} onChange={(e) => ai.getState().setOverlay({ opacity: Number(e.target.value) })} data-testid="ai-heatmap-opacity" />
      </label>
      <div className="ai-legend" aria-label="Heatmap colour scale: low evidence to high evidence">
        <span>low</span>
        <span className="ai-legend-bar" style={{ background: legendGradient }} />
        <span>high</span>
      </div>
    </fieldset>
  );
}

/** The AI settings' choice of bundled model (`ai:configure` with {@link bundledChoice}). */
function BundledModelChoice({ status, onMessage }: { status: AiStatus; onMessage: (message: string) => void }) {
  const { ai } = useAppStores();
  const [busy, setBusy] = useState(false);
  const selected = bundledInUse(status);
  const choose = async (manifestPath: string) => {
    const model = status.bundledModels.find((m) => m.manifestPath === manifestPath);
    if (!model || manifestPath === selected) return;
    setBusy(true);
    const error = await ai.getState().configure(bundledChoice(model));
    setBusy(false);
    onMessage(error ? `Model refused: ${error.message}` : `Switched to ${bundledLabel(model)}.`);
  };
  return (
    <label>
      Bundled model{' '}
      <select value={selected} disabled={busy} onChange={(e) => void choose(e.target.value)} data-testid="ai-bundled-model">
        {selected === '' ? (
          <option value="" disabled>
            {status.settings.customModelPath ? 'Custom model (below)' : 'Choose a model'}
          </option>
        ) : null}
        {status.bundledModels.map((m) => (
          <option key={m.manifestPath} value={m.manifestPath}>
            {bundledLabel(m)}
          </option>
        ))}
      </select>
    </label>
  );
}

function AiSettings() {
  const { ai } = useAppStores();
  const status = useAi((s) => s.status);
  const [path, setPath] = useState('');
  const [message, setMessage] = useState<string>();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!path.trim()) return;
    const error = await ai.getState().configure({ customModelPath: path.trim() });
    setMessage(error ? `Model refused: ${error.message}` : 'Custom model loaded.');
  };
  return (
    <details className="ai-settings">
      <summary>AI settings</summary>
      <label>
        <input
          type="checkbox"
          checked={status?.settings.forceCpu ?? false}
          onChange={(e) => void ai.getState().configure({ forceCpu: e.target.checked })}
          data-testid="ai-force-cpu"
        />{' '}
        Always run on the CPU
      </label>
      {status && status.bundledModels.length > 0 ? <BundledModelChoice status={status} onMessage={setMessage} /> : null}
      <form onSubmit={submit}>
        <label>
          Custom model (path to model.json){' '}
          <input type="text" value={path} onChange={(e) => setPath(e.target.value)} placeholder={status?.settings.customModelPath ?? 'bundled model'} data-testid="ai-custom-model" />
        </label>
        <button type="submit">Load</button>
        {status?.settings.customModelPath ? (
          <button type="button" onClick={() => void ai.getState().configure({ customModelPath: null }).then(() => setMessage('Bundled model restored.'))}>
            Use bundled model
          </button>
        ) : null}
      </form>
      {message ? <p role="status">{message}</p> : null}
    </details>
  );
}

function ComparedSide({ role, image, entry, testId }: { role: string; image: ComparedImage; entry: AiEntry | undefined; testId: string }) {
  const covid = entry?.state === 'done' ? entry.result.probabilities[COVID_LABEL] : undefined;
  return (
    <div className="ai-compare-side" data-testid={testId}>
      <span className="role">
        {role} · {image.studyDate ? formatDicomDate(image.studyDate) : 'no date'}
      </span>
      <span className="value">
        {entry?.state === 'running' || !entry ? 'Analysing…' : null}
        {entry?.state === 'failed' ? 'AI failed' : null}
        {entry?.state === 'done' && typeof covid === 'number' ? `P(COVID) ${(covid * 100).toFixed(1)} %` : null}
      </span>
      {entry?.state === 'done' ? (
        <span className="detail">
          Predicted {labelName(entry.result.label)}
          {entry.result.outOfDistribution ? ' · unreliable' : ''}
        </span>
      ) : null}
    </div>
  );
}

/** Both results of a 1×2 comparison of two studies and the change in P(COVID) between them. */
function Comparison() {
  const stores = useAppStores();
  const { ai } = stores;
  const layout = useViewer((s) => s.layout);
  const slots = useViewer((s) => s.slots);
  const patients = useStudies((s) => s.patients);
  const priors = useStore(archiveStoreOf(stores), (s) => s.priors);
  const ready = useAi((s) => s.status?.state === 'ready');
  const pair = useMemo(
    () => comparedImages(layout, slots, (key) => findStudy(patients, key)?.study.studyDate ?? priors.find((p) => p.studyKey === key)?.studyDate),
    [layout, slots, patients, priors],
  );
  const currentEntry = useAi((s) => (pair ? s.entries[aiEntryKey(pair.current.instanceId, pair.current.frame)] : undefined));
  const priorEntry = useAi((s) => (pair ? s.entries[aiEntryKey(pair.prior.instanceId, pair.prior.frame)] : undefined));

  useEffect(() => {
    if (!pair || !ready) return;
    void ai.getState().classify(pair.current.instanceId, pair.current.frame);
    void ai.getState().classify(pair.prior.instanceId, pair.prior.frame);
  }, [ai, pair, ready]);

  if (!pair || !ready) return null;
  const change = covidChange(currentEntry, priorEntry);
  const since = <span className="nowrap">{pair.prior.studyDate ? formatDicomDate(pair.prior.studyDate) : 'the prior study'}</span>;
  return (
    <section className="ai-compare" aria-label="AI results of the current and the prior study" data-testid="ai-compare">
      <h3>Current and prior</h3>
      <ComparedSide role="Current" image={pair.current} entry={currentEntry} testId="ai-compare-current" />
      <ComparedSide role="Prior" image={pair.prior} entry={priorEntry} testId="ai-compare-prior" />
      {'delta' in change ? (
        <>
          <p className="ai-delta" data-testid="ai-delta">
            ΔP(COVID) {formatDelta(change.delta)} since {since}
          </p>
          {change.unreliable ? (
            <p className="ai-unreliable" role="alert" data-testid="ai-delta-unreliable">
              ⚠ Change unreliable: the AI result of at least one of these images is unreliable (unfamiliar image).
            </p>
          ) : null}
        </>
      ) : (
        <p className="muted" data-testid="ai-delta-missing">
          ΔP(COVID) not shown: {change.reason}.
        </p>
      )}
      <p className="muted small">A change in the model’s output, not a finding: prioritisation only — not for diagnosis.</p>
    </section>
  );
}

/** The panel for the image on screen (`instanceId`/`frame`), or the status alone when none is open. */
export function AiPanel({ instanceId, frame = 0 }: { instanceId?: string; frame?: number }) {
  const { ai } = useAppStores();
  const status = useAi((s) => s.status);
  const entry = useAi((s) => (instanceId ? s.entries[aiEntryKey(instanceId, frame)] : undefined));
  const ready = status?.state === 'ready';
  const figures = status?.model ? modelFigures(status.model) : undefined;

  useEffect(() => {
    if (instanceId && ready) void ai.getState().classify(instanceId, frame);
  }, [ai, instanceId, frame, ready]);

  return (
    <aside className="ai-panel" aria-label="AI triage" data-testid="ai-panel">
      <header>
        <h2>AI triage</h2>
        <p className="ai-disclaimer">Prioritisation only — not for diagnosis</p>
      </header>
      <p className="ai-model" data-testid="ai-model">
        {status?.model ? `${status.model.name} ${status.model.version}` : 'No model'}
        {status?.providerLabel ? ` · ${status.providerLabel}` : ''}
        {status?.state === 'loading' ? ' · loading…' : ''}
      </p>
      {status?.model ? (
        <p className="muted ai-model-facts" data-testid="ai-model-facts">
          Intended use: {status.model.intendedUse}.
          {figures ? (
            <>
              <br />
              <span data-testid="ai-model-metrics">{figures}.</span>
            </>
          ) : null}
        </p>
      ) : null}
      {status?.state === 'unavailable' ? (
        <p className="ai-unavailable" role="status" data-testid="ai-unavailable">
          AI unavailable: {status.reason}. The viewer works without it.
        </p>
      ) : null}
      {!instanceId ? <p className="muted">Open an image to see the AI result.</p> : null}
      <Comparison />
      {entry?.state === 'running' ? (
        <p className="ai-running" data-testid="ai-state">
          Analysing…
        </p>
      ) : null}
      {entry?.state === 'failed' ? (
        <p className="ai-failed" role="alert" data-testid="ai-state">
          AI failed: {entry.error.message}
        </p>
      ) : null}
      {entry?.state === 'done' ? (
        <section data-testid="ai-result">
          {entry.result.outOfDistribution ? (
            <p className="ai-unreliable" role="alert" data-testid="ai-unreliable">
              ⚠ AI result unreliable for this image (unfamiliar image: not like the adult frontal chest X-rays the model was trained on).
            </p>
          ) : null}
          <p className="ai-label">
            Predicted: <strong data-testid="ai-label">{labelName(entry.result.label)}</strong>
          </p>
          <p>
            <span className={`priority-badge priority-${entry.result.priority}`} data-testid="ai-priority">
              {PRIORITY_TEXT[entry.result.priority]}
            </span>
          </p>
          <Probabilities result={entry.result} />
          <p className="muted ai-meta">
            {entry.result.model.name} {entry.result.model.version} · {entry.result.provider.toUpperCase()} · {entry.result.cached ? 'cached' : `${Math.round(entry.result.ms)} ms`}
          </p>
          <HeatmapControls labels={Object.keys(entry.result.probabilities)} />
          <SendResultsAction />
        </section>
      ) : null}
      <AiSettings />
    </aside>
  );
}
