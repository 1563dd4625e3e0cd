import { describe, expect, it } from 'vitest';
import { formatDicomDate, formatPersonName, messageNamingFile } from '../../../../app/renderer/lib/format';

describe('formatDicomDate', () => {
  it('formats DA values and passes others through', () => {
    expect(formatDicomDate('20240131')).toBe('2024-01-31');
    expect(formatDicomDate(' 2024 ')).toBe('2024');
  });
});

describe('formatPersonName', () => {
  it('formats the alphabetic group of a PN (PS3.5 6.2.1)', () => {
    expect(formatPersonName('Doe^Jane^M^Dr')).toBe('DOE, Dr Jane M');
    expect(formatPersonName('Yamada^Tarou=山田^太郎')).toBe('YAMADA, Tarou');
    expect(formatPersonName('unknown')).toBe('UNKNOWN');
  });
});

describe('messageNamingFile', () => {
  it('prefixes the file name only when the message lacks it', () => {
    expect(messageNamingFile('a.dcm', 'truncated')).toBe('a.dcm: truncated');
    expect(messageNamingFile('a.dcm', 'a.dcm is truncated')).toBe('a.dcm is truncated');
  });
});
