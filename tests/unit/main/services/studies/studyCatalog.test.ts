import { describe, expect, it } from 'vitest';
import type { InstanceHeader } from '../../../../../app/main/services/decoding/decodeService';
import { InMemoryCatalogStore } from '../../../../../app/main/services/studies/catalogStore';
import { StudyCatalog, UNKNOWN_PATIENT } from '../../../../../app/main/services/studies/studyCatalog';

const dicom = (h: Partial<InstanceHeader>): InstanceHeader => ({ kind: 'dicom', numberOfFrames: 1, hasPixelData: true, ...h });

function catalogWith(entries: Array<[string, InstanceHeader]>): StudyCatalog {
  const catalog = new StudyCatalog(new InMemoryCatalogStore());
  for (const [path, header] of entries) catalog.addInstance(path, header);
  return catalog;
}

describe('StudyCatalog', () => {
  it('gives ids that contain neither paths nor patient data', () => {
    const catalog = catalogWith([['/secret/Doe_Jane/1.dcm', dicom({ patientName: 'Doe^Jane', patientId: 'P1', studyInstanceUid: '1', seriesInstanceUid: '1.1', sopInstanceUid: '1.1.1' })]]);
    const patient = catalog.list()[0];
    const ids = [patient.patientKey, patient.studies[0].studyKey, patient.studies[0].series[0].seriesKey, patient.studies[0].series[0].instances[0].instanceId];
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{32}$/);
    }
    expect(JSON.stringify(patient)).not.toContain('/secret');
  });

  it('makes each PNG/JPEG a single-image study of the unknown patient', () => {
    const catalog = catalogWith([
      ['/x/a.png', { kind: 'png', numberOfFrames: 1, hasPixelData: true }],
      ['/x/b.jpg', { kind: 'jpeg', numberOfFrames: 1, hasPixelData: true }],
    ]);
    const patients = catalog.list();
    expect(patients).toHaveLength(1);
    expect(patients[0]).toMatchObject({ patientName: UNKNOWN_PATIENT, patientId: '' });
    expect(patients[0].studies).toHaveLength(2);
  });

  it('keeps a PNG with a sidecar patient under that patient', () => {
    const catalog = catalogWith([['/x/a.png', { kind: 'png', numberOfFrames: 1, hasPixelData: true, patientName: 'Side^Car', patientId: 'S1' }]]);
    expect(catalog.list()[0]).toMatchObject({ patientName: 'Side^Car', patientId: 'S1' });
  });

  it('finds priors: same patient, earlier date, newest first', () => {
    const catalog = catalogWith([
      ['/1', dicom({ patientName: 'A', patientId: 'P', studyInstanceUid: 's3', studyDate: '20240101', sopInstanceUid: 'i3' })],
      ['/2', dicom({ patientName: 'A', patientId: 'P', studyInstanceUid: 's1', studyDate: '20200101', sopInstanceUid: 'i1' })],
      ['/3', dicom({ patientName: 'A', patientId: 'P', studyInstanceUid: 's2', studyDate: '20220101', sopInstanceUid: 'i2' })],
      ['/4', dicom({ patientName: 'A', patientId: 'P', studyInstanceUid: 's4', studyDate: '20250101', sopInstanceUid: 'i4' })],
      ['/5', dicom({ patientName: 'B', patientId: 'P', studyInstanceUid: 's5', studyDate: '20190101', sopInstanceUid: 'i5' })],
      ['/6', dicom({ patientName: 'A', patientId: 'Q', studyInstanceUid: 's6', studyDate: '20190101', sopInstanceUid: 'i6' })],
      ['/7', dicom({ patientName: 'A', patientId: 'P', studyInstanceUid: 's7', sopInstanceUid: 'i7' })],
    ]);
    const studies = catalog.list().flatMap((p) => p.studies);
    const current = studies.find((s) => s.studyInstanceUid === 's3')!;
    expect(catalog.priors(current.studyKey)!.map((s) => s.studyInstanceUid)).toEqual(['s2', 's1']);
    const oldest = studies.find((s) => s.studyInstanceUid === 's1')!;
    expect(catalog.priors(oldest.studyKey)).toEqual([]);
    expect(catalog.priors('nope')).toBeUndefined();
  });

  it('gives no priors to a patient without an ID', () => {
    const catalog = catalogWith([
      ['/1', dicom({ patientName: 'A', studyInstanceUid: 's1', studyDate: '20240101', sopInstanceUid: 'i1' })],
      ['/2', dicom({ patientName: 'A', studyInstanceUid: 's2', studyDate: '20200101', sopInstanceUid: 'i2' })],
    ]);
    const current = catalog.list()[0].studies[0];
    expect(catalog.priors(current.studyKey)).toEqual([]);
  });

  it('orders same-day studies by Study Time', () => {
    const catalog = catalogWith([
      ['/1', dicom({ patientName: 'A', patientId: 'P', studyInstanceUid: 'am', studyDate: '20240101', studyTime: '0800', sopInstanceUid: 'i1' })],
      ['/2', dicom({ patientName: 'A', patientId: 'P', studyInstanceUid: 'pm', studyDate: '20240101', studyTime: '163000', sopInstanceUid: 'i2' })],
    ]);
    const [first, second] = catalog.list()[0].studies;
    expect([first.studyInstanceUid, second.studyInstanceUid]).toEqual(['pm', 'am']);
    expect(catalog.priors(first.studyKey)!.map((s) => s.studyInstanceUid)).toEqual(['am']);
  });
});
