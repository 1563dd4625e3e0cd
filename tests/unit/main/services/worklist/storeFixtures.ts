/** Builders for worklist-store tests: instances and AI results without files or a model. */
import type { AiResultInput, NewInstance } from '../../../../../app/main/services/worklist/worklistStore';

/** A DICOM instance of its own study (study/series/SOP UIDs derived from `n`). */
export function sampleInstance(n: number, overrides: Partial<NewInstance> = {}): NewInstance {
  return {
    kind: 'dicom',
    filePath: `/data/in/img${n}.dcm`,
    contentSha256: n.toString(16).padStart(64, '0'),
    source: 'import',
    studyInstanceUid: `1.2.3.${n}`,
    seriesInstanceUid: `1.2.3.${n}.1`,
    sopInstanceUid: `1.2.3.${n}.1.1`,
    patientName: `PATIENT^${n}`,
    patientId: `ID${n}`,
    studyDate: '20240101',
    modality: 'DX',
    ...overrides,
  };
}

/** An AI result with the given COVID probability. */
export function aiResult(covid: number, overrides: Partial<AiResultInput> = {}): AiResultInput {
  const rest = (1 - covid) / 2;
  return {
    probabilities: { covid, normal: rest, pneumonia: rest },
    label: covid > rest ? 'covid' : 'normal',
    priority: covid >= 0.7 ? 'high' : covid >= 0.4 ? 'medium' : 'low',
    outOfDistribution: false,
    ood: 0.1,
    model: { name: 'cxr-tri', version: '1.0.0', sha256: 'ab'.repeat(32) },
    ...overrides,
  };
}
