/**
 * PACS node settings (issue #11): the query/retrieve sources and the results destination, as
 * hospital IT writes them in `pacs-settings.json` (user-data folder) or the app's settings page
 * saves them. Pure TypeScript (zod), so the renderer can validate a form with the same schema
 * main uses to read the file.
 *
 * A node is either DIMSE (PS3.7/PS3.8: AE title, host, port, our calling AE title) or DICOMweb
 * (PS3.18: one base URL serving QIDO-RS, WADO-RS and STOW-RS, optional basic or bearer auth).
 *
 * @example
 * {
 *   "nodes": [
 *     { "id": "pacs", "name": "Main PACS", "kind": "dimse", "aeTitle": "PACS", "host": "10.0.0.5",
 *       "port": 104, "callingAeTitle": "CXR_TRIAGE", "retrieve": "get" },
 *     { "id": "web", "name": "Orthanc", "kind": "dicomweb", "baseUrl": "https://pacs/dicom-web",
 *       "auth": { "type": "basic", "username": "cxr", "password": "…" } }
 *   ],
 *   "resultsNodeId": "pacs",
 *   "autoSendResults": false,
 *   "uidRoot": "1.2.826.0.1.3680043.10.1234",
 *   "moveDestination": { "aeTitle": "CXR_TRIAGE", "port": 11113 }
 * }
 */
import { z } from 'zod';

/** PS3.5 6.2 AE: 1–16 characters of the default repertoire, no backslash, no control characters; not all spaces. */
export const aeTitleSchema = z
  .string()
  .regex(/^[\x20-\x5b\x5d-\x7e]{1,16}$/, 'AE title must be 1 to 16 printable characters without a backslash')
  .refine((s) => s.trim().length > 0, 'AE title must not be blank');

/** PS3.5 9.1: digits and dots, components without leading zeros; ≤ 40 characters here so generated UIDs fit in 64. */
export const uidRootSchema = z
  .string()
  .regex(/^(0|[1-9][0-9]*)(\.(0|[1-9][0-9]*))*$/, 'UID root must be digits separated by dots, without leading zeros (PS3.5 9.1)')
  .max(40, 'UID root must be at most 40 characters, so the UIDs made from it fit in 64');

const nodeBase = {
  /** Stable id the CLI and the results setting refer to: letters, digits, - and _. */
  id: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'id must be 1 to 40 letters, digits, - or _'),
  /** Shown to the user. */
  name: z.string().min(1).max(80),
  /** Connect/answer timeout per step (ms); default 15000. */
  timeoutMs: z.number().int().min(1000).max(600_000).optional(),
};

export const dimseNodeSchema = z.object({
  ...nodeBase,
  kind: z.literal('dimse'),
  /** Called AE title of the PACS. */
  aeTitle: aeTitleSchema,
  host: z.string().min(1).max(253),
  port: z.number().int().min(1).max(65535),
  /** Our calling AE title, as registered at the PACS. */
  callingAeTitle: aeTitleSchema,
  /** C-GET (one association, no inbound port) or C-MOVE to our own listener; default get. */
  retrieve: z.enum(['get', 'move']).optional(),
  /** DICOM TLS (PS3.15 B.1); the PACS's certificate must chain to a CA the system trusts. */
  tls: z.boolean().optional(),
});

const authSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('none') }),
  z.object({ type: z.literal('basic'), username: z.string().min(1), password: z.string() }),
  z.object({ type: z.literal('bearer'), token: z.string().min(1) }),
]);

export const dicomWebNodeSchema = z.object({
  ...nodeBase,
  kind: z.literal('dicomweb'),
  /** Service root, e.g. https://pacs.example/dicom-web (QIDO-RS `/studies`, WADO-RS, STOW-RS under it). */
  baseUrl: z
    .string()
    .url('base URL must be a full http:// or https:// URL')
    .refine((u) => /^https?:\/\//i.test(u), 'base URL must start with http:// or https://'),
  auth: authSchema.optional(),
});

export const pacsNodeSchema = z.discriminatedUnion('kind', [dimseNodeSchema, dicomWebNodeSchema]);

export const pacsSettingsSchema = z
  .object({
    nodes: z.array(pacsNodeSchema).max(100),
    /** Node that receives the results (SR + Secondary Capture); none = sending is off. */
    resultsNodeId: z.string().optional(),
    /**
     * Send each study's results to the results node once, by itself, after the ingest queue has
     * triaged it (issue #11 "optionally automatic after triage"); default off. Needs resultsNodeId.
     */
    autoSendResults: z.boolean().optional(),
    /** Root of the UIDs of the objects we create (PS3.5 9.1); default: UUID-derived 2.25 UIDs (PS3.5 B.2). */
    uidRoot: uidRootSchema.optional(),
    /** Our store SCP for C-MOVE retrieves: the AE title the PACS knows us by and the port it connects to. */
    moveDestination: z.object({ aeTitle: aeTitleSchema, port: z.number().int().min(1).max(65535) }).optional(),
  })
  .superRefine((s, ctx) => {
    const seen = new Set<string>();
    s.nodes.forEach((n, i) => {
      if (seen.has(n.id)) ctx.addIssue({ code: 'custom', path: ['nodes', i, 'id'], message: `node id "${n.id}" is used twice` });
      seen.add(n.id);
    });
    if (s.resultsNodeId !== undefined && !seen.has(s.resultsNodeId)) ctx.addIssue({ code: 'custom', path: ['resultsNodeId'], message: `results node "${s.resultsNodeId}" is not one of the nodes` });
    if (s.autoSendResults && s.resultsNodeId === undefined) ctx.addIssue({ code: 'custom', path: ['autoSendResults'], message: 'sending results automatically needs a results destination (resultsNodeId)' });
  });

export type DimseNode = z.infer<typeof dimseNodeSchema>;
export type DicomWebNode = z.infer<typeof dicomWebNodeSchema>;
export type PacsNode = z.infer<typeof pacsNodeSchema>;
export type PacsSettings = z.infer<typeof pacsSettingsSchema>;

/** Default timeout per network step (connect, association, one answer). */
export const DEFAULT_PACS_TIMEOUT_MS = 15_000;

/** Settings with nothing configured. */
export const EMPTY_PACS_SETTINGS: PacsSettings = { nodes: [] };

/**
 * Validates settings; returns them or the problems, each naming the field (`nodes[1].port: …`)
 * so a nurse can read it to IT.
 */
export function validatePacsSettings(json: unknown): { ok: true; settings: PacsSettings } | { ok: false; problems: string[] } {
  const parsed = pacsSettingsSchema.safeParse(json);
  if (parsed.success) return { ok: true, settings: parsed.data };
  return { ok: false, problems: parsed.error.issues.map((i) => `${formatPath(i.path)}${i.message}`) };
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '';
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${String(p)}` : String(p);
  return `${out}: `;
}

/** The node with this id, or undefined. */
export function findNode(settings: PacsSettings, id: string): PacsNode | undefined {
  return settings.nodes.find((n) => n.id === id);
}

/** The node as shown to the user and in logs: never the password or token. */
export function describeNode(node: PacsNode): string {
  return node.kind === 'dimse' ? `${node.name} (${node.aeTitle}@${node.host}:${node.port})` : `${node.name} (${redactUrl(node.baseUrl)})`;
}

/** A URL without user info (credentials never reach a message). */
export function redactUrl(url: string): string {
  return url.replace(/^(https?:\/\/)[^@/]*@/i, '$1');
}
