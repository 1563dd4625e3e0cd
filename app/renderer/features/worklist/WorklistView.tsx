/**
 * The AI triage worklist (issue #5): a persistent not-for-diagnosis banner, counts per
 * priority, filters and search, running imports with progress/ETA/cancel, and a virtualised
 * list (fixed row height, only the rows in view are in the DOM) sorted and filtered by main.
 * Keyboard: ↑/↓ move, Enter opens in the viewer, R reviewed, E escalate with a note.
 * The Sources strip shows the DICOM listener and the watched folder that feed the list.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState, type ChangeEvent } from 'react';
import type { WorklistRow } from '../../../shared/ipc/contract';
import { isTextInput } from '../../viewer/keymap';
import { runningImports, type WorklistSortColumn } from '../../stores/worklist.store';
import { useAppStores, useWorklist } from '../app/AppContext';
import { downloadBlob } from './download';
import { EscalateDialog } from './EscalateDialog';
import { SourcesBar } from './SourcesBar';
import { handleWorklistKey, openSelectedStudy } from './worklistActions';
import { DismissibleNotice } from '../notice/DismissibleNotice';
import {
  buildDisplayItems,
  daToIso,
  formatEta,
  formatProbability,
  isoToDa,
  itemIndexOfEntry,
  PRIORITY_LABELS,
  scrollToShow,
  STATUS_LABELS,
  visibleRange,
  WORKLIST_ROW_HEIGHT,
} from './worklistRows';
import './worklist.css';

/** The banner issue #5 asks for on the worklist, word for word. */
export const WORKLIST_BANNER = 'AI prioritisation only — not for diagnosis';

const COLUMNS: { column: WorklistSortColumn; label: string; className: string }[] = [
  { column: 'priority', label: 'Priority', className: 'c-priority' },
  { column: 'covid', label: 'COVID-19', className: 'c-covid' },
  { column: 'patientName', label: 'Patient', className: 'c-name' },
  { column: 'patientId', label: 'Patient ID', className: 'c-id' },
  { column: 'studyDate', label: 'Study date', className: 'c-date' },
  { column: 'modality', label: 'Mod.', className: 'c-mod' },
  { column: 'status', label: 'Status', className: 'c-status' },
  { column: 'arrival', label: 'Arrived', className: 'c-arrival' },
];

const PRIORITIES = ['unreliable', 'high', 'medium', 'low'] as const;
const STATUSES = ['new', 'triaged', 'reviewed', 'escalated', 'failed'] as const;

export function PriorityBadge({ priority }: { priority: WorklistRow['priority'] }) {
  const key = priority ?? 'none';
  return (
    <span className={`wl-badge p-${key}`} data-testid="priority-badge" data-priority={key}>
      {PRIORITY_LABELS[key]}
    </span>
  );
}

function CountsHeader() {
  const stores = useAppStores();
  const counts = useWorklist((s) => s.counts);
  const selected = useWorklist((s) => s.filter.priority) ?? [];
  const toggle = (p: (typeof PRIORITIES)[number]) => {
    const next = selected.includes(p) ? selected.filter((x) => x !== p) : [...selected, p];
    stores.worklist.getState().setFilter({ priority: next });
  };
  return (
    <div className="wl-counts" role="group" aria-label="Studies per priority (click to filter)">
      {PRIORITIES.map((p) => (
        <button
          key={p}
          type="button"
          className={`wl-count${selected.includes(p) ? ' pressed' : ''}`}
          aria-pressed={selected.includes(p)}
          data-testid={`count-${p}`}
          onClick={() => toggle(p)}
          title={`Show only ${PRIORITY_LABELS[p]} (click again to clear)`}
        >
          <PriorityBadge priority={p} /> <span className="n">{counts[p]}</span>
        </button>
      ))}
      <span className="wl-count dim" data-testid="count-none">
        {PRIORITY_LABELS.none} <span className="n">{counts.none}</span>
      </span>
    </div>
  );
}

function Filters() {
  const stores = useAppStores();
  const filter = useWorklist((s) => s.filter);
  const set = stores.worklist.getState().setFilter;
  const [search, setSearch] = useState(filter.search ?? '');
  // Type-ahead search: one query per pause in typing, not per key.
  useEffect(() => {
    const t = setTimeout(() => {
      if ((stores.worklist.getState().filter.search ?? '') !== search) set({ search });
    }, 150);
    return () => clearTimeout(t);
  }, [search, set, stores]);
  const status = filter.status?.[0] ?? '';
  return (
    <div className="wl-filters">
      <input
        type="search"
        placeholder="Search patient name or ID"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
        onKeyDown={(e) => {
          // Arrow keys and Enter leave the box and drive the list.
          if (e.key === 'ArrowDown' || e.key === 'Enter') (e.target as HTMLInputElement).blur();
        }}
        data-testid="worklist-search"
        aria-label="Search patient name or ID"
      />
      <label>
        Status{' '}
        <select
          value={status}
          data-testid="filter-status"
          onChange={(e: ChangeEvent<HTMLSelectElement>) => {
            set({ status: e.target.value ? [e.target.value as (typeof STATUSES)[number]] : [] });
            e.target.blur();
          }}
        >
          <option value="">All</option>
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {STATUS_LABELS[s]}
            </option>
          ))}
        </select>
      </label>
      <label>
        Modality{' '}
        <input
          className="wl-mod"
          value={filter.modality?.join(',') ?? ''}
          placeholder="DX,CR"
          data-testid="filter-modality"
          onChange={(e) => set({ modality: e.target.value.split(',').map((m) => m.trim().toUpperCase()).filter(Boolean) })}
        />
      </label>
      <label>
        From <input type="date" value={daToIso(filter.dateFrom)} data-testid="filter-date-from" onChange={(e) => set({ dateFrom: isoToDa(e.target.value) })} />
      </label>
      <label>
        To <input type="date" value={daToIso(filter.dateTo)} data-testid="filter-date-to" onChange={(e) => set({ dateTo: isoToDa(e.target.value) })} />
      </label>
    </div>
  );
}

function ImportBars() {
  const stores = useAppStores();
  const imports = useWorklist((s) => s.imports);
  const running = runningImports(imports);
  if (running.length === 0) return null;
  return (
    <>
      {running.map((job) => {
        const fraction = job.total > 0 ? Math.min(job.done / job.total, 1) : 0;
        return (
          <div key={job.jobId} className="import-progress" role="status" data-testid="worklist-import-progress">
            <span className="label">{job.phase === 'scanning' ? 'Scanning…' : 'Importing and triaging'}</span>
            <div className="bar" role="progressbar" aria-valuemin={0} aria-valuemax={job.total} aria-valuenow={job.done}>
              <div className={`fill${job.total === 0 ? ' indeterminate' : ''}`} style={{ width: `${(fraction * 100).toFixed(1)}%` }} />
            </div>
            <span className="count" data-testid="worklist-import-count">
              {job.done} / {job.total || '?'}
              {job.failed > 0 ? ` · ${job.failed} failed` : ''} · {formatEta(job.etaSeconds)}
            </span>
            <button type="button" onClick={() => void stores.worklist.getState().cancelImport(job.jobId)} data-testid="worklist-import-cancel">
              Cancel
            </button>
          </div>
        );
      })}
    </>
  );
}

function formatArrival(ms: number): string {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function Row({ row, index, selected, top }: { row: WorklistRow; index: number; selected: boolean; top: number }) {
  const stores = useAppStores();
  return (
    <div
      className={`wl-row${selected ? ' selected' : ''} s-${row.status}`}
      style={{ top, height: WORKLIST_ROW_HEIGHT }}
      role="row"
      aria-selected={selected}
      data-testid="worklist-row"
      data-index={index}
      data-uid={row.studyInstanceUid}
      data-covid={row.covid ?? ''}
      data-group={row.group}
      onClick={() => stores.worklist.getState().select(index)}
      onDoubleClick={() => {
        stores.worklist.getState().select(index);
        void openSelectedStudy(stores);
      }}
    >
      <span className="c-priority" role="cell">
        <PriorityBadge priority={row.priority} />
      </span>
      <span className="c-covid" role="cell" data-testid="row-covid">
        {row.group === 'needs-human-triage' ? <span className="dim">n/a</span> : formatProbability(row.covid)}
      </span>
      <span className="c-name" role="cell" data-testid="row-name">
        {row.patientName ?? 'unknown'}
      </span>
      <span className="c-id" role="cell" data-testid="row-id">
        {row.patientId ?? ''}
      </span>
      <span className="c-date" role="cell">
        {daToIso(row.studyDate)}
      </span>
      <span className="c-mod" role="cell">
        {row.modality ?? ''}
      </span>
      <span className="c-status" role="cell" data-testid="row-status" title={row.note ?? row.failureReason ?? undefined}>
        {STATUS_LABELS[row.status]}
        {row.note ? ' ✎' : ''}
      </span>
      <span className="c-arrival" role="cell">
        {formatArrival(row.arrivalMs)}
      </span>
    </div>
  );
}

function WorklistTable() {
  const stores = useAppStores();
  const entries = useWorklist((s) => s.entries);
  const sort = useWorklist((s) => s.sort);
  const selectedIndex = useWorklist((s) => s.selectedIndex);
  const status = useWorklist((s) => s.status);
  const error = useWorklist((s) => s.error);
  const body = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(() => stores.worklist.getState().scrollTop);
  const [height, setHeight] = useState(600);
  const items = useMemo(() => buildDisplayItems(entries, sort.column === 'covid'), [entries, sort.column]);

  // Back from the viewer: the list returns at the scroll position it had.
  useLayoutEffect(() => {
    if (body.current) body.current.scrollTop = stores.worklist.getState().scrollTop;
  }, [stores]);
  useEffect(() => {
    const el = body.current;
    if (!el) return;
    setHeight(el.clientHeight);
    const observer = new ResizeObserver(() => setHeight(el.clientHeight));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  // Keep the selection in view when the keyboard moves it.
  useEffect(() => {
    const el = body.current;
    if (!el || selectedIndex < 0) return;
    const next = scrollToShow(itemIndexOfEntry(items, selectedIndex), el.scrollTop, el.clientHeight);
    if (next !== el.scrollTop) el.scrollTop = next;
  }, [selectedIndex, items]);

  const { start, end } = visibleRange(scrollTop, height, items.length);
  return (
    <div className="wl-table" role="grid" aria-rowcount={entries.length} data-testid="worklist-table">
      <div className="wl-head" role="row">
        {COLUMNS.map((c) => (
          <button
            key={c.column}
            type="button"
            role="columnheader"
            className={`${c.className}${sort.column === c.column ? ' sorted' : ''}`}
            aria-sort={sort.column === c.column ? (sort.direction === 'asc' ? 'ascending' : 'descending') : 'none'}
            data-testid={`sort-${c.column}`}
            onClick={(e) => {
              stores.worklist.getState().setSort(c.column);
              e.currentTarget.blur();
            }}
          >
            {c.label}
            {sort.column === c.column ? (sort.direction === 'asc' ? ' ▲' : ' ▼') : ''}
          </button>
        ))}
      </div>
      <div
        className="wl-body"
        ref={body}
        data-testid="worklist-body"
        onScroll={(e) => {
          const top = e.currentTarget.scrollTop;
          setScrollTop(top);
          stores.worklist.getState().setScrollTop(top);
        }}
      >
        <div className="wl-spacer" style={{ height: items.length * WORKLIST_ROW_HEIGHT }}>
          {items.slice(start, end).map((item, i) => {
            const top = (start + i) * WORKLIST_ROW_HEIGHT;
            return item.kind === 'heading' ? (
              <div key={`h-${item.group}`} className={`wl-group g-${item.group}`} style={{ top, height: WORKLIST_ROW_HEIGHT }} data-testid="worklist-group" data-group={item.group}>
                {item.label} · {item.count}
              </div>
            ) : (
              <Row key={item.row.studyInstanceUid} row={item.row} index={item.index} selected={item.index === selectedIndex} top={top} />
            );
          })}
        </div>
        {status === 'error' ? (
          // An empty list would read as "nothing arrived": say that the list itself is unavailable.
          <div className="wl-list-error" role="alert" data-testid="worklist-error">
            <span className="tag">⚠ Error:</span> the worklist cannot be shown{entries.length > 0 ? ' (the rows below may be out of date)' : ''}: {error?.message ?? 'unknown error'}
          </div>
        ) : null}
        {entries.length === 0 && status !== 'error' ? (
          <div className="empty-list dim" data-testid="worklist-empty">
            {status === 'loading' ? 'Loading…' : 'No studies. Import a folder, or send images to the DICOM listener.'}
          </div>
        ) : null}
      </div>
    </div>
  );
}

/** The worklist screen. Mounted only in worklist mode, so its keys never reach the viewer. */
export function WorklistView() {
  const stores = useAppStores();
  const escalating = useWorklist((s) => s.escalating);
  const message = useWorklist((s) => s.message);
  const total = useWorklist((s) => s.entries.length);
  const queryMs = useWorklist((s) => s.queryMs);
  const hasSelection = useWorklist((s) => s.selectedIndex >= 0);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      // Dialogs own the keyboard while open: R/E/Enter must not act on the list behind them.
      if (stores.worklist.getState().escalating || stores.sources.getState().dialogOpen || e.ctrlKey || e.metaKey || e.altKey) return;
      if (isTextInput(e.target)) return;
      if (handleWorklistKey(stores, e.key)) e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [stores]);

  const exportCsv = async () => {
    const result = await stores.worklist.getState().exportCsv();
    if (result) downloadBlob(result.csv, result.fileName, 'text/csv;charset=utf-8');
  };
  const summary = async () => {
    const result = await stores.worklist.getState().summaryPng();
    if (result) downloadBlob(result.png, result.fileName, 'image/png');
  };

  return (
    <section className="worklist" data-testid="worklist">
      <div className="wl-banner" role="note" data-testid="worklist-banner">
        {WORKLIST_BANNER}
      </div>
      <div className="wl-header">
        <CountsHeader />
        <span className="dim small" data-testid="worklist-total">
          {total} studies{queryMs !== undefined ? ` · ${queryMs} ms` : ''}
        </span>
        <div className="wl-actions">
          <button type="button" className="tb" data-testid="worklist-import" onClick={() => void stores.worklist.getState().importFolder()}>
            Import folder
          </button>
          <button type="button" className="tb" data-testid="worklist-export-csv" onClick={() => void exportCsv()}>
            Export CSV
          </button>
          <button type="button" className="tb" data-testid="worklist-summary-png" disabled={!hasSelection} onClick={() => void summary()} title="Summary image of the selected study">
            Summary PNG
          </button>
        </div>
      </div>
      <SourcesBar />
      <Filters />
      <ImportBars />
      <DismissibleNotice message={message} testId="worklist-message" onDismiss={() => stores.worklist.getState().setMessage(undefined)} />
      <WorklistTable />
      <div className="wl-keys dim small">↑/↓ move · Enter open · R reviewed · E escalate · Esc back from the viewer</div>
      {escalating ? <EscalateDialog /> : null}
    </section>
  );
}
