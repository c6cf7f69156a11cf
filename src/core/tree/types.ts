/**
 * Types of the DM management tree (OMA-TS-DM_TND-V1_2_1; notes in spec/oma-dm.md §12).
 * Node records are plain data (JSON- and structured-clone-safe) so that every store
 * (memory, IndexedDB, the CLI's state file) keeps them as they are.
 */

/** The eleven DM 1.2 formats [TND 83, Format property; oma-dm.md §12.2]. */
export const NODE_FORMATS = [
  'b64',
  'bin',
  'bool',
  'chr',
  'int',
  'node',
  'null',
  'xml',
  'date',
  'time',
  'float',
] as const;
export type NodeFormat = (typeof NODE_FORMATS)[number];

export function isNodeFormat(text: string): text is NodeFormat {
  return (NODE_FORMATS as readonly string[]).includes(text);
}

/** MIME type of a serialized TNDS subtree [oma-dm.md §5, §12.3]. */
export const TNDS_MIME = 'application/vnd.syncml.dmtnds+xml';

/**
 * Who runs a command.
 * - `server`: a DM server, identified by its DMAcc ServerID; ACLs apply.
 * - `local-user`: the person holding the handset (settings UI); ACLs do not apply, Locked does.
 * - `device`: the handset itself (CP import, bootstrap, identity); bypasses ACL and Locked.
 */
export type Principal = { kind: 'server'; serverId: string } | { kind: 'local-user' } | { kind: 'device' };

export const DEVICE: Principal = { kind: 'device' };
export const LOCAL_USER: Principal = { kind: 'local-user' };
export function server(serverId: string): Principal {
  return { kind: 'server', serverId };
}

/** Who locked an MO instance, when, and (optionally) in which session / from which message. */
export interface LockInfo {
  by: Principal;
  /** Milliseconds since the Unix epoch, from the tree's Clock. */
  at: number;
  /** Caller-given reference: a DM session id, a provisioning inbox message id … */
  origin?: string;
}

/** Project-defined per-instance flags (docs/decisions/0021-active-default-locked.md). */
export interface InstanceFlags {
  active?: true;
  default?: true;
  locked?: LockInfo;
}

/** One node as stored. `uri` is canonical: `.` for the root, `./A/B` below it. */
export interface NodeRecord {
  uri: string;
  /** Canonical URI of the parent; `''` for the root. */
  parent: string;
  /** The last segment; `.` for the root. */
  name: string;
  /** Creation order; children are listed in this order. */
  seq: number;
  format: NodeFormat;
  /** Leaf: MIME type. Interior: MO identifier or DDF name. `''` when none. */
  type: string;
  /** Leaf value as text. For `bin` this is the base64 text of the bytes. Absent on interior nodes. */
  value?: string;
  /** The ACL property as stored (canonical form); `''` = empty, inherited. */
  acl: string;
  title?: string;
  /** ISO 8601 basic UTC, e.g. `20010711T163817Z` [TND 83, TStamp]. */
  tstamp: string;
  /** 0..0xFFFF, wraps [TND 83, VerNo]. */
  verNo: number;
  /** Permanent nodes cannot be deleted or renamed, nor their Format/Type changed [TND 81]. */
  permanent?: boolean;
  /** The value is never returned by Get or ?list (AAuthSecret, AAuthData, passwords). */
  secret?: boolean;
  /** Only on instances of MOs that support them (./MMS/<x>, ./PoC/<x>, ./Conn/NAP/<x>). */
  flags?: InstanceFlags;
}

/** One node of a `?list=Struct` / `?list=StructData` answer. */
export interface ListItem {
  uri: string;
  format: NodeFormat;
  type: string;
  /** Only for StructData, only for leaves whose value may be returned. */
  value?: string;
}

export interface TreeResult {
  /** DM status code: 200 on success; 404, 405, 406, 414, 418, 425 … otherwise. */
  status: number;
  /** Leaf value, interior child list (`a/b/c`), or property value. */
  value?: string;
  format?: NodeFormat;
  type?: string;
  /** Interior node: the child names. */
  children?: string[];
  /** `?list=Struct|StructData`. */
  items?: ListItem[];
  /** Human-readable reason when status is not 200 (for logs and the CLI). */
  reason?: string;
}

/** A value as callers give it: text, or bytes for `bin`. */
export type NodeValue = string | Uint8Array;

/** One mutation; `uri` may carry `?prop=<Name>` for Replace of a property. */
export type TreeOp =
  | {
      op: 'add';
      uri: string;
      /** Default: `node` when no value is given, else `chr`. */
      format?: NodeFormat;
      /** MIME type for leaves, DDF name for interior nodes. `application/vnd.syncml.dmtnds+xml` adds a TNDS subtree. */
      type?: string;
      value?: NodeValue;
      /** Optional initial ACL, set with the same rights as a Replace of `?prop=ACL`. */
      acl?: string;
      title?: string;
    }
  | { op: 'replace'; uri: string; value?: NodeValue; format?: NodeFormat; type?: string }
  | { op: 'delete'; uri: string }
  | { op: 'copy'; uri: string; source: string };

export interface BatchOptions {
  /** Reference recorded with Locked and passed to listeners: a session id, an inbox message id. */
  origin?: string;
}

export interface BatchResult {
  /** 200 when every op applied; 507 (Atomic failed) when nothing was applied. */
  status: 200 | 507;
  /** One per op: its own code on success or for the op that failed; 216 for ops rolled back; 215 for ops not executed. */
  statuses: number[];
  /** Index of the op that failed, if any. */
  failedIndex?: number;
  /** Reason of the failure, for logs. */
  reason?: string;
}

/** Sent to listeners after each committed batch. */
export interface TreeChange {
  principal: Principal;
  origin?: string;
  /** Nodes added or changed (value or properties), canonical URIs. */
  changed: string[];
  /** Nodes removed (including renamed-away URIs). */
  removed: string[];
}

export type TreeListener = (change: TreeChange) => void;

/** An MO instance with its Active / Default / Locked state, for the settings UI. */
export interface InstanceInfo {
  name: string;
  uri: string;
  active: boolean;
  default: boolean;
  locked: LockInfo | null;
}
