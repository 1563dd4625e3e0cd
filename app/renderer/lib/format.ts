/** Display formatting of DICOM values (pure; unit-tested). */

/** DA (PS3.5 6.2) "YYYYMMDD" → "YYYY-MM-DD"; anything else is returned trimmed. */
export function formatDicomDate(da: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(da.trim());
  return m ? `${m[1]}-${m[2]}-${m[3]}` : da.trim();
}

/** PN (PS3.5 6.2.1) "Family^Given^Middle^Prefix^Suffix" → "FAMILY, Given Middle"; only the alphabetic group. */
export function formatPersonName(pn: string): string {
  const alphabetic = pn.split('=')[0] ?? '';
  const [family = '', given = '', middle = '', prefix = '', suffix = ''] = alphabetic.split('^').map((s) => s.trim());
  const first = [prefix, given, middle].filter(Boolean).join(' ');
  const name = [family.toUpperCase(), first].filter(Boolean).join(', ');
  return [name, suffix].filter(Boolean).join(' ') || pn.trim();
}

/** Message of a per-file error that always names the file (issue #2 "Bad input"). */
export function messageNamingFile(fileName: string | undefined, message: string): string {
  if (!fileName || message.includes(fileName)) return message;
  return `${fileName}: ${message}`;
}
