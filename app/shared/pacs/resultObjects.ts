/**
 * The AI result as DICOM objects for the PACS (issue #11), in new series of the source study:
 *
 * - a Comprehensive SR (PS3.3 A.35.3) whose content tree holds the probabilities, label,
 *   priority, out-of-distribution flag, the model's name, version and sha256, a reference to
 *   the triaged image, and the line "AI prioritisation only — not for diagnosis";
 * - a Secondary Capture image (PS3.3 A.8.1) of the summary picture (image + Grad-CAM heatmap,
 *   legend and the same line burnt in), 8-bit RGB.
 *
 * Patient and study attributes are copied from the source image; what the source lacks stays
 * empty (Type 2): nothing about the patient is invented. The SR uses no DICOM template (it does
 * not claim TID 1500): AI-specific concepts use a private coding scheme, 99CXRTRI (PS3.16 8.2),
 * declared in the Coding Scheme Identification Sequence; standard codes where they exist
 * (DCM 111001/111003 Algorithm Name/Version, SCT Yes/No, UCUM "no units").
 *
 * Pure: returns element lists; app/main encodes them behind a PS3.10 meta header.
 */
import { el, type DicomElement, type Item } from './dicomEncoder';

export const COMPREHENSIVE_SR = '1.2.840.10008.5.1.4.1.1.88.33';
export const SECONDARY_CAPTURE = '1.2.840.10008.5.1.4.1.1.7';

/** The line every result object carries. Same words as the worklist summary image. */
export const NOT_FOR_DIAGNOSIS = 'AI prioritisation only — not for diagnosis';

/** Series numbers of the result series: high, so they sort after the modality's own series. */
export const SR_SERIES_NUMBER = 9901;
export const SC_SERIES_NUMBER = 9902;

/** Private coding scheme of this application (PS3.16 8.2: designators starting "99" are private). */
export const CODING_SCHEME = '99CXRTRI';

/** Attributes copied from the source image, decoded to text; undefined = absent in the source. */
export interface SourceAttributes {
  patientName?: string;
  patientId?: string;
  issuerOfPatientId?: string;
  patientBirthDate?: string;
  patientSex?: string;
  patientAge?: string;
  studyInstanceUid: string;
  studyDate?: string;
  studyTime?: string;
  accessionNumber?: string;
  referringPhysicianName?: string;
  studyId?: string;
  studyDescription?: string;
  /** The triaged image. */
  seriesInstanceUid: string;
  sopClassUid: string;
  sopInstanceUid: string;
}

/** The AI result being reported. */
export interface TriageResultForPacs {
  /** Probabilities by label, in the model's label order. */
  probabilities: Record<string, number>;
  label: string;
  priority: 'high' | 'medium' | 'low' | 'unreliable';
  outOfDistribution: boolean;
  ood?: number;
  model: { name: string; version: string; sha256: string };
}

export interface ResultObjectIds {
  seriesInstanceUid: string;
  sopInstanceUid: string;
}

/** When the objects are made (content date/time, local time as DICOM DA/TM). */
export interface CreationTime {
  date: string;
  time: string;
}

/** DA and TM (PS3.5 6.2) of a Date in local time. */
export function creationTime(now: Date): CreationTime {
  const p = (n: number, w = 2): string => String(n).padStart(w, '0');
  return {
    date: `${now.getFullYear()}${p(now.getMonth() + 1)}${p(now.getDate())}`,
    time: `${p(now.getHours())}${p(now.getMinutes())}${p(now.getSeconds())}`,
  };
}

const code = (value: string, scheme: string, meaning: string): Item => [el('CodeValue', value), el('CodingSchemeDesignator', scheme), el('CodeMeaning', meaning)];
const local = (value: string, meaning: string): Item => code(value, CODING_SCHEME, meaning);
const YES = code('373066001', 'SCT', 'Yes');
const NO = code('373067005', 'SCT', 'No');
const NO_UNITS = code('1', 'UCUM', 'no units');
const PRIORITY_MEANING: Record<TriageResultForPacs['priority'], string> = {
  high: 'High priority',
  medium: 'Medium priority',
  low: 'Low priority',
  unreliable: 'Needs human triage (out of distribution)',
};

/** A local code value for a label: upper case, letters/digits/_ only, ≤ 16 characters (SH). */
export function labelCode(label: string): string {
  return (
    label
      .toUpperCase()
      .replace(/[^A-Z0-9_]/g, '_')
      .slice(0, 16) || 'UNKNOWN'
  );
}

function contentItem(valueType: string, concept: Item, value: DicomElement[]): Item {
  return [el('RelationshipType', 'CONTAINS'), el('ValueType', valueType), el('ConceptNameCodeSequence', [concept]), ...value];
}
const text = (concept: Item, value: string): Item => contentItem('TEXT', concept, [el('TextValue', value)]);
const coded = (concept: Item, value: Item): Item => contentItem('CODE', concept, [el('ConceptCodeSequence', [value])]);
const num = (concept: Item, value: number): Item =>
  contentItem('NUM', concept, [el('MeasuredValueSequence', [[el('NumericValue', value), el('MeasurementUnitsCodeSequence', [NO_UNITS])]])]);

/** Patient, General Study and SOP Common character set: copied, never made up. */
function patientAndStudy(source: SourceAttributes): DicomElement[] {
  const out = [
    // Everything we write is UTF-8 (the source's text was decoded with its own character set).
    el('SpecificCharacterSet', 'ISO_IR 192'),
    el('PatientName', source.patientName),
    el('PatientID', source.patientId),
    el('PatientBirthDate', source.patientBirthDate),
    el('PatientSex', source.patientSex),
    el('StudyInstanceUID', source.studyInstanceUid),
    el('StudyDate', source.studyDate),
    el('StudyTime', source.studyTime),
    el('AccessionNumber', source.accessionNumber),
    el('ReferringPhysicianName', source.referringPhysicianName),
    el('StudyID', source.studyId),
  ];
  if (source.issuerOfPatientId) out.push(el('IssuerOfPatientID', source.issuerOfPatientId));
  if (source.patientAge) out.push(el('PatientAge', source.patientAge));
  if (source.studyDescription) out.push(el('StudyDescription', source.studyDescription));
  return out;
}

/** Manufacturer (0008,0070) of every object we create: how we recognise our own results coming back (issue #11). */
export const RESULT_MANUFACTURER = 'CXR triage (research software)';

function equipment(model: TriageResultForPacs['model']): DicomElement[] {
  return [el('Manufacturer', RESULT_MANUFACTURER), el('ManufacturerModelName', model.name.slice(0, 64)), el('SoftwareVersions', model.version.slice(0, 64))];
}

/** The elements of the Comprehensive SR. */
export function buildResultSr(source: SourceAttributes, result: TriageResultForPacs, ids: ResultObjectIds, when: CreationTime): DicomElement[] {
  const content: Item[] = [
    text(local('INTENDED_USE', 'Intended use'), NOT_FOR_DIAGNOSIS),
    text(code('111001', 'DCM', 'Algorithm Name'), result.model.name),
    text(code('111003', 'DCM', 'Algorithm Version'), result.model.version),
    text(local('MODEL_SHA256', 'Model file SHA-256'), result.model.sha256),
    coded(local('AI_LABEL', 'Most likely class'), local(labelCode(result.label), result.label)),
    ...Object.entries(result.probabilities).map(([label, p]) => num(local(`P_${labelCode(label)}`.slice(0, 16), `Probability of ${label}`), roundProbability(p))),
    coded(local('PRIORITY', 'Triage priority'), local(result.priority.toUpperCase(), PRIORITY_MEANING[result.priority])),
    coded(local('OOD', 'Outside the model input distribution'), result.outOfDistribution ? YES : NO),
  ];
  if (result.ood !== undefined && Number.isFinite(result.ood)) content.push(num(local('OOD_SCORE', 'Out-of-distribution score'), roundProbability(result.ood)));
  content.push(
    contentItem('IMAGE', local('SOURCE_IMAGE', 'Image triaged'), [
      el('ReferencedSOPSequence', [[el('ReferencedSOPClassUID', source.sopClassUid), el('ReferencedSOPInstanceUID', source.sopInstanceUid)]]),
    ]),
  );
  return [
    ...patientAndStudy(source),
    el('SOPClassUID', COMPREHENSIVE_SR),
    el('SOPInstanceUID', ids.sopInstanceUid),
    el('InstanceCreationDate', when.date),
    el('InstanceCreationTime', when.time),
    el('CodingSchemeIdentificationSequence', [
      [el('CodingSchemeDesignator', CODING_SCHEME), el('CodingSchemeName', 'CXR triage local codes'), el('CodingSchemeResponsibleOrganization', 'CXR triage project')],
    ]),
    // SR Document Series (PS3.3 C.17.1).
    el('Modality', 'SR'),
    el('SeriesInstanceUID', ids.seriesInstanceUid),
    el('SeriesNumber', SR_SERIES_NUMBER),
    el('SeriesDate', when.date),
    el('SeriesTime', when.time),
    el('SeriesDescription', 'AI triage result (prioritisation only, not for diagnosis)'),
    el('ReferencedPerformedProcedureStepSequence', []),
    ...equipment(result.model),
    // SR Document General (PS3.3 C.17.2).
    el('InstanceNumber', 1),
    el('ContentDate', when.date),
    el('ContentTime', when.time),
    el('CompletionFlag', 'COMPLETE'),
    el('VerificationFlag', 'UNVERIFIED'),
    el('PerformedProcedureCodeSequence', []),
    el('CurrentRequestedProcedureEvidenceSequence', [
      [
        el('StudyInstanceUID', source.studyInstanceUid),
        el('ReferencedSeriesSequence', [
          [el('SeriesInstanceUID', source.seriesInstanceUid), el('ReferencedSOPSequence', [[el('ReferencedSOPClassUID', source.sopClassUid), el('ReferencedSOPInstanceUID', source.sopInstanceUid)]])],
        ]),
      ],
    ]),
    // SR Document Content (PS3.3 C.17.3): the root CONTAINER.
    el('ValueType', 'CONTAINER'),
    el('ConceptNameCodeSequence', [local('TRIAGE_RESULT', 'Chest X-ray AI triage result')]),
    el('ContinuityOfContent', 'SEPARATE'),
    el('ContentSequence', content),
  ];
}

/** An RGB picture, 8 bits per sample, pixel-interleaved. */
export interface RgbImage {
  width: number;
  height: number;
  rgb: Uint8Array;
}

/** The elements of the Secondary Capture image. */
export function buildResultSc(source: SourceAttributes, result: TriageResultForPacs, ids: ResultObjectIds, when: CreationTime, image: RgbImage): DicomElement[] {
  if (image.rgb.length !== image.width * image.height * 3) throw new Error('RGB buffer size does not match width × height × 3');
  return [
    ...patientAndStudy(source),
    el('SOPClassUID', SECONDARY_CAPTURE),
    el('SOPInstanceUID', ids.sopInstanceUid),
    el('InstanceCreationDate', when.date),
    el('InstanceCreationTime', when.time),
    // General Series (PS3.3 C.7.3.1); OT: "other", the modality of a derived picture.
    el('Modality', 'OT'),
    el('SeriesInstanceUID', ids.seriesInstanceUid),
    el('SeriesNumber', SC_SERIES_NUMBER),
    el('SeriesDate', when.date),
    el('SeriesTime', when.time),
    el('SeriesDescription', 'AI triage heatmap (prioritisation only, not for diagnosis)'),
    ...equipment(result.model),
    // SC Equipment (PS3.3 C.8.6.1): WSD = workstation.
    el('ConversionType', 'WSD'),
    // General Image (PS3.3 C.7.6.1).
    el('InstanceNumber', 1),
    el('PatientOrientation', null),
    el('ContentDate', when.date),
    el('ContentTime', when.time),
    el('ImageType', ['DERIVED', 'SECONDARY']),
    el('DerivationDescription', `Grad-CAM heatmap of ${result.model.name} ${result.model.version} over the image. ${NOT_FOR_DIAGNOSIS}`.slice(0, 1024)),
    el('SourceImageSequence', [[el('ReferencedSOPClassUID', source.sopClassUid), el('ReferencedSOPInstanceUID', source.sopInstanceUid)]]),
    el('BurnedInAnnotation', 'YES'),
    el('LossyImageCompression', '00'),
    // Image Pixel (PS3.3 C.7.6.3).
    el('SamplesPerPixel', 3),
    el('PhotometricInterpretation', 'RGB'),
    el('PlanarConfiguration', 0),
    el('Rows', image.height),
    el('Columns', image.width),
    el('BitsAllocated', 8),
    el('BitsStored', 8),
    el('HighBit', 7),
    el('PixelRepresentation', 0),
    el('PixelData', image.rgb),
  ];
}

/** Six decimals: what the worklist shows, and short enough for DS. */
function roundProbability(p: number): number {
  return Math.round(p * 1e6) / 1e6;
}
