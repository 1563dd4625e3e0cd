/**
 * Which patient a study belongs to, as an opaque key (issue #10). DICOM identifies a patient by
 * Patient ID (0010,0020) within the namespace of Issuer of Patient ID (0010,0021) (PS3.3
 * C.7.1.1): two hospitals may give the same ID to different people, so the issuer is part of the
 * key where present. A study without a Patient ID is grouped by name for the browser only; such a
 * patient never has priors, because a name alone does not identify a person.
 */
import { createHash } from 'node:crypto';

export interface PatientIdentity {
  issuerOfPatientId?: string;
  patientId?: string;
  patientName?: string;
}

/** 32 hex digits: stable across restarts and databases, and reveals no patient data. */
export function patientKeyOf(p: PatientIdentity): string {
  const id = p.patientId?.trim();
  const name = p.patientName?.trim();
  const parts = id ? ['id', p.issuerOfPatientId?.trim() ?? '', id] : name ? ['name', name] : ['unknown'];
  return createHash('sha256').update(parts.join('\u0000')).digest('hex').slice(0, 32);
}

/** True when the identity can link studies over time (priors need a Patient ID). */
export function identifiesPatient(p: PatientIdentity): boolean {
  return Boolean(p.patientId?.trim());
}
