import { describe, expect, it } from 'vitest';
import type { TagNode } from '../../../../../app/shared/ipc/contract';
import { countTags, filterTags } from '../../../../../app/renderer/features/tagBrowser/tagFilter';

const tree: TagNode[] = [
  { tag: '(0010,0010)', vr: 'PN', keyword: 'PatientName', value: 'Doe^Jane' },
  { tag: '(0010,0020)', vr: 'LO', keyword: 'PatientID', value: 'P-001' },
  {
    tag: '(0008,1140)',
    vr: 'SQ',
    keyword: 'ReferencedImageSequence',
    value: '2 items',
    items: [
      [{ tag: '(0008,1155)', vr: 'UI', keyword: 'ReferencedSOPInstanceUID', value: '1.2.3' }],
      [{ tag: '(0008,1150)', vr: 'UI', keyword: 'ReferencedSOPClassUID', value: '1.2.840' }],
    ],
  },
];

describe('filterTags', () => {
  it('finds an element by keyword, case-insensitively', () => {
    expect(filterTags(tree, 'patientid').map((n) => n.keyword)).toEqual(['PatientID']);
  });

  it('finds an element by tag written with or without parentheses and comma', () => {
    expect(filterTags(tree, '0010,0020')[0].keyword).toBe('PatientID');
    expect(filterTags(tree, '00100020')[0].keyword).toBe('PatientID');
  });

  it('keeps a sequence with only its matching nested items', () => {
    const found = filterTags(tree, 'ReferencedSOPInstance');
    expect(found).toHaveLength(1);
    expect(found[0].items).toHaveLength(1);
    expect(found[0].items![0][0].keyword).toBe('ReferencedSOPInstanceUID');
  });

  it('returns everything for an empty query', () => {
    expect(filterTags(tree, '  ')).toHaveLength(3);
  });
});

describe('countTags', () => {
  it('counts nested elements', () => {
    expect(countTags(tree)).toBe(5);
  });
});
