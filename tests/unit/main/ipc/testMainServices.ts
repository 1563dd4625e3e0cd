/** Main services as the harness builds them, for tests: a one-worker decode pool, a silent logger, no dialog. */
import { join } from 'node:path';

import { silentLogger } from '../../../../app/main/ipc/log';
import { createMainServices, type MainServices, type MainServicesOptions } from '../../../../app/main/ipc/mainServices';
import { createDecodePool } from '../../../../app/main/services/decoding/decodePool';

/** `dir` holds what the services write (imports); `options` override any default. */
export function createTestMainServices(dir: string, options: Partial<MainServicesOptions> = {}): MainServices {
  return createMainServices({
    decode: createDecodePool({ size: 1 }),
    importDir: join(dir, 'imports'),
    logger: silentLogger,
    shell: 'harness',
    version: '0.0.0-test',
    platform: process.platform,
    openDialog: async () => [],
    ...options,
  });
}
