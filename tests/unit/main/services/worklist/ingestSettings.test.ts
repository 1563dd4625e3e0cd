import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { parseIngestSettings, readIngestSettings } from '../../../../../app/main/services/worklist/ingestSettings';

describe('ingest settings', () => {
  it('reads a listener and a watched folder, with the default AE title', () => {
    expect(parseIngestSettings({ listener: { port: 11112 }, watchDir: '/incoming' })).toEqual({
      settings: { listener: { port: 11112, aeTitle: 'CXR_TRIAGE' }, watchDir: '/incoming' },
      problems: [],
    });
  });

  it('refuses a bad port or an AE title the standard does not allow, keeping the rest', () => {
    const { settings, problems } = parseIngestSettings({ listener: { port: 11112, aeTitle: 'BAD\\AET' }, watchDir: '/in' });
    expect(settings).toEqual({ watchDir: '/in' });
    expect(problems[0]).toMatch(/aeTitle/);
    expect(parseIngestSettings({ listener: { port: 70000 } }).problems[0]).toMatch(/port/);
  });

  it('treats a missing file as off and reports a broken one', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cxr-ingest-settings-'));
    expect(readIngestSettings(join(dir, 'absent.json'))).toEqual({ settings: {}, problems: [] });
    writeFileSync(join(dir, 'broken.json'), '{ listener: ');
    expect(readIngestSettings(join(dir, 'broken.json')).problems[0]).toMatch(/not valid JSON/);
  });
});
