/**
 * UIDs of the objects we create (issue #11). PS3.5 9.1: at most 64 characters, digits and dots,
 * no leading zero in a component. With an organisation root (settings `uidRoot`, ≤ 40
 * characters) a UID is `<root>.<64 random bits in decimal>`; without one it is a UUID-derived
 * `2.25.<128-bit decimal>` (PS3.5 B.2), which needs no registration. Pure: the caller passes
 * the random bytes (crypto.getRandomValues in main).
 */

/** A new UID under `root` (or 2.25) from 16 random bytes. */
export function makeUid(root: string | undefined, random: Uint8Array): string {
  if (random.length < 16) throw new Error('makeUid needs 16 random bytes');
  if (!root) {
    const bytes = random.slice(0, 16);
    // RFC 9562 version 4 / variant bits, as a UUID-derived UID is meant to be (PS3.5 B.2).
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    return `2.25.${toBigInt(bytes).toString()}`;
  }
  const uid = `${root}.${toBigInt(random.slice(0, 8)).toString()}`;
  if (uid.length > 64) throw new Error(`UID root ${root} is too long: UIDs made from it exceed 64 characters`);
  return uid;
}

function toBigInt(bytes: Uint8Array): bigint {
  let n = 0n;
  for (const b of bytes) n = (n << 8n) | BigInt(b);
  return n;
}
