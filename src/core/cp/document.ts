/**
 * The typed OMA Client Provisioning document (`wap-provisioningdoc`, oma-cp.md §1): ordered
 * characteristics, each with its type, its parameters in document order and its nested
 * characteristics. Plain data (JSON- and structured-clone-safe) so the provisioning inbox can
 * keep it as it is.
 */
import { OtaError } from '../errors.ts';

/** One `parm`. `value` is absent for a presence parameter or a parm written without a value. */
export interface CpParm {
  name: string;
  value?: string;
}

export interface CpCharacteristic {
  type: string;
  /**
   * Where it is, for messages: types with a 1-based index among siblings of the same type,
   * e.g. `PXLOGICAL[1]/PXPHYSICAL[2]`.
   */
  path: string;
  parms: CpParm[];
  characteristics: CpCharacteristic[];
}

export interface CpDocument {
  /** The root's `version` attribute (`1.0`, `1.1`), when present. */
  version?: string;
  /** Public id of the source document (DOCTYPE or WBXML header), null when unknown. */
  publicId: string | null;
  characteristics: CpCharacteristic[];
}

/** Stable codes of {@link CpDocumentError}. */
export type CpDocumentErrorCode =
  /** The root element is not `wap-provisioningdoc`. */
  | 'cp-not-provisioning-doc'
  /** An element or attribute the document model does not allow (parm without name …). */
  | 'cp-bad-structure'
  /** More characteristics, parameters or nesting than the limits allow. */
  | 'cp-too-large'
  /** The document breaks the nesting or occurrence rules (oma-cp.md §1.1-§1.2); `details.issues`. */
  | 'cp-invalid';

/** A provisioning document that cannot be used. `details.path` names the characteristic when known. */
export class CpDocumentError extends OtaError {
  declare readonly code: CpDocumentErrorCode;
  constructor(code: CpDocumentErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
  }
}

// ---------------------------------------------------------------------------------------
// Helpers

/** The first value of parameter `name` (undefined when absent or valueless). */
export function parmValue(ch: CpCharacteristic, name: string): string | undefined {
  for (const p of ch.parms) if (p.name === name && p.value !== undefined) return p.value;
  return undefined;
}

/** Every value of parameter `name`, in document order (valueless occurrences skipped). */
export function parmValues(ch: CpCharacteristic, name: string): string[] {
  const out: string[] = [];
  for (const p of ch.parms) if (p.name === name && p.value !== undefined) out.push(p.value);
  return out;
}

/** Whether parameter `name` occurs at all (presence parameters such as INTERNET). */
export function hasParm(ch: CpCharacteristic, name: string): boolean {
  return ch.parms.some((p) => p.name === name);
}

/** Nested characteristics of one type. */
export function childrenOfType(ch: CpCharacteristic, type: string): CpCharacteristic[] {
  return ch.characteristics.filter((c) => c.type === type);
}

/** Top-level characteristics of one type. */
export function topLevel(doc: CpDocument, type: string): CpCharacteristic[] {
  return doc.characteristics.filter((c) => c.type === type);
}

/** Every characteristic in document order (pre-order). */
export function* walkCharacteristics(doc: CpDocument): Iterable<CpCharacteristic> {
  const stack: CpCharacteristic[] = [...doc.characteristics].reverse();
  while (stack.length > 0) {
    const ch = stack.pop() as CpCharacteristic;
    yield ch;
    for (let i = ch.characteristics.length - 1; i >= 0; i--)
      stack.push(ch.characteristics[i] as CpCharacteristic);
  }
}

/** The APPID of an APPLICATION characteristic. */
export function appId(ch: CpCharacteristic): string | undefined {
  return parmValue(ch, 'APPID');
}
