/**
 * Pure helpers of the worklist view: the display items (group headings and rows, all of one
 * fixed height so the list can be virtualised by arithmetic), the visible window of a
 * scrolled list, and the labels of priorities and statuses.
 */
import type { WorklistRow } from '../../../shared/ipc/contract';

/** Row height in CSS px. Fixed: the visible range is computed, never measured. */
export const WORKLIST_ROW_HEIGHT = 30;

export type DisplayItem =
  | { kind: 'heading'; group: WorklistRow['group']; label: string; count: number }
  | { kind: 'row'; row: WorklistRow; index: number };

/** Group headings: out-of-distribution studies need a person, not a probability (issue #5). */
export const GROUP_LABELS: Record<WorklistRow['group'], string> = {
  'needs-human-triage': 'Needs human triage (image outside what the model knows)',
  ranked: 'Ranked by AI',
};

/**
 * Rows with a heading before each group. Headings are only inserted when the list is in the
 * default COVID order, where main keeps each group together; other sorts mix the groups.
 */
export function buildDisplayItems(entries: readonly WorklistRow[], grouped: boolean): DisplayItem[] {
  if (!grouped) return entries.map((row, index) => ({ kind: 'row', row, index }));
  const items: DisplayItem[] = [];
  const count = (group: WorklistRow['group']) => entries.filter((e) => e.group === group).length;
  let current: WorklistRow['group'] | undefined;
  entries.forEach((row, index) => {
    if (row.group !== current) {
      current = row.group;
      items.push({ kind: 'heading', group: row.group, label: GROUP_LABELS[row.group], count: count(row.group) });
    }
    items.push({ kind: 'row', row, index });
  });
  return items;
}

/** Position of entry `index` among the display items (for scrolling the selection into view). */
export function itemIndexOfEntry(items: readonly DisplayItem[], index: number): number {
  return items.findIndex((i) => i.kind === 'row' && i.index === index);
}

/** The items to render for a scroll position: those in view plus `overscan` on each side. */
export function visibleRange(scrollTop: number, viewportHeight: number, itemCount: number, rowHeight = WORKLIST_ROW_HEIGHT, overscan = 8): { start: number; end: number } {
  const first = Math.floor(Math.max(0, scrollTop) / rowHeight);
  const inView = Math.ceil(Math.max(0, viewportHeight) / rowHeight) + 1;
  return { start: Math.max(0, first - overscan), end: Math.min(itemCount, first + inView + overscan) };
}

/** The scroll offset that brings item `itemIndex` into view (unchanged when it is visible). */
export function scrollToShow(itemIndex: number, scrollTop: number, viewportHeight: number, rowHeight = WORKLIST_ROW_HEIGHT): number {
  const top = itemIndex * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + viewportHeight) return Math.max(0, top + rowHeight - viewportHeight);
  return scrollTop;
}

/** Badge text per priority: the word is always there, colour is never the only cue. */
export const PRIORITY_LABELS: Record<NonNullable<WorklistRow['priority']> | 'none', string> = {
  unreliable: 'Needs human',
  high: 'High',
  medium: 'Medium',
  low: 'Low',
  none: 'No result',
};

export const STATUS_LABELS: Record<WorklistRow['status'], string> = {
  new: 'New',
  triaged: 'Triaged',
  reviewed: 'Reviewed',
  escalated: 'Escalated',
  failed: 'Failed',
};

/** COVID probability as a percentage; "—" before triage. */
export function formatProbability(p: number | null): string {
  return p === null ? '—' : `${(p * 100).toFixed(1)} %`;
}

/** DICOM DA (YYYYMMDD) as YYYY-MM-DD; HTML date inputs give YYYY-MM-DD, the filter wants DA. */
export function daToIso(da: string | null | undefined): string {
  return da && /^\d{8}$/.test(da) ? `${da.slice(0, 4)}-${da.slice(4, 6)}-${da.slice(6, 8)}` : (da ?? '');
}
export function isoToDa(iso: string): string | undefined {
  return /^\d{4}-\d{2}-\d{2}$/.test(iso) ? iso.replace(/-/g, '') : undefined;
}

/** Remaining time of an import in words. */
export function formatEta(seconds: number | null): string {
  if (seconds === null) return 'estimating…';
  if (seconds < 60) return `${Math.ceil(seconds)} s left`;
  return `${Math.floor(seconds / 60)} min ${Math.ceil(seconds % 60)} s left`;
}
