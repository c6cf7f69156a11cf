/**
 * Builders for outgoing SyncML: headers, correctly referenced Status and Results, alerts.
 *
 * Reference rules (oma-dm.md §4):
 * - CmdID is unique within a message and restarts at 1 in every message (CmdIdCounter).
 * - Status: MsgRef = MsgID of the message that held the command, CmdRef = its CmdID,
 *   Cmd = its element name. For the SyncHdr: CmdRef `0`, Cmd `SyncHdr`, TargetRef / SourceRef
 *   = the received header's Target / Source LocURI. The SyncHdr Status comes first.
 * - Results: MsgRef / CmdRef point to the Get; Results come after the Get's Status.
 */
import type {
  Alert,
  Chal,
  Command,
  Cred,
  Get,
  Item,
  LocRef,
  Meta,
  Results,
  Status,
  SyncHdr,
  SyncMLMessage,
} from './message.ts';
import { VER_DTD, VER_PROTO } from './message.ts';

/** Hands out CmdIDs `1`, `2`, ... for one outgoing message. */
export class CmdIdCounter {
  private last = 0;

  next(): string {
    this.last += 1;
    return String(this.last);
  }

  /** The number of ids handed out so far. */
  get count(): number {
    return this.last;
  }
}

export interface HeaderOptions {
  SessionID: string;
  MsgID: string | number;
  Target: LocRef | string;
  Source: LocRef | string;
  RespURI?: string;
  Cred?: Cred;
  MaxMsgSize?: number;
  MaxObjSize?: number;
}

function loc(value: LocRef | string): LocRef {
  return typeof value === 'string' ? { LocURI: value } : value;
}

export function createHeader(options: HeaderOptions): SyncHdr {
  const hdr: SyncHdr = {
    VerDTD: VER_DTD,
    VerProto: VER_PROTO,
    SessionID: options.SessionID,
    MsgID: String(options.MsgID),
    Target: loc(options.Target),
    Source: loc(options.Source),
  };
  if (options.RespURI !== undefined) hdr.RespURI = options.RespURI;
  if (options.Cred) hdr.Cred = options.Cred;
  if (options.MaxMsgSize !== undefined || options.MaxObjSize !== undefined) {
    const meta: Meta = {};
    if (options.MaxMsgSize !== undefined) meta.MaxMsgSize = options.MaxMsgSize;
    if (options.MaxObjSize !== undefined) meta.MaxObjSize = options.MaxObjSize;
    hdr.Meta = meta;
  }
  return hdr;
}

/** Optional parts of a Status; TargetRef / SourceRef override the defaults. */
export interface StatusOptions {
  TargetRef?: string[];
  SourceRef?: string[];
  Items?: Item[];
  Chal?: Chal;
  Cred?: Cred;
}

function applyOptions(status: Status, options: StatusOptions): Status {
  if (options.TargetRef) status.TargetRef = options.TargetRef;
  if (options.SourceRef) status.SourceRef = options.SourceRef;
  if (options.Items) status.Items = options.Items;
  if (options.Chal) status.Chal = options.Chal;
  if (options.Cred) status.Cred = options.Cred;
  return status;
}

/** Status for a received SyncHdr (CmdRef 0, Cmd SyncHdr). */
export function statusForHeader(
  received: SyncHdr,
  code: number,
  CmdID: string,
  options: StatusOptions = {},
): Status {
  return applyOptions(
    {
      kind: 'Status',
      CmdID,
      MsgRef: received.MsgID,
      CmdRef: '0',
      Cmd: 'SyncHdr',
      TargetRef: [received.Target.LocURI],
      SourceRef: [received.Source.LocURI],
      Data: code,
      Items: [],
    },
    options,
  );
}

/** The Target and Source LocURIs of a command's Items (for a per-command Status). */
export function commandRefs(cmd: Command): { TargetRef: string[]; SourceRef: string[] } {
  const TargetRef: string[] = [];
  const SourceRef: string[] = [];
  if (cmd.kind === 'Atomic' || cmd.kind === 'Sequence' || cmd.kind === 'Status' || cmd.kind === 'Alert') {
    return { TargetRef, SourceRef };
  }
  for (const item of cmd.Items) {
    if (item.Target) TargetRef.push(item.Target.LocURI);
    if (item.Source) SourceRef.push(item.Source.LocURI);
  }
  return { TargetRef, SourceRef };
}

/**
 * Status for a received command, one per command: TargetRef / SourceRef list the LocURIs
 * of all its Items (none for Alert, Atomic, Sequence). `MsgRef` is the MsgID of the
 * message the command came in.
 */
export function statusFor(
  cmd: Command,
  code: number,
  ref: { CmdID: string; MsgRef: string },
  options: StatusOptions = {},
): Status {
  return statusWithRefs(cmd, commandRefs(cmd), code, ref, options);
}

/** Status for one Item of a multi-item command (the per-item practice, decision 0042). */
export function statusForItem(
  cmd: Command,
  item: Item,
  code: number,
  ref: { CmdID: string; MsgRef: string },
  options: StatusOptions = {},
): Status {
  const refs = {
    TargetRef: item.Target ? [item.Target.LocURI] : [],
    SourceRef: item.Source ? [item.Source.LocURI] : [],
  };
  return statusWithRefs(cmd, refs, code, ref, options);
}

function statusWithRefs(
  cmd: Command,
  refs: { TargetRef: string[]; SourceRef: string[] },
  code: number,
  ref: { CmdID: string; MsgRef: string },
  options: StatusOptions,
): Status {
  return applyOptions(
    {
      kind: 'Status',
      CmdID: ref.CmdID,
      MsgRef: ref.MsgRef,
      CmdRef: cmd.CmdID,
      Cmd: cmd.kind,
      ...refs,
      Data: code,
      Items: [],
    },
    options,
  );
}

/** Results for a Get: MsgRef / CmdRef point to the Get; send it after the Get's Status. */
export function resultsFor(
  get: Get,
  items: Item[],
  ref: { CmdID: string; MsgRef: string },
  options: { Meta?: Meta; TargetRef?: string; SourceRef?: string } = {},
): Results {
  const results: Results = {
    kind: 'Results',
    CmdID: ref.CmdID,
    MsgRef: ref.MsgRef,
    CmdRef: get.CmdID,
    Items: items,
  };
  if (options.Meta) results.Meta = options.Meta;
  if (options.TargetRef !== undefined) results.TargetRef = options.TargetRef;
  if (options.SourceRef !== undefined) results.SourceRef = options.SourceRef;
  return results;
}

export function alertCommand(CmdID: string, code: number, Items: Item[] = [], Correlator?: string): Alert {
  const alert: Alert = { kind: 'Alert', CmdID, Data: code, Items };
  if (Correlator !== undefined) alert.Correlator = Correlator;
  return alert;
}

/**
 * Accumulates one outgoing message: allocates CmdIDs in order and keeps the commands.
 * `build(final)` returns the message; the builder can be discarded afterwards.
 */
export class MessageBuilder {
  readonly ids = new CmdIdCounter();
  private readonly commands: Command[] = [];

  constructor(readonly header: SyncHdr) {}

  nextCmdId(): string {
    return this.ids.next();
  }

  push(...cmds: Command[]): this {
    this.commands.push(...cmds);
    return this;
  }

  statusForHeader(received: SyncHdr, code: number, options?: StatusOptions): Status {
    const status = statusForHeader(received, code, this.nextCmdId(), options);
    this.commands.push(status);
    return status;
  }

  statusFor(cmd: Command, code: number, MsgRef: string, options?: StatusOptions): Status {
    const status = statusFor(cmd, code, { CmdID: this.nextCmdId(), MsgRef }, options);
    this.commands.push(status);
    return status;
  }

  statusForItem(cmd: Command, item: Item, code: number, MsgRef: string, options?: StatusOptions): Status {
    const status = statusForItem(cmd, item, code, { CmdID: this.nextCmdId(), MsgRef }, options);
    this.commands.push(status);
    return status;
  }

  resultsFor(get: Get, items: Item[], MsgRef: string, options?: { Meta?: Meta }): Results {
    const results = resultsFor(get, items, { CmdID: this.nextCmdId(), MsgRef }, options);
    this.commands.push(results);
    return results;
  }

  alert(code: number, items: Item[] = [], correlator?: string): Alert {
    const alert = alertCommand(this.nextCmdId(), code, items, correlator);
    this.commands.push(alert);
    return alert;
  }

  get size(): number {
    return this.commands.length;
  }

  build(Final: boolean): SyncMLMessage {
    return { SyncHdr: this.header, SyncBody: { commands: [...this.commands], Final } };
  }
}
