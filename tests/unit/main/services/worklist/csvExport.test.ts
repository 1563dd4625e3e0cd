import { describe, expect, it } from 'vitest';

import { CSV_COLUMNS, csvField, csvFileName, worklistCsv, type CsvEntry } from '../../../../../app/main/services/worklist/csvExport';

function entry(overrides: Partial<CsvEntry> = {}): CsvEntry {
  return {
    studyInstanceUid: '1.2.3',
    patientName: 'Doe^Jane',
    patientId: 'P1',
    studyDate: '20240105',
    modality: 'DX',
    covid: 0.87654,
    priority: 'high',
    outOfDistribution: false,
    group: 'ranked',
    status: 'triaged',
    failureReason: null,
    reviewer: null,
    note: null,
    arrivalMs: Date.UTC(2024, 0, 5, 8, 30),
    ...overrides,
  };
}

describe('worklistCsv', () => {
  it('starts with the not-for-diagnosis comment, then the header row', () => {
    const lines = worklistCsv([]).split('\r\n');
    expect(lines[0]).toBe('# AI prioritisation only — not for diagnosis');
    expect(lines[1]).toBe(CSV_COLUMNS.join(','));
  });

  it('writes one line per row in the given order, with ISO dates and 4-decimal probabilities', () => {
    const csv = worklistCsv([entry(), entry({ studyInstanceUid: '1.2.4', covid: null, priority: null, status: 'new' })]);
    const lines = csv.trimEnd().split('\r\n');
    expect(lines).toHaveLength(4);
    expect(lines[2]).toBe('ranked,high,0.8765,triaged,Doe^Jane,P1,2024-01-05,DX,1.2.3,2024-01-05T08:30:00.000Z,,,');
    expect(lines[3].split(',').slice(0, 4)).toEqual(['ranked', '', '', 'new']);
  });

  it('quotes commas, quotes and line breaks (RFC 4180)', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField(null)).toBe('');
  });

  it('defuses text a spreadsheet would run as a formula', () => {
    expect(csvField('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('@cmd')).toBe("'@cmd");
  });

  it('adds the generation time as a second comment when given; file names carry no patient data', () => {
    const at = new Date('2026-03-04T05:06:07Z');
    expect(worklistCsv([], { generatedAt: at }).split('\r\n')[1]).toBe('# generated 2026-03-04T05:06:07.000Z');
    expect(csvFileName(at)).toBe('worklist-20260304-050607.csv');
  });
});
