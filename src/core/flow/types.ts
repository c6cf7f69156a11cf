/**
 * Flow files, format `ota-handset-flow/1` (docs/flows.md, docs/flow.schema.json, decision 0125):
 * a scripted list of what a handset receives and what its user does, with assertions on the
 * resulting tree and session statuses. The same file runs headlessly (`ota-handset flow run`)
 * and in the browser with narration.
 */
import type { Fault } from '../dm/faults.ts';
import type { SessionOutcome } from '../dm/trace.ts';
import type { UiMode } from '../dm/package0.ts';

export const FLOW_FORMAT = 'ota-handset-flow/1';

/** Bytes in a flow: hex, base64, or a file next to the flow (resolved by the caller). */
export type PayloadRef = { hex: string } | { base64: string } | { file: string };

/** Expected result of a CP message (pasted or pushed). */
export interface CpExpect {
  /** `applied`: written to the tree; `rejected`: the user said no; `refused`: the handset refused it. */
  result?: 'applied' | 'rejected' | 'refused';
  /** For `refused`: the error code or security verdict, e.g. `mac-mismatch`, `pin-attempts-exhausted`. */
  code?: string;
}

/** One expected status of the last session: "Replace on ./MMS/x?prop=Active answered 200". */
export interface StatusExpect {
  /** Add, Replace, Delete, Copy, Get, Exec, Alert, Atomic, Sequence; any when absent. */
  command?: string;
  /** URI pattern (`*` within a segment, `**` across); any target when absent. */
  target?: string;
  status: number;
}

/** What a DM session should have produced. */
export interface SessionExpect {
  outcome?: SessionOutcome;
  statuses?: StatusExpect[];
  /** Alert codes of the UI prompts the user was shown, in order (e.g. [1101]). */
  prompts?: number[];
}

export interface NotificationExpect extends SessionExpect {
  /** The package 0 check: `ok` or its failure code (`digest-mismatch`, `unknown-server` ...). */
  check?: 'ok' | 'malformed' | 'unknown-server' | 'no-server-credentials' | 'digest-mismatch';
  /** Whether a session was run (false when the user declined or the check failed). */
  connected?: boolean;
}

/** An answer to the next prompt. */
export type AnswerSpec =
  | 'yes'
  | 'no'
  | 'ok'
  | 'cancel'
  | 'timeout'
  | { text: string }
  /** 1-based choice numbers. */
  | { choice: number[] }
  /** The handset's own "Allow this change?" question (browser preference). */
  | { operatorChange: 'allow' | 'refuse' };

interface StepBase {
  /** Overrides the narration shown for the step. */
  title?: string;
}

export interface CpStep extends StepBase {
  type: 'cp';
  payload: PayloadRef;
  /** The provisioning PIN the user types (USERPIN, USERNETWPIN, USERPINMAC). */
  pin?: string;
  /** The user's choice on the preview. Default accept. */
  decision?: 'accept' | 'reject';
  /** Accept an unsigned message after the warning. Default true. */
  acceptUnsigned?: boolean;
  expect?: CpExpect;
}

/** Fields to build a package 0 with the account's server credentials. */
export interface NotificationFields {
  serverId: string;
  uiMode?: UiMode;
  /** 0-65535. Default 1. */
  sessionId?: number;
}

export interface NotificationStep extends StepBase {
  type: 'notification';
  payload?: PayloadRef;
  build?: NotificationFields;
  /** The user's answer when the notification asks before connecting. Default yes. */
  consent?: 'yes' | 'no';
  faults?: Fault[];
  expect?: NotificationExpect;
}

export interface ConnectStep extends StepBase {
  type: 'connect';
  serverId: string;
  faults?: Fault[];
  expect?: SessionExpect;
}

export interface AnswerStep extends StepBase {
  type: 'answer';
  answers: AnswerSpec[];
}

export interface UserChangeStep extends StepBase {
  type: 'user-change';
  /** The node; `?prop=Active` etc. for a property. */
  uri: string;
  /** Default replace. */
  op?: 'replace' | 'add' | 'delete';
  value?: string;
  expect?: { result?: 'ok' | 'refused-locked' | 'refused'; status?: number };
}

export interface PushStep extends StepBase {
  type: 'push';
  /** The kind of push expected next; a different kind fails the step. */
  kind?: 'cp' | 'cp-bootstrap' | 'dm-bootstrap' | 'package0';
  pin?: string;
  decision?: 'accept' | 'reject';
  consent?: 'yes' | 'no';
  /** How long to wait for the push. Default 5000 ms. */
  timeoutMs?: number;
  faults?: Fault[];
  expect?: CpExpect & NotificationExpect;
}

export interface ScenarioStep extends StepBase {
  type: 'scenario';
  /** A scenario loaded by the server, e.g. `mms-campaign-confirm`. */
  name: string;
  notify?: UiMode;
  pin?: string;
  vars?: Record<string, string>;
}

export interface TreeAssertion {
  uri: string;
  /** The leaf value, or the child list `a/b` of an interior node. */
  equals?: string;
  exists?: boolean;
  active?: boolean;
  default?: boolean;
  locked?: boolean;
  /** The ACL, compared in canonical form. */
  acl?: string;
}

export interface AssertStep extends StepBase {
  type: 'assert';
  tree?: TreeAssertion[];
  /** About the last DM session. */
  session?: SessionExpect;
}

export type FlowStep =
  | CpStep
  | NotificationStep
  | ConnectStep
  | AnswerStep
  | UserChangeStep
  | PushStep
  | ScenarioStep
  | AssertStep;

export type FlowStepType = FlowStep['type'];

export const FLOW_STEP_TYPES: readonly FlowStepType[] = [
  'cp',
  'notification',
  'connect',
  'answer',
  'user-change',
  'push',
  'scenario',
  'assert',
];

export interface Flow {
  format: typeof FLOW_FORMAT;
  name: string;
  title?: string;
  description?: string;
  /** Faults for every session of the flow (a step's own faults are added to these). */
  faults?: Fault[];
  steps: FlowStep[];
}

// ---------------------------------------------------------------------------------------
// Reports

export interface FailedCheck {
  /** What was checked, e.g. `./MMS/Campaign?prop=Locked` or `session outcome`. */
  what: string;
  expected: string;
  actual: string;
  /** A security check failed (wrong PIN, MAC or notification digest): the CLI exits 3. */
  security?: true;
}

export type StepOutcome = 'passed' | 'failed' | 'skipped' | 'error';

export interface StepReport {
  index: number;
  type: FlowStepType;
  /** One sentence: what the step does (the narration presenters see). */
  narration: string;
  outcome: StepOutcome;
  /** What happened, in one sentence. */
  detail: string;
  failures: FailedCheck[];
  durationMs: number;
}

export interface FlowReport {
  flow: string;
  title?: string;
  passed: boolean;
  /** Steps run, in order; fewer than the flow's when a step could not run (`error`). */
  steps: StepReport[];
  /** Steps in the flow. */
  stepCount: number;
  startedAt: number;
  durationMs: number;
}
