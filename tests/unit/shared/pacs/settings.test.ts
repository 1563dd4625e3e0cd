import { describe, expect, it } from 'vitest';

import { describeNode, validatePacsSettings } from '../../../../app/shared/pacs/settings';
import { makeUid } from '../../../../app/shared/pacs/uid';
import { formatDs } from '../../../../app/shared/pacs/dicomEncoder';

const dimse = { id: 'pacs', name: 'Main PACS', kind: 'dimse', aeTitle: 'PACS', host: 'pacs.local', port: 104, callingAeTitle: 'CXR_TRIAGE' };
const web = { id: 'web', name: 'Web', kind: 'dicomweb', baseUrl: 'https://user:secret@pacs.local/dicom-web', auth: { type: 'bearer', token: 't' } };

describe('PACS settings', () => {
  it('accepts DIMSE and DICOMweb nodes, a results node and a UID root', () => {
    const r = validatePacsSettings({ nodes: [dimse, web], resultsNodeId: 'web', uidRoot: '1.2.826.0.1.3680043.10.54', moveDestination: { aeTitle: 'CXR_TRIAGE', port: 11113 } });
    expect(r.ok).toBe(true);
  });

  it('refuses automatic results sending without a results node, naming the field (#11)', () => {
    expect(validatePacsSettings({ nodes: [dimse], autoSendResults: true })).toEqual({ ok: false, problems: ['autoSendResults: sending results automatically needs a results destination (resultsNodeId)'] });
    expect(validatePacsSettings({ nodes: [dimse], resultsNodeId: 'pacs', autoSendResults: true }).ok).toBe(true);
  });

  it('names each problem by its field', () => {
    const r = validatePacsSettings({
      nodes: [
        { ...dimse, aeTitle: 'WAY_TOO_LONG_AE_TITLE', port: 70000 },
        { ...web, id: 'pacs', baseUrl: 'ftp://x' },
      ],
      resultsNodeId: 'nope',
      uidRoot: '1.02.3',
    });
    expect(r.ok).toBe(false);
    const problems = r.ok ? [] : r.problems;
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^nodes\[0\]\.aeTitle: AE title must be 1 to 16/),
        expect.stringMatching(/^nodes\[0\]\.port: /),
        expect.stringMatching(/^nodes\[1\]\.baseUrl: /),
        expect.stringMatching(/^nodes\[1\]\.id: node id "pacs" is used twice/),
        expect.stringMatching(/^resultsNodeId: results node "nope"/),
        expect.stringMatching(/^uidRoot: /),
      ]),
    );
  });

  it('never shows credentials when describing a node', () => {
    expect(describeNode(validatePacsSettings({ nodes: [web] }).ok ? (web as never) : (web as never))).toBe('Web (https://pacs.local/dicom-web)');
    expect(describeNode(dimse as never)).toBe('Main PACS (PACS@pacs.local:104)');
  });
});

describe('UIDs and DS values', () => {
  it('makes valid UIDs under a root or 2.25 (PS3.5 9.1, B.2)', () => {
    const random = new Uint8Array(16).fill(0xff);
    for (const uid of [makeUid(undefined, random), makeUid('1.2.826.0.1.3680043.10.54', random), makeUid('1.2', new Uint8Array(16))]) {
      expect(uid.length).toBeLessThanOrEqual(64);
      expect(uid).toMatch(/^(0|[1-9]\d*)(\.(0|[1-9]\d*))*$/);
    }
    expect(makeUid(undefined, random).startsWith('2.25.')).toBe(true);
  });

  it('writes DS in at most 16 characters', () => {
    for (const v of [0.123456789012345, 1 / 3, 1e-9, 123456789.123456, 0.71]) expect(formatDs(v).length).toBeLessThanOrEqual(16);
    expect(Number(formatDs(1 / 3))).toBeCloseTo(1 / 3, 12);
  });
});
