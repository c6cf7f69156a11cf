/**
 * The provisioning pipeline, one step per call so the UI can pause for the PIN and for
 * Accept / Reject (oma-cp.md §12):
 *
 *   receivePayload(input, { id, receivedAt, source, imsi })   unwrap (SMS → WSP → body), security
 *   submitPin(record, pin, { imsi })                           USERPIN / USERNETWPIN / USERPINMAC
 *   planProvisioning(record, tree)                             decode, parse, validate, ops, preview
 *   applyPlan(record, tree, { at, acceptUnsigned })            one atomic batch, DEVICE, origin = id
 *   rejectProvisioning(record, { at, reason })
 *
 * Every step takes an inbox record and returns a new one (the input is not changed); bad input
 * never throws, it becomes a record with `status` invalid / discarded / failed and the error,
 * so the inbox keeps every message for the tester. Only a step called out of order throws
 * `ProvisionError`. Security is checked before anything is decoded. Pure: the caller supplies
 * ids and times.
 */
import { OtaError, isOtaError } from '../errors.ts';
import { readSyncML } from '../syncml/read.ts';
import { DEVICE } from '../tree/types.ts';
import { decodeWbxml } from '../wbxml/decode.ts';
import type { XmlDocument } from '../wbxml/document.ts';
import { parseXml } from '../xml/parse.ts';
import { writeXml } from '../xml/write.ts';
import { planDmBootstrap } from './bootstrap-dm.ts';
import { unwrapPayload, type PayloadKind } from './detect.ts';
import { CpDocumentError } from './document.ts';
import type { InboxRecord, InboxSource, RecordedError } from './inbox.ts';
import { parseCpDocument, type CpParseLimits } from './parse.ts';
import { CONTENT_TYPE, parsePush } from './push.ts';
import { PayloadError, PushError } from './errors.ts';
import { PIN_ATTEMPT_LIMIT, verifyPush, type ImsiKeyRule, type SecurityVerdict } from './security.ts';
import { planCpDocument, type TreeReader, type TreeWriter } from './to-tree.ts';
import { validateCpDocument } from './validate.ts';

export type ProvisionErrorCode =
  /** A step was called on a record that is not at that step (e.g. applyPlan before planning). */
  | 'wrong-step'
  /** applyPlan on an unsigned message without `acceptUnsigned` (the UI must warn and ask first). */
  | 'unsigned-not-accepted';

export class ProvisionError extends OtaError {
  declare readonly code: ProvisionErrorCode;
  constructor(code: ProvisionErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
  }
}

/** Largest body accepted by default: 64 KiB (a 255-segment SMS carries under 33 KiB). */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

export interface SecurityOptions {
  /** The handset's IMSI (NETWPIN, USERNETWPIN). */
  imsi?: string;
  imsiRule?: ImsiKeyRule;
  /** Shortest USERPINMAC entry accepted. */
  userPinMacMinLength?: number;
}

export interface ReceiveOptions extends SecurityOptions {
  id: string;
  /** Milliseconds since the Unix epoch. */
  receivedAt: number;
  source: InboxSource;
  sourceName?: string;
  /** A PIN already known (CLI `--pin`); a wrong one counts as an attempt. */
  pin?: string;
  /** Force a reading of the input when detection is ambiguous. */
  chosenKind?: PayloadKind;
  maxBodyBytes?: number;
}

export interface PlanOptions {
  limits?: Partial<CpParseLimits>;
}

export interface ApplyOptions {
  /** Milliseconds since the Unix epoch. */
  at: number;
  /** The user accepted an unsigned message after a warning. Required for unsigned messages. */
  acceptUnsigned?: boolean;
}

function recordError(step: RecordedError['step'], error: unknown): RecordedError {
  if (isOtaError(error)) {
    const e: RecordedError = { code: error.code, message: error.message, step };
    if (Object.keys(error.details).length > 0) e.details = structuredCloneSafe(error.details);
    return e;
  }
  throw error;
}

/** Details as plain data (drops functions and class instances other than arrays / bytes). */
function structuredCloneSafe(details: Record<string, unknown>): Record<string, unknown> {
  return JSON.parse(JSON.stringify(details)) as Record<string, unknown>;
}

/**
 * Detection drops readings that fail to parse, so a damaged push is reported as
 * "unrecognised". When the input looks like a push PDU (TID, then PDU type 0x06 Push or 0x07
 * Confirmed Push), the push parser's own error (truncated, bad uintvar …) is more useful.
 */
function explainUnrecognised(input: string | Uint8Array, error: unknown): unknown {
  if (!(error instanceof PayloadError) || error.code !== 'unrecognised-input') return error;
  let bytes: Uint8Array | undefined = typeof input === 'string' ? undefined : input;
  if (typeof input === 'string') {
    const clean = input.replace(/0x(?=[0-9a-fA-F]{2})/g, '').replace(/[\s:,-]/g, '');
    if (clean.length >= 4 && clean.length % 2 === 0 && /^[0-9a-fA-F]+$/.test(clean)) {
      bytes = Uint8Array.from(clean.match(/../g) ?? [], (h) => parseInt(h, 16));
    }
  }
  if (bytes === undefined || (bytes[1] !== 0x06 && bytes[1] !== 0x07)) return error;
  try {
    parsePush(bytes);
  } catch (pushError) {
    if (pushError instanceof PushError) return pushError;
  }
  return error;
}

function kindOf(contentType: string): InboxRecord['kind'] {
  if (contentType === CONTENT_TYPE.cpWbxml || contentType === CONTENT_TYPE.cpXml) return 'cp';
  if (contentType === CONTENT_TYPE.dmWbxml || contentType === CONTENT_TYPE.dmXml) return 'dm-bootstrap';
  return 'unsupported';
}

/** Applies a security verdict to a record: status, verdict, attempts (oma-cp.md §6.4, §12 step 3). */
function withVerdict(record: InboxRecord, verdict: SecurityVerdict, pinGiven: boolean): InboxRecord {
  const r: InboxRecord = { ...record, security: verdict, verdict: verdict.outcome };
  delete r.error;
  switch (verdict.outcome) {
    case 'authentic':
    case 'unsigned':
      r.status = 'received';
      return r;
    case 'pin-required':
    case 'malformed-pin':
      r.status = 'awaiting-pin';
      return r;
    case 'mac-mismatch':
      if (verdict.method === 'NETWPIN') {
        // Discarded silently for the user; kept in the inbox for the tester [oma-cp.md §6.3].
        r.status = 'discarded';
        r.error = { code: 'netwpin-mismatch', message: verdict.message, step: 'security' };
        return r;
      }
      if (pinGiven) r.pinAttempts = record.pinAttempts + 1;
      if (r.pinAttempts >= PIN_ATTEMPT_LIMIT) {
        r.status = 'discarded';
        r.verdict = 'pin-attempts-exhausted';
        r.error = {
          code: 'pin-attempts-exhausted',
          message: `${verdict.method}: ${r.pinAttempts} wrong PINs; the message is discarded`,
          step: 'security',
        };
        return r;
      }
      r.status = 'awaiting-pin';
      return r;
    default:
      r.status = 'discarded';
      r.error = { code: verdict.outcome, message: verdict.message, step: 'security' };
      return r;
  }
}

function check(record: InboxRecord, options: SecurityOptions & { pin?: string }): SecurityVerdict {
  const input: Parameters<typeof verifyPush>[0] = { body: record.body ?? new Uint8Array(0) };
  if (record.sec !== undefined) input.sec = record.sec;
  if (record.mac !== undefined) input.mac = record.mac;
  if (options.imsi !== undefined) input.imsi = options.imsi;
  if (options.pin !== undefined) input.pin = options.pin;
  if (options.imsiRule !== undefined) input.imsiRule = options.imsiRule;
  if (options.userPinMacMinLength !== undefined) input.userPinMacMinLength = options.userPinMacMinLength;
  return verifyPush(input);
}

/**
 * Step 1: take a pasted, dropped or pushed payload down to its body and check its security.
 * Never throws for bad input: the record says what went wrong.
 */
export function receivePayload(input: string | Uint8Array, options: ReceiveOptions): InboxRecord {
  const rawIsText = typeof input === 'string';
  const record: InboxRecord = {
    id: options.id,
    receivedAt: options.receivedAt,
    source: options.source,
    raw: typeof input === 'string' ? new TextEncoder().encode(input) : input.slice(),
    rawIsText,
    kind: 'unsupported',
    pinAttempts: 0,
    status: 'received',
    warnings: [],
  };
  if (options.sourceName !== undefined) record.sourceName = options.sourceName;
  let unwrapped;
  try {
    unwrapped = unwrapPayload(input, options.chosenKind);
  } catch (error) {
    return { ...record, status: 'invalid', error: recordError('unwrap', explainUnrecognised(input, error)) };
  }
  record.detected = {
    kind: unwrapped.kind,
    encoding: unwrapped.encoding,
    ambiguous: unwrapped.ambiguous,
    readings: unwrapped.candidates.map((c) => ({
      kind: c.kind,
      encoding: c.encoding,
      confidence: c.confidence,
      reason: c.reason,
    })),
    layers: unwrapped.layers,
  };
  record.contentType = unwrapped.contentType.name;
  record.body = unwrapped.body.slice();
  record.bodyFormat = unwrapped.bodyFormat;
  record.warnings = [...unwrapped.warnings];
  if (unwrapped.ambiguous)
    record.warnings.push(
      `The input could be read more than one way; read as ${unwrapped.kind} (${unwrapped.encoding})`,
    );
  if (unwrapped.applicationId !== undefined) record.applicationId = unwrapped.applicationId;
  if (unwrapped.sec !== undefined) record.sec = unwrapped.sec;
  if (unwrapped.mac !== undefined) record.mac = unwrapped.mac;
  record.kind = kindOf(unwrapped.contentType.name);
  if (record.kind === 'unsupported') {
    return {
      ...record,
      status: 'invalid',
      error: {
        code: 'unsupported-content-type',
        message: `Content type ${unwrapped.contentType.name} is not a provisioning document (CP) or a DM bootstrap`,
        step: 'unwrap',
      },
    };
  }
  const max = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (unwrapped.body.length > max) {
    return {
      ...record,
      status: 'invalid',
      error: {
        code: 'payload-too-large',
        message: `The body is ${unwrapped.body.length} bytes; at most ${max} are accepted`,
        step: 'unwrap',
      },
    };
  }
  if (record.kind === 'dm-bootstrap' && record.bodyFormat === 'xml') {
    record.warnings.push(
      'A DM bootstrap must be WBXML (oma-cp.md §9); the XML form is accepted here for testing only',
    );
  }
  return withVerdict(record, check(record, { ...options }), options.pin !== undefined && options.pin !== '');
}

/** Step 2 (USERPIN, USERNETWPIN, USERPINMAC): check a typed PIN; a wrong one counts. */
export function submitPin(record: InboxRecord, pin: string, options: SecurityOptions = {}): InboxRecord {
  if (record.status !== 'awaiting-pin') {
    throw new ProvisionError(
      'wrong-step',
      `Message ${record.id} is not waiting for a PIN (it is ${record.status})`,
      {
        id: record.id,
        status: record.status,
      },
    );
  }
  return withVerdict(record, check(record, { ...options, pin }), pin !== '');
}

/** PIN attempts left before the message is discarded. */
export function pinAttemptsLeft(record: InboxRecord): number {
  return Math.max(0, PIN_ATTEMPT_LIMIT - record.pinAttempts);
}

function decodeBody(record: InboxRecord): XmlDocument {
  const body = record.body ?? new Uint8Array(0);
  if (record.bodyFormat === 'xml') return parseXml(new TextDecoder().decode(body));
  return decodeWbxml(body, { language: record.kind === 'cp' ? 'prov' : 'syncml12' }).document;
}

/**
 * Step 3: decode, parse, validate and plan (nothing is written). Only for a record whose
 * security check passed (authentic or unsigned). Failures give status `invalid`.
 */
export function planProvisioning(
  record: InboxRecord,
  tree: TreeReader,
  options: PlanOptions = {},
): InboxRecord {
  if (record.status !== 'received' || (record.verdict !== 'authentic' && record.verdict !== 'unsigned')) {
    throw new ProvisionError(
      'wrong-step',
      `Message ${record.id} cannot be planned: it is ${record.status} (${record.verdict ?? 'not checked'})`,
      {
        id: record.id,
        status: record.status,
      },
    );
  }
  let doc: XmlDocument;
  try {
    doc = decodeBody(record);
  } catch (error) {
    return { ...record, status: 'invalid', error: recordError('decode', error) };
  }
  const r: InboxRecord = { ...record };
  try {
    r.documentXml = writeXml(doc, { indent: true });
  } catch {
    // The inspector view is optional; an unwritable document is still planned.
  }
  try {
    if (record.kind === 'cp') {
      let cp;
      try {
        cp = parseCpDocument(doc, options.limits);
      } catch (error) {
        return { ...r, status: 'invalid', error: recordError('parse', error) };
      }
      // Kept when validation fails (errors and warnings); replaced by the plan's warnings otherwise.
      r.issues = validateCpDocument(cp);
      r.plan = planCpDocument(cp, tree);
      r.issues = r.plan.issues;
    } else {
      r.plan = planDmBootstrap(readSyncML(doc), tree);
      r.issues = r.plan.issues;
    }
  } catch (error) {
    const step = error instanceof CpDocumentError && error.code === 'cp-invalid' ? 'validate' : 'plan';
    return { ...r, status: 'invalid', error: recordError(step, error) };
  }
  r.status = 'awaiting-consent';
  return r;
}

/**
 * Step 4: apply the plan as one atomic batch (principal DEVICE, origin = record id). On any
 * failure nothing is written and the record says why (`failed`). Unsigned messages need
 * `acceptUnsigned` (throws `ProvisionError('unsigned-not-accepted')` otherwise).
 */
export async function applyPlan(
  record: InboxRecord,
  tree: TreeWriter,
  options: ApplyOptions,
): Promise<InboxRecord> {
  if (record.status !== 'awaiting-consent' || record.plan === undefined) {
    throw new ProvisionError(
      'wrong-step',
      `Message ${record.id} has no plan waiting for consent (it is ${record.status})`,
      {
        id: record.id,
        status: record.status,
      },
    );
  }
  if (record.verdict === 'unsigned' && options.acceptUnsigned !== true) {
    throw new ProvisionError(
      'unsigned-not-accepted',
      `Message ${record.id} is not signed (no SEC/MAC); it is applied only when the user accepts an unsigned message`,
      { id: record.id },
    );
  }
  if (record.verdict !== 'authentic' && record.verdict !== 'unsigned') {
    throw new ProvisionError('wrong-step', `Message ${record.id} did not pass the security check`, {
      id: record.id,
    });
  }
  try {
    const batch = await tree.batch(DEVICE, record.plan.ops, { origin: record.id });
    if (batch.status === 200) return { ...record, status: 'applied', applied: { at: options.at, batch } };
    const op = batch.failedIndex === undefined ? undefined : record.plan.ops[batch.failedIndex];
    const reason = `${op ? `${op.op} ${op.uri} failed with ${batch.statuses[batch.failedIndex as number]}` : 'the batch failed'}${
      batch.reason !== undefined ? `: ${batch.reason}` : ''
    }; nothing was written`;
    return {
      ...record,
      status: 'failed',
      failed: { at: options.at, reason, batch },
      error: { code: 'batch-failed', message: reason, step: 'apply' },
    };
  } catch (error) {
    const e = recordError('apply', error);
    return { ...record, status: 'failed', failed: { at: options.at, reason: e.message }, error: e };
  }
}

/** The user declined the preview. */
export function rejectProvisioning(
  record: InboxRecord,
  options: { at: number; reason?: string },
): InboxRecord {
  if (
    record.status !== 'awaiting-consent' &&
    record.status !== 'awaiting-pin' &&
    record.status !== 'received'
  ) {
    throw new ProvisionError(
      'wrong-step',
      `Message ${record.id} cannot be rejected: it is ${record.status}`,
      { id: record.id },
    );
  }
  return {
    ...record,
    status: 'rejected',
    rejected: { at: options.at, reason: options.reason ?? 'rejected by the user' },
  };
}
