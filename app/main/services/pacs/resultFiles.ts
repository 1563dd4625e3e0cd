/**
 * The result objects of a study as PS3.10 files (issue #11): reads the source image's patient and
 * study attributes, renders the Secondary Capture picture (the worklist summary image: image,
 * Grad-CAM heatmap, priority, probabilities, model, the not-for-diagnosis line; plus a heatmap
 * colour legend), and encodes the SR and the SC from app/shared/pacs/resultObjects.ts.
 */
import { getRandomValues } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { basename } from 'node:path';

import { PNG } from 'pngjs';

import { encodeDataset, type DicomElement } from '../../../shared/pacs/dicomEncoder';
import {
  buildResultSc,
  buildResultSr,
  COMPREHENSIVE_SR,
  creationTime,
  RESULT_MANUFACTURER,
  SECONDARY_CAPTURE,
  type RgbImage,
  type SourceAttributes,
  type TriageResultForPacs,
} from '../../../shared/pacs/resultObjects';
import { makeUid } from '../../../shared/pacs/uid';
import { CodedError } from '../../../shared/result';
import { textDecoderFor } from '../decoding/characterSets';
import { parseDicomBytes, str, text } from '../decoding/parseDicom';
import { fileMetaHeader } from '../dimse/part10';
import { drawText, heatmapColour, renderSummaryPng, textWidth, type SummaryInput } from '../worklist/summaryImage';

/** Reads the attributes the result objects copy from the triaged image (PS3.10 file). */
export async function readSourceAttributes(path: string): Promise<SourceAttributes> {
  const name = basename(path);
  const parsed = parseDicomBytes(new Uint8Array(await readFile(path)), name, { stopAtPixelData: true });
  const ds = parsed.dataSet;
  // Text VRs are decoded with the source's Specific Character Set; we write them as UTF-8.
  const decoder = textDecoderFor(ds);
  const t = (tag: string): string | undefined => text(ds, tag, decoder);
  const s = (tag: string): string | undefined => str(ds, tag);
  const studyInstanceUid = s('x0020000d');
  const seriesInstanceUid = s('x0020000e');
  const sopInstanceUid = s('x00080018') ?? s('x00020003');
  const sopClassUid = s('x00080016') ?? s('x00020002');
  if (!studyInstanceUid || !seriesInstanceUid || !sopInstanceUid || !sopClassUid) {
    throw new CodedError('NOT_SENDABLE', `${name} has no Study, Series or SOP Instance UID: results can only be sent for DICOM images from a PACS or modality`);
  }
  return {
    patientName: t('x00100010'),
    patientId: t('x00100020'),
    issuerOfPatientId: t('x00100021'),
    patientBirthDate: s('x00100030'),
    patientSex: s('x00100040'),
    patientAge: s('x00101010'),
    studyInstanceUid,
    studyDate: s('x00080020'),
    studyTime: s('x00080030'),
    accessionNumber: t('x00080050'),
    referringPhysicianName: t('x00080090'),
    studyId: t('x00200010'),
    studyDescription: t('x00081030'),
    seriesInstanceUid,
    sopClassUid,
    sopInstanceUid,
  };
}

/**
 * Whether a file is a result object this app created (our SR or SC coming back from the PACS, or
 * retrieved with the study): one of our SOP classes, and our Manufacturer (0008,0070) or a SOP
 * Instance UID under our UID root. Such objects are never triaged results of their own, so they
 * must never trigger sending results again (issue #11: automatic sending must not loop).
 */
export async function isOwnResultObject(path: string, uidRoot?: string): Promise<{ own: boolean; studyInstanceUid?: string }> {
  const parsed = parseDicomBytes(new Uint8Array(await readFile(path)), basename(path), { stopAtPixelData: true });
  const ds = parsed.dataSet;
  const sopClassUid = str(ds, 'x00080016') ?? str(ds, 'x00020002');
  const sopInstanceUid = str(ds, 'x00080018') ?? str(ds, 'x00020003') ?? '';
  const ours = (sopClassUid === COMPREHENSIVE_SR || sopClassUid === SECONDARY_CAPTURE) && (str(ds, 'x00080070') === RESULT_MANUFACTURER || (uidRoot !== undefined && sopInstanceUid.startsWith(`${uidRoot}.`)));
  return { own: ours, studyInstanceUid: str(ds, 'x0020000d') };
}

const LEGEND_HEIGHT = 44;
const LEGEND_BACKGROUND = 24;

/**
 * The Secondary Capture picture: the worklist summary image with a heatmap colour legend
 * (a low → high ramp in the viewer's colours) added below, as 8-bit RGB.
 */
export function renderResultImage(input: SummaryInput): RgbImage {
  const { png } = renderSummaryPng(input);
  const decoded = PNG.sync.read(png);
  const width = decoded.width;
  const height = decoded.height + LEGEND_HEIGHT;
  const rgb = new Uint8Array(width * height * 3).fill(LEGEND_BACKGROUND);
  for (let i = 0; i < decoded.width * decoded.height; i++) {
    rgb[i * 3] = decoded.data[i * 4];
    rgb[i * 3 + 1] = decoded.data[i * 4 + 1];
    rgb[i * 3 + 2] = decoded.data[i * 4 + 2];
  }
  // Legend: "HEATMAP LOW [ramp] HIGH", drawn on an RGBA strip then copied in.
  const strip = new Uint8Array(width * LEGEND_HEIGHT * 4);
  for (let i = 0; i < width * LEGEND_HEIGHT; i++) strip.set([LEGEND_BACKGROUND, LEGEND_BACKGROUND, LEGEND_BACKGROUND, 255], i * 4);
  const scale = 2;
  const white: [number, number, number] = [235, 235, 235];
  const labelLow = input.heatmap ? 'HEATMAP LOW' : 'NO HEATMAP';
  drawText(strip, width, LEGEND_HEIGHT, labelLow, 12, 14, scale, white);
  if (input.heatmap) {
    const rampX = 12 + textWidth(labelLow, scale) + 12;
    const rampWidth = Math.max(32, Math.min(256, width - rampX - textWidth('HIGH', scale) - 24));
    for (let x = 0; x < rampWidth; x++) {
      const [r, g, b] = heatmapColour(x / (rampWidth - 1));
      for (let y = 10; y < 34; y++) strip.set([r, g, b, 255], (y * width + rampX + x) * 4);
    }
    drawText(strip, width, LEGEND_HEIGHT, 'HIGH', rampX + rampWidth + 12, 14, scale, white);
  }
  for (let i = 0; i < width * LEGEND_HEIGHT; i++) {
    const o = (decoded.height * width + i) * 3;
    rgb[o] = strip[i * 4];
    rgb[o + 1] = strip[i * 4 + 1];
    rgb[o + 2] = strip[i * 4 + 2];
  }
  return { width, height, rgb };
}

/** One result object ready to send. */
export interface ResultFile {
  kind: 'sr' | 'sc';
  sopClassUid: string;
  sopInstanceUid: string;
  seriesInstanceUid: string;
  /** PS3.10 bytes (meta header + Explicit VR LE dataset): what STOW-RS sends. */
  bytes: Buffer;
  /** The dataset's elements: C-STORE encodes them in the transfer syntax the peer accepts. */
  elements: DicomElement[];
}

export interface BuildResultFilesInput {
  source: SourceAttributes;
  result: TriageResultForPacs;
  /** The SC picture; absent = SR only. */
  image?: RgbImage;
  /** Root of the new UIDs (settings `uidRoot`); absent = 2.25 UUID-derived. */
  uidRoot?: string;
  now?: Date;
}

const EXPLICIT_VR_LE = '1.2.840.10008.1.2.1';

/** Encodes the SR (and the SC when an image is given) with new UIDs. */
export function buildResultFiles(input: BuildResultFilesInput): ResultFile[] {
  const uid = (): string => makeUid(input.uidRoot, getRandomValues(new Uint8Array(16)));
  const when = creationTime(input.now ?? new Date());
  const files: ResultFile[] = [];
  const srIds = { seriesInstanceUid: uid(), sopInstanceUid: uid() };
  const sr = buildResultSr(input.source, input.result, srIds, when);
  files.push({ kind: 'sr', sopClassUid: COMPREHENSIVE_SR, ...srIds, elements: sr, bytes: part10(COMPREHENSIVE_SR, srIds.sopInstanceUid, encodeDataset(sr)) });
  if (input.image) {
    const scIds = { seriesInstanceUid: uid(), sopInstanceUid: uid() };
    const sc = buildResultSc(input.source, input.result, scIds, when, input.image);
    files.push({ kind: 'sc', sopClassUid: SECONDARY_CAPTURE, ...scIds, elements: sc, bytes: part10(SECONDARY_CAPTURE, scIds.sopInstanceUid, encodeDataset(sc)) });
  }
  return files;
}

function part10(sopClassUid: string, sopInstanceUid: string, dataset: Uint8Array): Buffer {
  return Buffer.concat([fileMetaHeader({ sopClassUid, sopInstanceUid, transferSyntaxUid: EXPLICIT_VR_LE }), dataset]);
}

/** What the result objects need from a triage (TriageService's outcome satisfies it). */
export interface TriageForResults extends TriageResultForPacs {
  cam?: { data: Float32Array; classes: number; height: number; width: number; letterbox: NonNullable<SummaryInput['heatmap']>['letterbox'] };
}

/**
 * The SR and SC of one triaged image: reads the source's attributes, renders the picture with
 * the Grad-CAM of `heatmapLabel` (default covid, as the worklist summary), encodes both.
 */
export async function buildImageResults(input: {
  sourcePath: string;
  frame: SummaryInput['frame'];
  triage: TriageForResults;
  /** Labels in the model's order (the CAM's class order); default the probabilities' keys. */
  labels?: string[];
  heatmapLabel?: string;
  uidRoot?: string;
  now?: Date;
}): Promise<ResultFile[]> {
  const source = await readSourceAttributes(input.sourcePath);
  const { triage } = input;
  const labels = input.labels ?? Object.keys(triage.probabilities);
  let heatmap: SummaryInput['heatmap'];
  if (triage.cam) {
    const index = Math.max(0, labels.indexOf(input.heatmapLabel ?? 'covid'));
    const cells = triage.cam.height * triage.cam.width;
    heatmap = { map: triage.cam.data.subarray(index * cells, (index + 1) * cells), height: triage.cam.height, width: triage.cam.width, letterbox: triage.cam.letterbox };
  }
  const details = [`Study date ${source.studyDate ?? 'unknown'}`, `Model sha256 ${triage.model.sha256.slice(0, 16)}`];
  const image = renderResultImage({ frame: input.frame, heatmap, priority: triage.priority, probabilities: triage.probabilities, model: triage.model, details });
  const result: TriageResultForPacs = {
    probabilities: triage.probabilities,
    label: triage.label,
    priority: triage.priority,
    outOfDistribution: triage.outOfDistribution,
    ood: triage.ood,
    model: triage.model,
  };
  return buildResultFiles({ source, result, image, uidRoot: input.uidRoot, now: input.now });
}
