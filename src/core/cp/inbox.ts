/**
 * The provisioning inbox: one record per received provisioning message (pasted, dropped as a
 * file, or pushed), kept whatever happened to it, for the tester. Records are plain data
 * (structured-clone- and JSON-safe apart from the byte arrays) so IndexedDB keeps them as they
 * are. `InboxStore` is the port; `MemoryInboxStore` serves Node (CLI, tests); the browser's
 * IndexedDB store lives in the adapters.
 */
import type { SecurityVerdict } from './security.ts';
import type { Layer } from './push.ts';
import type { PayloadEncoding, PayloadKind } from './detect.ts';
import type { BatchResult } from '../tree/types.ts';
import type { ProvisioningPlan } from './preview.ts';
import type { CpIssue } from './validate.ts';

export type InboxSource = 'paste' | 'file' | 'push';

/** What the message is, from its content type. */
export type MessageKind = 'cp' | 'dm-bootstrap' | 'unsupported';

/**
 * The security verdict as the inbox shows it. The `SecurityVerdict` outcomes, plus
 * `pin-attempts-exhausted` once the PIN attempt limit is reached.
 */
export type InboxVerdict = SecurityVerdict['outcome'] | 'pin-attempts-exhausted';

/**
 * Where the message stands.
 * - `awaiting-pin`: USERPIN / USERNETWPIN / USERPINMAC: the user must type the PIN.
 * - `awaiting-consent`: checked and planned; the preview is waiting for Accept / Reject.
 * - `applied`: written to the tree. `rejected`: the user said no.
 * - `discarded`: dropped by the security check (NETWPIN mismatch is silent for the user,
 *   too many wrong PINs, unknown SEC, bad MAC parameter, missing IMSI).
 * - `invalid`: the payload or document could not be read, or the plan could not be made.
 * - `failed`: the tree refused the batch; nothing was written.
 * - `received`: unwrapped and checked, not yet planned.
 */
export type InboxStatus =
  | 'received'
  | 'awaiting-pin'
  | 'awaiting-consent'
  | 'applied'
  | 'rejected'
  | 'discarded'
  | 'invalid'
  | 'failed';

/** An error as kept in a record (an OtaError's JSON form). */
export interface RecordedError {
  code: string;
  message: string;
  details?: Record<string, unknown>;
  /** Which step failed. */
  step: 'unwrap' | 'security' | 'decode' | 'parse' | 'validate' | 'plan' | 'apply';
}

/** Another reading of the input (detect.ts), without its bytes. */
export interface DetectedReading {
  kind: PayloadKind;
  encoding: PayloadEncoding;
  confidence: number;
  reason: string;
}

export interface InboxRecord {
  /** Caller-chosen, unique; also the `origin` of the tree batch. */
  id: string;
  /** Milliseconds since the Unix epoch. */
  receivedAt: number;
  source: InboxSource;
  /** File name, or the server that pushed it. */
  sourceName?: string;
  /** The input exactly as received: bytes, or UTF-8 of pasted text (`rawIsText`). */
  raw: Uint8Array;
  rawIsText: boolean;
  kind: MessageKind;
  /** Detected layers (SMS segments, WSP push, body), for the inspector. */
  detected?: {
    kind: PayloadKind;
    encoding: PayloadEncoding;
    ambiguous: boolean;
    readings: DetectedReading[];
    layers: Layer[];
  };
  /** The media type of the body (`application/vnd.wap.connectivity-wbxml` …). */
  contentType?: string;
  applicationId?: string;
  sec?: number;
  mac?: string;
  /** The body the MAC covers and the decoder reads, byte-exact. */
  body?: Uint8Array;
  bodyFormat?: 'wbxml' | 'xml' | 'binary';
  /** The latest security check. */
  security?: SecurityVerdict;
  verdict?: InboxVerdict;
  /** Wrong PINs typed so far (persisted; the limit is PIN_ATTEMPT_LIMIT). */
  pinAttempts: number;
  status: InboxStatus;
  /** The error that stopped processing, when status is invalid / discarded / failed. */
  error?: RecordedError;
  /** Decoded document as XML text (for the inspector), once decoded. */
  documentXml?: string;
  /** Validation issues (errors and warnings). */
  issues?: CpIssue[];
  /** The planned change: ops, preview, sessions to start. */
  plan?: ProvisioningPlan;
  /** Set when applied. */
  applied?: { at: number; batch: BatchResult };
  /** Set when the user rejected it. */
  rejected?: { at: number; reason: string };
  /** Set when applying failed (nothing written). */
  failed?: { at: number; reason: string; batch?: BatchResult };
  /** Oddities from the transport layers (duplicate SEC, ambiguous input …). */
  warnings: string[];
}

/** Where inbox records live. `put` replaces a record with the same id. */
export interface InboxStore {
  put(record: InboxRecord): Promise<void>;
  get(id: string): Promise<InboxRecord | undefined>;
  /** Newest first. */
  list(): Promise<InboxRecord[]>;
  delete(id: string): Promise<void>;
}

function copy<T>(value: T): T {
  return structuredClone(value);
}

/** In-memory store for Node (CLI, tests). Keeps copies, so callers cannot change stored records. */
export class MemoryInboxStore implements InboxStore {
  private readonly records = new Map<string, InboxRecord>();

  async put(record: InboxRecord): Promise<void> {
    this.records.set(record.id, copy(record));
  }

  async get(id: string): Promise<InboxRecord | undefined> {
    const r = this.records.get(id);
    return r === undefined ? undefined : copy(r);
  }

  async list(): Promise<InboxRecord[]> {
    return [...this.records.values()]
      .sort((a, b) => b.receivedAt - a.receivedAt || (a.id < b.id ? 1 : -1))
      .map(copy);
  }

  async delete(id: string): Promise<void> {
    this.records.delete(id);
  }
}

/** A short line for lists: "Applied: Adds 1 MMS settings …" / "Waiting for the PIN (USERPIN)". */
export function recordSummary(record: InboxRecord): string {
  switch (record.status) {
    case 'awaiting-pin':
      return `Waiting for the PIN (${record.security?.method ?? 'PIN'})${record.pinAttempts > 0 ? `, ${record.pinAttempts} wrong` : ''}`;
    case 'awaiting-consent':
      return `Waiting for Accept: ${record.plan?.preview.summary ?? ''}`;
    case 'applied':
      return `Applied: ${record.plan?.preview.summary ?? ''}`;
    case 'rejected':
      return `Rejected: ${record.rejected?.reason ?? ''}`;
    case 'discarded':
      return `Discarded: ${record.error?.message ?? record.security?.message ?? ''}`;
    case 'invalid':
      return `Not readable: ${record.error?.message ?? ''}`;
    case 'failed':
      return `Failed, nothing written: ${record.failed?.reason ?? record.error?.message ?? ''}`;
    case 'received':
      return 'Received';
  }
}
