/**
 * The port a flow runs against (decision 0126). The runner (runner.ts) only talks to a
 * `FlowDevice`; the headless device (core-device.ts, used by `ota-handset flow run` with a
 * Node transport and server client) and the browser's device (the handset's state classes)
 * both implement it, so one flow file runs in both.
 *
 * - `receiveCp`: the CP pipeline with the PIN the user types and Accept/Reject on the preview;
 * - `receiveNotification`: a package 0: check, consent, then the server-initiated session;
 * - `connect`: a client-initiated DM session;
 * - `queueAnswers`: answers for the next prompt(s) of later sessions, used in order;
 * - `userChange`: a change made by the local user (the tree refuses Locked instances);
 * - `tree()`: read access to the management tree, for assertions;
 * - `nextPush` / `startScenario`: the reference server's push channel and API (only when
 *   `capabilities.server`).
 */
import type { InboxRecord } from '../cp/inbox.ts';
import type { UserInteraction } from '../dm/alerts.ts';
import type { FaultPlan } from '../dm/faults.ts';
import type { NotificationCheck, SessionTrace } from '../dm/session.ts';
import type { UiMode } from '../dm/package0.ts';
import type { PushKind } from '../dm-server/pushes.ts';
import type { ManagementTree } from '../tree/tree.ts';
import type { TreeOp, TreeResult } from '../tree/types.ts';
import type { AnswerSpec } from './types.ts';

export interface PromptRecord {
  request: UserInteraction;
  /** The answer given, as the flow wrote it, or `default` / `timeout` when none was queued. */
  answered: string;
  /** The queued answer did not fit the prompt (e.g. text for a yes/no question). */
  problem?: string;
}

export interface FlowSessionResult {
  trace: SessionTrace;
  prompts: PromptRecord[];
  /** "Allow this change?" questions the handset asked, with the user's answer. */
  operatorChanges: { change: string; allowed: boolean }[];
}

export interface FlowNotificationResult {
  check: NotificationCheck;
  /** Whether the session ran (false when the check failed or the user declined). */
  connected: boolean;
  session?: FlowSessionResult;
}

export interface FlowPush {
  id: string;
  kind: PushKind;
  title: string;
  /** The WSP push PDU. */
  bytes: Uint8Array;
}

/** How a flow's cp step receives a message: with this PIN, then accepted or rejected. */
export interface CpReceiveOptions {
  pin?: string;
  decision: 'accept' | 'reject';
  acceptUnsigned: boolean;
  source: 'paste' | 'push';
}

export interface FlowDevice {
  readonly capabilities: {
    /** A reference DM server is reachable (push and scenario steps). */
    server: boolean;
    /** The handset asks "Allow this change?" before operator changes to Active/Default/Locked. */
    operatorChangeQuestion: boolean;
  };
  tree(): ManagementTree;
  receiveCp(bytes: Uint8Array, options: CpReceiveOptions): Promise<InboxRecord>;
  receiveNotification(
    body: Uint8Array,
    options: { consent: 'yes' | 'no'; faults: FaultPlan },
  ): Promise<FlowNotificationResult>;
  connect(serverId: string, options: { faults: FaultPlan }): Promise<FlowSessionResult>;
  queueAnswers(answers: readonly AnswerSpec[]): void;
  /** Answers queued and not used yet. */
  pendingAnswers(): AnswerSpec[];
  userChange(op: TreeOp): Promise<TreeResult>;
  nextPush(timeoutMs: number): Promise<FlowPush | undefined>;
  startScenario(
    name: string,
    options: { notify?: UiMode; pin?: string; vars?: Record<string, string> },
  ): Promise<void>;
}
