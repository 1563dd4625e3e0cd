/**
 * A DecodeService double for catalog/IPC unit tests: files written by {@link writeFake}
 * carry their header as JSON, so tests control every attribute without a real decoder.
 * Anything else is rejected as the real service would reject a non-DICOM file.
 */
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { CodedError, toAppError } from '../../../../../app/shared/result';
import type { DecodeService, FileIdentity, InstanceHeader } from '../../../../../app/main/services/decoding/decodeService';
import type { DecodedFrame } from '../../../../../app/shared/imaging/types';

const FAKE = 'FAKEDCM\n';
const FAKE_DIR = 'FAKEDIR\n';

/** Writes a fake instance whose header is `header` (kind defaults to dicom). */
export function writeFake(path: string, header: Partial<InstanceHeader>): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, FAKE + JSON.stringify(header));
  return path;
}

/** Writes a fake DICOMDIR referencing `files` (paths relative to its folder). */
export function writeFakeDicomdir(path: string, files: string[]): string {
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, FAKE_DIR + JSON.stringify(files));
  return path;
}

export interface FakeDecodeOptions {
  /** Delay per header read (ms), to test concurrency, progress and cancel. */
  delayMs?: number;
}

/** The fake service plus counters the tests inspect. */
export function createFakeDecodeService(options: FakeDecodeOptions = {}): DecodeService & { inFlight: number; maxInFlight: number; headerReads: number } {
  const service = {
    inFlight: 0,
    maxInFlight: 0,
    headerReads: 0,
    async readHeader(path: string): Promise<InstanceHeader> {
      service.inFlight++;
      service.maxInFlight = Math.max(service.maxInFlight, service.inFlight);
      service.headerReads++;
      try {
        if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
        const text = await readFile(path, 'utf8').catch(() => {
          throw new CodedError('FILE_UNREADABLE', `${basename(path)}: cannot be read`);
        });
        if (text.startsWith(FAKE_DIR)) {
          const refs = JSON.parse(text.slice(FAKE_DIR.length)) as string[];
          return { kind: 'dicomdir', numberOfFrames: 1, hasPixelData: false, referencedFiles: refs.map((r) => resolve(dirname(path), r)) };
        }
        if (!text.startsWith(FAKE)) throw new CodedError('NOT_DICOM', `${basename(path)}: not a DICOM, PNG or JPEG file`);
        return { kind: 'dicom', numberOfFrames: 1, hasPixelData: true, ...JSON.parse(text.slice(FAKE.length)) };
      } finally {
        service.inFlight--;
      }
    },
    async identify(path: string): Promise<FileIdentity> {
      const bytes = await readFile(path).catch(() => {
        throw new CodedError('FILE_UNREADABLE', `${basename(path)}: cannot be read`);
      });
      const contentSha256 = createHash('sha256').update(bytes).digest('hex');
      try {
        return { contentSha256, header: await service.readHeader(path) };
      } catch (err) {
        return { contentSha256, error: toAppError(err) };
      }
    },
    async decodeFrame(path: string, frame: number): Promise<DecodedFrame> {
      const header = await service.readHeader(path);
      if (frame >= header.numberOfFrames) throw new CodedError('FRAME_OUT_OF_RANGE', `${basename(path)}: no frame ${frame}`);
      const pixels = new Uint16Array([0, 100, 200, 4095]);
      return {
        info: {
          rows: 2, columns: 2, samplesPerPixel: 1, photometricInterpretation: 'MONOCHROME2', bitsAllocated: 16, bitsStored: 12, highBit: 11,
          pixelRepresentation: 0, numberOfFrames: header.numberOfFrames, transferSyntaxUid: '1.2.840.10008.1.2.1', minStored: 0, maxStored: 4095,
          rescaleSlope: 1, rescaleIntercept: 0, windowPresets: [{ center: 2048, width: 4096 }], voiLuts: [], voiLutFunction: 'LINEAR', invertAfterVoi: false,
        },
        pixels,
      };
    },
    async thumbnail(_path: string, size: number) {
      return { width: size, height: size, rgba: new Uint8Array(size * size * 4).fill(128) };
    },
    async tags(path: string) {
      return [
        { tag: '(0010,0010)', vr: 'PN', keyword: 'PatientName', value: 'Fake^Patient' },
        { tag: '(0008,1140)', vr: 'SQ', keyword: 'ReferencedImageSequence', value: '', items: [[{ tag: '(0008,1155)', vr: 'UI', keyword: 'ReferencedSOPInstanceUID', value: basename(path) }]] },
      ];
    },
    async close() {},
  };
  return service;
}

/** A study tree used by several tests: two patients, priors, two series, a PNG. */
export function writeSampleTree(root: string): { paths: string[] } {
  const paths = [
    writeFake(join(root, 'a', 'study1', 's1', 'i1.dcm'), { patientName: 'Doe^Jane', patientId: 'P1', studyInstanceUid: '1.1', studyDate: '20240105', seriesInstanceUid: '1.1.1', seriesNumber: 1, modality: 'DX', sopInstanceUid: '1.1.1.1', instanceNumber: 2 }),
    writeFake(join(root, 'a', 'study1', 's1', 'i2.dcm'), { patientName: 'Doe^Jane', patientId: 'P1', studyInstanceUid: '1.1', studyDate: '20240105', seriesInstanceUid: '1.1.1', seriesNumber: 1, modality: 'DX', sopInstanceUid: '1.1.1.2', instanceNumber: 1 }),
    writeFake(join(root, 'a', 'study1', 's2', 'i3.dcm'), { patientName: 'Doe^Jane', patientId: 'P1', studyInstanceUid: '1.1', studyDate: '20240105', seriesInstanceUid: '1.1.2', seriesNumber: 2, modality: 'DX', sopInstanceUid: '1.1.2.1', viewPosition: 'LL' }),
    writeFake(join(root, 'a', 'study0', 'i4.dcm'), { patientName: 'Doe^Jane', patientId: 'P1', studyInstanceUid: '1.0', studyDate: '20220101', seriesInstanceUid: '1.0.1', modality: 'CR', sopInstanceUid: '1.0.1.1' }),
    writeFake(join(root, 'a', 'study2', 'i5.dcm'), { patientName: 'Doe^Jane', patientId: 'P1', studyInstanceUid: '1.2', studyDate: '20230606', seriesInstanceUid: '1.2.1', modality: 'DX', sopInstanceUid: '1.2.1.1' }),
    writeFake(join(root, 'b', 'i6.dcm'), { patientName: 'Roe^Rick', patientId: 'P2', studyInstanceUid: '2.1', studyDate: '20210101', seriesInstanceUid: '2.1.1', modality: 'DX', sopInstanceUid: '2.1.1.1' }),
    writeFake(join(root, 'c', 'photo.png'), { kind: 'png', rows: 4, columns: 4 }),
  ];
  return { paths };
}
