import { describe, expect, it } from 'vitest';
import { channelNames, eventNameList, isChannel, isEventName } from '../../../../app/shared/ipc/channels';
import { channels, eventNames } from '../../../../app/shared/ipc/contract';

describe('channel names', () => {
  it('match the contract exactly (the preload relies on them)', () => {
    expect([...channelNames].sort()).toEqual([...channels].sort());
    expect([...eventNameList].sort()).toEqual([...eventNames].sort());
  });

  it('guard strings from the other side', () => {
    expect(isChannel('studies:list')).toBe(true);
    expect(isChannel('__proto__')).toBe(false);
    expect(isChannel(42)).toBe(false);
    expect(isEventName('studies:changed')).toBe(true);
    expect(isEventName('studies:list')).toBe(false);
  });
});
