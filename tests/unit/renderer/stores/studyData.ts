/** Catalog shapes for store tests. */
import type { PatientSummary, StudySummary } from '../../../../app/shared/ipc/contract';

export function makeStudy(studyKey: string, studyDate: string, instanceIds: string[], errors: Record<string, string> = {}): StudySummary {
  return {
    studyKey,
    studyDate,
    modalities: ['DX'],
    numberOfImages: instanceIds.length,
    thumbnailInstanceId: instanceIds.find((id) => !errors[id]),
    series: [
      {
        seriesKey: `${studyKey}-s1`,
        seriesNumber: 1,
        instances: instanceIds.map((id, i) => ({
          instanceId: id,
          instanceNumber: i + 1,
          numberOfFrames: 1,
          fileName: `${id}.dcm`,
          ...(errors[id] ? { error: { code: 'DICOM_TRUNCATED', message: errors[id] } } : {}),
        })),
      },
    ],
  };
}

export function makePatient(patientKey: string, studies: StudySummary[]): PatientSummary {
  return { patientKey, patientName: 'Doe^Jane', patientId: 'P-001', studies };
}
