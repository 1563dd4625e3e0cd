import { describe, expect, it } from 'vitest';

import { buildDisplayItems, daToIso, formatEta, isoToDa, itemIndexOfEntry, scrollToShow, visibleRange, WORKLIST_ROW_HEIGHT } from '../../../../../app/renderer/features/worklist/worklistRows';
import type { WorklistRow } from '../../../../../app/shared/ipc/contract';

const row = (n: number, group: WorklistRow['group']): WorklistRow => ({
  studyInstanceUid: `1.${n}`, patientName: null, patientId: null, studyDate: null, modality: null, covid: 0.5, priority: null,
  outOfDistribution: group === 'needs-human-triage', group, status: 'new', failureReason: null, reviewer: null, note: null, arrivalMs: n,
});

describe('worklist rows', () => {
  it('puts a heading before each group in the default order, none in other sorts', () => {
    const entries = [row(1, 'needs-human-triage'), row(2, 'ranked'), row(3, 'ranked')];
    const items = buildDisplayItems(entries, true);
    expect(items.map((i) => (i.kind === 'heading' ? `h:${i.group}:${i.count}` : `r:${i.index}`))).toEqual(['h:needs-human-triage:1', 'r:0', 'h:ranked:2', 'r:1', 'r:2']);
    expect(itemIndexOfEntry(items, 1)).toBe(3);
    expect(buildDisplayItems(entries, false)).toHaveLength(3);
  });

  it('renders only the rows in view (plus overscan) of 10,000', () => {
    const { start, end } = visibleRange(5000 * WORKLIST_ROW_HEIGHT, 600, 10_000);
    expect(start).toBe(5000 - 8);
    expect(end - start).toBeLessThan(50);
    expect(visibleRange(0, 600, 3)).toEqual({ start: 0, end: 3 });
  });

  it('scrolls just enough to show the selection', () => {
    expect(scrollToShow(0, 300, 600)).toBe(0);
    expect(scrollToShow(15, 0, 600)).toBe(0);
    expect(scrollToShow(30, 0, 600)).toBe(31 * WORKLIST_ROW_HEIGHT - 600);
  });

  it('converts DICOM DA to and from the date input format; formats the ETA', () => {
    expect(daToIso('20240105')).toBe('2024-01-05');
    expect(isoToDa('2024-01-05')).toBe('20240105');
    expect(isoToDa('')).toBeUndefined();
    expect(formatEta(null)).toBe('estimating…');
    expect(formatEta(75)).toBe('1 min 15 s left');
  });
});
