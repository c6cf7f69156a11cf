/**
 * What the command modules share: the context a server command runs in and what running it
 * produces (Statuses and Results for the reply, in order, each with the reason for the trace).
 */
import type { ManagementTree } from '../../tree/tree.ts';
import type { Principal } from '../../tree/types.ts';
import type { Prompter } from '../../ports.ts';
import type { Alert, Results, Status } from '../../syncml/message.ts';
import type { XmlDocument } from '../../wbxml/document.ts';
import type { AnswerOptions, UserInteraction } from '../alerts.ts';
import type { ExecRegistry } from '../exec-registry.ts';
import type { FaultPlan } from '../faults.ts';
import type { ChangeGate } from '../server-change.ts';

/** A Generic Alert 1226 the handset sends (shared/spec/oma-dm.md §11). */
export interface GenericAlert {
  /** `Reversed-Domain-Name: <rdn>` or `Content-Type: <mime>` (required). */
  type: string;
  /** Meta Format, e.g. `chr` or `xml` (required). */
  format: string;
  /** fatal, critical, minor, warning, informational (default), harmless, indeterminate. */
  mark?: string;
  /** Source/LocURI: the node the alert is about. */
  source?: string;
  /** Target/LocURI, rarely used. */
  target?: string;
  data: string;
  /** Echoes the Correlator of an earlier Exec. */
  correlator?: string;
}

/** Serialises embedded XML (a WBXML TNDS inside Data) to text. */
export type XmlWriter = (doc: XmlDocument) => string;

/** One command of the reply, before it gets its CmdID (assigned when the message is built). */
export interface Reply {
  cmd: Status | Results | Alert;
  /** Why this code, for the trace (tree reason, user answer ...). */
  reason?: string;
}

export interface CommandContext {
  tree: ManagementTree;
  principal: Principal;
  /** Reference recorded with tree batches and Locked: `session <SessionID> with <ServerID>`. */
  origin: string;
  /** MsgID of the server message that holds the command (the Status MsgRef). */
  msgId: string;
  prompter?: Prompter | undefined;
  exec: ExecRegistry;
  writeXml: XmlWriter;
  /** The server's MaxObjSize: a Get result larger than this is answered 413. */
  serverMaxObjSize?: number | undefined;
  answerOptions: AnswerOptions;
  queueGenericAlert(alert: GenericAlert): void;
  /** Told before and after the user is asked (the session's phase becomes waiting-for-user). */
  onPrompt?: ((request: UserInteraction | undefined) => void) | undefined;
  /** "Ask before operator changes" (decision 0100): consulted before each tree write; absent = never ask. */
  changeGate?: ChangeGate | undefined;
  /** Fault injection (decision 0128): the containers apply its status faults to their members (0160). */
  faults?: FaultPlan | undefined;
}

/**
 * - `continue`: carry on;
 * - `rejected`: a 1101 answered No (Sequence skips the rest, Atomic fails);
 * - `failed`: the command failed (Atomic fails);
 * - `cancelled`: the user cancelled a UI alert: the package stops, later commands get 215.
 */
export type CommandEffect = 'continue' | 'rejected' | 'failed' | 'cancelled';

export interface CommandOutcome {
  replies: Reply[];
  effect: CommandEffect;
}
