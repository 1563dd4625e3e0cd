/**
 * Decode worker entry (bundled to dist/workers/decode.worker.js): a thin switch over the
 * request union of ./decodeProtocol.ts, after Cornerstone3D's decode worker. Pixel and
 * thumbnail buffers are transferred, not copied. Errors travel as data.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { toAppError } from '../../../shared/result';
import type { DecodeReply, DecodeRequest, DecodeWorkerData } from './decodeProtocol';
import { decodeFrameTask, identifyTask, ownedArray, readHeaderTask, tagsTask, thumbnailTask } from './decodeTasks';

const port = parentPort;
const data = (workerData ?? {}) as DecodeWorkerData;

async function handle(req: DecodeRequest): Promise<{ value: unknown; transfer: ArrayBuffer[] }> {
  switch (req.op) {
    case 'readHeader':
      return { value: await readHeaderTask(req.path), transfer: [] };
    case 'identify':
      return { value: await identifyTask(req.path), transfer: [] };
    case 'decodeFrame': {
      const frame = await decodeFrameTask(req.path, req.frame);
      const pixels = ownedArray(frame.pixels);
      // Warnings (e.g. a truncated element after the Pixel Data) travel with the frame.
      return { value: { info: frame.info, pixels, ...(frame.warnings ? { warnings: frame.warnings } : {}) }, transfer: [pixels.buffer as ArrayBuffer] };
    }
    case 'thumbnail': {
      const t = await thumbnailTask(req.path, req.size);
      const rgba = ownedArray(t.rgba);
      return { value: { ...t, rgba }, transfer: [rgba.buffer as ArrayBuffer] };
    }
    case 'tags':
      return { value: await tagsTask(req.path), transfer: [] };
    case 'debug:hang':
      if (data.testHooks) for (;;);
      break;
    case 'debug:crash':
      if (data.testHooks) process.exit(3);
      break;
  }
  throw new Error(`unknown request ${(req as { op: string }).op}`);
}

if (port) {
  port.on('message', (req: DecodeRequest) => {
    handle(req).then(
      ({ value, transfer }) => port.postMessage({ type: 'result', seq: req.seq, ok: true, value } satisfies DecodeReply, transfer),
      (err: unknown) => {
        const e = toAppError(err, 'INTERNAL');
        const stack = err instanceof Error && !('code' in err) ? err.stack : undefined;
        port.postMessage({ type: 'result', seq: req.seq, ok: false, error: { ...e, stack } } satisfies DecodeReply);
      },
    );
  });
}
