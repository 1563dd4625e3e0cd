/**
 * Where the threaded OpenJPEG build cannot start (no shared WASM memory, no worker threads),
 * JPEG 2000 frames still decode, on @cornerstonejs's single-threaded build (issue #12).
 */
import { afterAll, describe, expect, it, vi } from 'vitest';
import { decodeCompressedFrame } from '../../../../../../app/main/services/decoding/codecs';
import { threadedJpeg2000Unavailable } from '../../../../../../app/main/services/decoding/codecs/jpeg2000';
import { makeChestImage } from '../../../../../fixtures/syntheticImages';
import { makeTempDir, requireTools } from '../../../../../fixtures/tools';
import { encodeWithTool, firstDifference, storedValues } from './codecFixtures';

vi.mock('codec-openjpeg-threaded', () => ({
  default: () => Promise.reject(new Error('WebAssembly threads are not available')),
}));

const { dir, cleanup } = makeTempDir('cxr-codecs-j2k-fallback-');
afterAll(cleanup);
const haveTools = requireTools('gdcmconv');

describe('JPEG 2000 without the threaded build', () => {
  it.skipIf(!haveTools)('decodes on the single-threaded build and says why', async () => {
    const values = makeChestImage({ rows: 64, columns: 80, bitsStored: 12, seed: 3 });
    const enc = encodeWithTool(dir, { rows: 64, columns: 80, bitsAllocated: 16, bitsStored: 12 }, values, 'gdcmconv', ['--j2k']);
    const result = await decodeCompressedFrame(enc.transferSyntaxUid, enc.frame, enc.info);
    expect(firstDifference(storedValues(result.pixels, 12, false), values)).toBeUndefined();
    expect(threadedJpeg2000Unavailable()).toMatch(/could not start the JPEG 2000 \(OpenJPEG, threaded\) codec: WebAssembly threads are not available/);
  });
});
