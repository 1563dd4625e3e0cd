import { delimiter } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseHarnessArgs, UsageError } from '../../../../app/main/harness/args';

describe('harness command line', () => {
  it('parses --port, --db and --open-paths (both spellings)', () => {
    expect(parseHarnessArgs(['--port', '5000', '--db', '/tmp/c.db', `--open-paths=/a${delimiter}/b`])).toEqual({
      port: 5000,
      databasePath: '/tmp/c.db',
      openPaths: ['/a', '/b'],
    });
  });

  it('defaults to port 4173 and reads CXR_HARNESS_OPEN_PATHS', () => {
    expect(parseHarnessArgs([], { CXR_HARNESS_OPEN_PATHS: `/x${delimiter}/y` })).toEqual({ port: 4173, openPaths: ['/x', '/y'] });
  });

  it('refuses bad ports, missing values and unknown options', () => {
    expect(() => parseHarnessArgs(['--port', 'abc'])).toThrow(UsageError);
    expect(() => parseHarnessArgs(['--port', '70000'])).toThrow(UsageError);
    expect(() => parseHarnessArgs(['--db'])).toThrow(/needs a value/);
    expect(() => parseHarnessArgs(['--bogus'])).toThrow(/unknown option/);
  });
});
