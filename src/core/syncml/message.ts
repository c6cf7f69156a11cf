/**
 * # The SyncML DM 1.2 message model
 *
 * One `SyncMLMessage` is one SyncML document: a `SyncHdr` and a `SyncBody` holding an
 * ordered list of commands and the `Final` flag. The shape follows the SyncML 1.2 DTD as
 * used by OMA DM 1.2 (shared/spec/oma-dm.md §2), and the field names keep the DTD's
 * spelling (SyncHdr, CmdID, LocURI, MsgRef, TargetRef ...) so the code can be grepped
 * against the spec. Fields that are not wire elements are lower-case: `kind` (which
 * command), `commands` (the body or the content of Atomic / Sequence), `Items` (the
 * repeated `Item` elements) and `warnings` (what the reader skipped).
 *
 * - Identifiers (SessionID, MsgID, CmdID, MsgRef, CmdRef) are strings, exactly as they
 *   travelled, so a reference always echoes the referenced id byte for byte.
 * - Codes are numbers: `Status.Data` is the status code, `Alert.Data` the alert code.
 * - `Item.Data` is a `DataValue`: a string for text, a `Uint8Array` for data that came as
 *   WBXML OPAQUE (or must be written as OPAQUE), or a list of elements for embedded XML
 *   (a TNDS tree inside a WBXML message). The reader never converts one into another, so
 *   a read / write round trip keeps opaque data opaque.
 * - MetInf (`Meta`) values are plain fields; sizes are numbers. The writer puts them in
 *   the `syncml:metinf` namespace.
 *
 * `readSyncML` (read.ts) turns an `XmlDocument` into this model, by local name and in any
 * element order; `writeSyncML` (write.ts) turns it back, in DTD order. The builders in
 * build.ts (`statusFor`, `resultsFor`, `statusForHeader`, `CmdIdCounter` ...) create
 * correctly referenced replies, so the session engine rarely builds objects by hand.
 */
import type { XmlElement } from '../wbxml/document.ts';

export const SYNCML_PUBLIC_ID = '-//SYNCML//DTD SyncML 1.2//EN';
/** Default namespace of the SyncML root in XML (code page 0 in WBXML). */
export const SYNCML_NAMESPACE = 'SYNCML:SYNCML1.2';
/** Namespace of the MetInf elements (code page 1 in WBXML). */
export const METINF_NAMESPACE = 'syncml:metinf';
export const VER_DTD = '1.2';
export const VER_PROTO = 'DM/1.2';

/** `Target` / `Source` (also `TargetParent` / `SourceParent`). */
export interface LocRef {
  LocURI: string;
  LocName?: string;
}

/** MetInf (`Meta`) fields used by OMA DM 1.2. Unknown MetInf elements become warnings. */
export interface Meta {
  Format?: string;
  Type?: string;
  Mark?: string;
  /** Total size of a (large) object, in the representation's units (oma-dm.md §10). */
  Size?: number;
  MaxMsgSize?: number;
  MaxObjSize?: number;
  /** Base64 text as carried in a Chal; `parseChal` in dm/auth.ts decodes it. */
  NextNonce?: string;
  Version?: string;
  EMI?: string[];
}

export interface Cred {
  Meta?: Meta;
  Data: string;
}

export interface Chal {
  Meta: Meta;
}

/**
 * Item / Data content: text, opaque bytes (WBXML OPAQUE), or embedded elements
 * (e.g. a WBXML TNDS `MgmtTree` inside `<Data>`).
 */
export type DataValue = string | Uint8Array | XmlElement[];

export interface Item {
  Target?: LocRef;
  Source?: LocRef;
  TargetParent?: LocRef;
  SourceParent?: LocRef;
  Meta?: Meta;
  Data?: DataValue;
  /** `<MoreData/>`: another chunk of this object follows (oma-dm.md §10). */
  MoreData?: boolean;
}

interface CommandCommon {
  CmdID: string;
  /** Not used in DM (REP 41) but kept when present. */
  NoResp?: boolean;
  /** DM puts Cred only in the SyncHdr; kept when a peer sends it anyway. */
  Cred?: Cred;
  Meta?: Meta;
}

export interface Add extends CommandCommon {
  kind: 'Add';
  Items: Item[];
}

export interface Replace extends CommandCommon {
  kind: 'Replace';
  Items: Item[];
}

export interface Copy extends CommandCommon {
  kind: 'Copy';
  Items: Item[];
}

export interface Delete extends CommandCommon {
  kind: 'Delete';
  Archive?: boolean;
  SftDel?: boolean;
  Items: Item[];
}

export interface Get extends CommandCommon {
  kind: 'Get';
  Lang?: string;
  Items: Item[];
}

export interface Exec extends CommandCommon {
  kind: 'Exec';
  Correlator?: string;
  /** The DTD allows exactly one Item; the reader keeps whatever arrived. */
  Items: Item[];
}

export interface Alert {
  kind: 'Alert';
  CmdID: string;
  NoResp?: boolean;
  Cred?: Cred;
  /** The alert code (1200, 1201, 1100 ...). */
  Data: number;
  Correlator?: string;
  Items: Item[];
}

export interface Atomic {
  kind: 'Atomic';
  CmdID: string;
  NoResp?: boolean;
  Meta?: Meta;
  commands: Command[];
}

export interface Sequence {
  kind: 'Sequence';
  CmdID: string;
  NoResp?: boolean;
  Meta?: Meta;
  commands: Command[];
}

export interface Status {
  kind: 'Status';
  CmdID: string;
  /** MsgID of the message that held the referenced command. */
  MsgRef: string;
  /** CmdID of the referenced command; `0` for the SyncHdr. */
  CmdRef: string;
  /** Element name of the referenced command (`SyncHdr`, `Add`, `Alert` ...). */
  Cmd: string;
  TargetRef: string[];
  SourceRef: string[];
  Cred?: Cred;
  Chal?: Chal;
  /** The status code. */
  Data: number;
  Items: Item[];
}

export interface Results {
  kind: 'Results';
  CmdID: string;
  MsgRef?: string;
  CmdRef: string;
  Meta?: Meta;
  TargetRef?: string;
  SourceRef?: string;
  Items: Item[];
}

export type Command =
  Status | Results | Alert | Add | Replace | Delete | Copy | Exec | Get | Atomic | Sequence;
export type CommandKind = Command['kind'];
/** Commands that operate on the management tree through their Items. */
export type ItemCommand = Add | Replace | Delete | Copy | Exec | Get;

export const COMMAND_KINDS: readonly CommandKind[] = [
  'Status',
  'Results',
  'Alert',
  'Add',
  'Replace',
  'Delete',
  'Copy',
  'Exec',
  'Get',
  'Atomic',
  'Sequence',
];

export interface SyncHdr {
  VerDTD: string;
  VerProto: string;
  SessionID: string;
  MsgID: string;
  Target: LocRef;
  Source: LocRef;
  RespURI?: string;
  NoResp?: boolean;
  Cred?: Cred;
  Meta?: Meta;
}

export interface SyncBody {
  commands: Command[];
  /** `<Final/>`: this message closes its package. */
  Final: boolean;
}

export type SyncMLWarningCode =
  /** An element the reader does not know in that position; skipped. */
  | 'unknown-element'
  /** A SyncML element that DM does not use (Sync, Map, Put, Search ...); skipped. */
  | 'not-used-in-dm'
  /** An element that may appear once appeared again; the first one was kept. */
  | 'duplicate-element'
  /** Text where only elements are expected; ignored. */
  | 'unexpected-text'
  /** A value that is not what the spec prescribes but could be read (e.g. VerDTD 1.1). */
  | 'unexpected-value';

export interface SyncMLWarning {
  code: SyncMLWarningCode;
  /** e.g. `SyncML/SyncBody/Add[3]/Item[1]/Foo` */
  path: string;
  message: string;
  /** Local name of a skipped element. */
  element?: string;
  /** CmdID of a skipped command (e.g. a Sync), so the session can still answer it with a Status. */
  CmdID?: string;
}

export interface SyncMLMessage {
  SyncHdr: SyncHdr;
  SyncBody: SyncBody;
  /** Set by `readSyncML`: what was skipped or tolerated. Ignored by `writeSyncML`. */
  warnings?: SyncMLWarning[];
}

export function isItemCommand(cmd: Command): cmd is ItemCommand {
  return (
    cmd.kind === 'Add' ||
    cmd.kind === 'Replace' ||
    cmd.kind === 'Delete' ||
    cmd.kind === 'Copy' ||
    cmd.kind === 'Exec' ||
    cmd.kind === 'Get'
  );
}

/** The text of a DataValue: opaque bytes decoded as UTF-8, elements give ''. */
export function dataText(data: DataValue | undefined): string {
  if (data === undefined) return '';
  if (typeof data === 'string') return data;
  if (data instanceof Uint8Array) return new TextDecoder().decode(data);
  return '';
}
