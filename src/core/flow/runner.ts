/**
 * Runs a flow (types.ts) against a FlowDevice (port.ts) and reports each step: the narration
 * presenters see, the outcome, and every failed check with expected and actual values
 * (decision 0127). Pure: no Node or browser APIs. Steps run in order; a failed step does not
 * stop the flow (later assertions still say what the tree looks like), but a step that could
 * not run at all (`error`, e.g. no push arrived) stops it, since later steps depend on it.
 *
 *   const report = await runFlow(flow, device, { now: () => Date.now(), loadFile });
 *
 * For step-by-step presentation: `new FlowRun(flow, device, options)`, then `narrate()` for
 * the coming step and `next()` to run it.
 */
import { parseBase64, parseHex } from '../bytes/index.ts';
import { OtaError } from '../errors.ts';
import { parsePush } from '../cp/push.ts';
import type { InboxRecord } from '../cp/inbox.ts';
import { findAccount } from '../dm/account.ts';
import { buildPackage0 } from '../dm/package0.ts';
import { formatFault, uriPatternMatches, type Fault } from '../dm/faults.ts';
import type { SessionTrace } from '../dm/trace.ts';
import { canonicalAcl } from '../tree/acl.ts';
import { DEVICE } from '../tree/types.ts';
import { describeAnswer } from './core-device.ts';
import type { FlowDevice, FlowNotificationResult, FlowSessionResult } from './port.ts';
import type {
  AnswerStep,
  AssertStep,
  ConnectStep,
  CpExpect,
  CpStep,
  FailedCheck,
  Flow,
  FlowReport,
  FlowStep,
  NotificationExpect,
  NotificationStep,
  PayloadRef,
  PushStep,
  ScenarioStep,
  SessionExpect,
  StepReport,
  TreeAssertion,
  UserChangeStep,
} from './types.ts';

export interface FlowRunOptions {
  /** Milliseconds, for durations and times in the report. */
  now: () => number;
  /** Reads `{ "file": name }` payloads (relative to the flow, or from a bundle). */
  loadFile?: (name: string) => Promise<Uint8Array>;
  /** Faults added to every session (the CLI's --fault). */
  faults?: Fault[];
  /** Told after each step. */
  onStep?: (report: StepReport) => void;
}

export const DEFAULT_PUSH_TIMEOUT_MS = 5000;

class StepError extends OtaError {
  constructor(message: string) {
    super('flow-step-error', message);
  }
}

// ---------------------------------------------------------------------------------------
// Narration

function payloadName(p: PayloadRef): string {
  return 'file' in p ? `file ${p.file}` : 'hex' in p ? 'the given bytes' : 'the given base64 bytes';
}

/** One sentence: what the step will do, for the presenter's narration. */
export function narrate(step: FlowStep): string {
  if (step.title !== undefined) return step.title;
  switch (step.type) {
    case 'cp': {
      const pin = step.pin !== undefined ? ` types PIN ${step.pin} and` : '';
      const what = step.decision === 'reject' ? 'rejects it' : 'accepts it';
      return `A provisioning message arrives (${payloadName(step.payload)}); the user${pin} ${what}.`;
    }
    case 'notification':
      return step.build
        ? `The DM server ${step.build.serverId} wakes the handset with a notification (package 0, ${step.build.uiMode ?? 'not-specified'}); the handset checks it and connects.`
        : `A DM notification (package 0) arrives; the handset checks its digest and connects.`;
    case 'connect':
      return `The handset opens a DM session with ${step.serverId}.`;
    case 'answer':
      return `The user will answer the next ${step.answers.length === 1 ? 'question' : `${step.answers.length} questions`}: ${step.answers.map(describeAnswer).join(', ')}.`;
    case 'user-change': {
      const op = step.op ?? 'replace';
      if (op === 'delete') return `The user deletes ${step.uri} in Settings.`;
      if (op === 'add') return `The user adds ${step.uri} in Settings.`;
      return `The user changes ${step.uri} to "${step.value ?? ''}" in Settings.`;
    }
    case 'push':
      return `The handset takes the next message the server pushed${step.kind ? ` (${step.kind})` : ''}${step.pin !== undefined ? `; the user types PIN ${step.pin}` : ''}.`;
    case 'scenario':
      return `The operator starts scenario "${step.name}" on the DM server${step.notify ? ` and notifies the handset (${step.notify})` : ''}.`;
    case 'assert': {
      const parts: string[] = [];
      for (const t of step.tree ?? []) parts.push(describeTreeAssertion(t));
      if (step.session) parts.push('the last session');
      return `Checks ${parts.join('; ')}.`;
    }
  }
}

function describeTreeAssertion(t: TreeAssertion): string {
  if (t.exists === false) return `${t.uri} is absent`;
  const bits: string[] = [];
  if (t.equals !== undefined) bits.push(`is "${t.equals}"`);
  if (t.exists === true) bits.push('exists');
  for (const k of ['active', 'default', 'locked'] as const)
    if (t[k] !== undefined) bits.push(`${t[k] ? 'is' : 'is not'} ${k[0]!.toUpperCase()}${k.slice(1)}`);
  if (t.acl !== undefined) bits.push(`has ACL ${t.acl}`);
  return `${t.uri} ${bits.join(', ')}`;
}

// ---------------------------------------------------------------------------------------
// Checks

function check(failures: FailedCheck[], what: string, expected: unknown, actual: unknown): void {
  if (expected === undefined) return;
  if (JSON.stringify(expected) !== JSON.stringify(actual))
    failures.push({ what, expected: show(expected), actual: show(actual) });
}

function show(v: unknown): string {
  if (v === undefined) return '(nothing)';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

/** Each server command's statuses as `Replace ./MMS/x?prop=Active -> 200`. */
function statusLines(trace: SessionTrace): { command: string; target: string; status: number }[] {
  const out: { command: string; target: string; status: number }[] = [];
  for (const c of trace.commands) {
    if (c.from !== 'server') continue;
    for (const s of c.statuses) {
      const targets = s.TargetRef.length > 0 ? s.TargetRef : c.targets.length > 0 ? c.targets : [''];
      for (const t of targets) out.push({ command: c.kind, target: t, status: s.code });
    }
  }
  return out;
}

export function checkSession(
  failures: FailedCheck[],
  expect: SessionExpect,
  result: FlowSessionResult | undefined,
): void {
  if (!result) {
    if (expect.outcome !== undefined || expect.statuses !== undefined || expect.prompts !== undefined)
      failures.push({ what: 'session', expected: 'a DM session', actual: 'no session ran' });
    return;
  }
  const { trace, prompts } = result;
  if (expect.outcome !== undefined && trace.outcome !== expect.outcome)
    failures.push({
      what: 'session outcome',
      expected: expect.outcome,
      actual: `${trace.outcome ?? 'unfinished'}${trace.reason ? ` (${trace.reason})` : ''}`,
    });
  const lines = statusLines(trace);
  for (const s of expect.statuses ?? []) {
    const relevant = lines.filter(
      (l) =>
        (s.command === undefined || l.command === s.command) &&
        (s.target === undefined || uriPatternMatches(s.target, l.target)),
    );
    if (relevant.some((l) => l.status === s.status)) continue;
    failures.push({
      what: `status of ${s.command ?? 'any command'} on ${s.target ?? 'any node'}`,
      expected: String(s.status),
      actual:
        relevant.length === 0
          ? 'no such command in the session'
          : relevant.map((l) => `${l.command} ${l.target} answered ${l.status}`).join('; '),
    });
  }
  if (expect.prompts !== undefined)
    check(
      failures,
      'prompts shown (alert codes)',
      expect.prompts,
      prompts.map((p) => p.request.alertCode),
    );
  for (const p of prompts)
    if (p.problem)
      failures.push({
        what: `answer to prompt ${p.request.alertCode}`,
        expected: 'an answer that fits',
        actual: p.problem,
      });
}

function cpOutcome(record: InboxRecord): {
  result: 'applied' | 'rejected' | 'refused' | 'waiting';
  code?: string;
} {
  switch (record.status) {
    case 'applied':
      return { result: 'applied' };
    case 'rejected':
      return { result: 'rejected' };
    case 'awaiting-pin':
      // A wrong or missing PIN leaves the message waiting: for the flow it was refused.
      return { result: 'refused', code: record.verdict ?? 'pin-required' };
    case 'awaiting-consent':
    case 'received':
      return { result: 'waiting' };
    default:
      return { result: 'refused', code: record.error?.code ?? record.verdict ?? record.status };
  }
}

const SECURITY_CODES = [
  'mac-mismatch',
  'pin-required',
  'malformed-pin',
  'pin-attempts-exhausted',
  'netwpin-mismatch',
  'imsi-required',
  'bad-imsi',
];

function isSecurityCode(code: string | undefined): boolean {
  return code !== undefined && SECURITY_CODES.includes(code);
}

function checkCp(
  failures: FailedCheck[],
  expect: CpExpect | undefined,
  record: InboxRecord,
  decision: 'accept' | 'reject',
): string {
  const got = cpOutcome(record);
  const wanted = expect?.result ?? (decision === 'reject' ? 'rejected' : 'applied');
  if (got.result !== wanted) {
    const failure: FailedCheck = {
      what: 'provisioning result',
      expected: wanted,
      actual: `${got.result}${got.code ? ` (${got.code}: ${record.error?.message ?? record.security?.message ?? ''})` : ''}`,
    };
    if (got.result === 'refused' && isSecurityCode(got.code)) failure.security = true;
    failures.push(failure);
  } else if (expect?.code !== undefined && got.code !== expect.code)
    failures.push({ what: 'refusal code', expected: expect.code, actual: got.code ?? '(none)' });
  if (got.result === 'applied') return `Applied: ${record.plan?.preview.summary ?? 'settings written'}.`;
  if (got.result === 'rejected') return 'The user rejected the settings; nothing was written.';
  if (got.result === 'refused')
    return `Refused (${got.code ?? record.status}): ${record.error?.message ?? record.security?.message ?? ''}`;
  return `The message is ${record.status}.`;
}

function checkNotificationResult(
  failures: FailedCheck[],
  expect: NotificationExpect | undefined,
  r: FlowNotificationResult,
): string {
  const checkCode = r.check.ok ? 'ok' : r.check.code;
  const e = expect ?? {};
  const wantedCheck = e.check ?? (e.connected === false ? undefined : 'ok');
  if (wantedCheck !== undefined && wantedCheck !== checkCode) {
    const failure: FailedCheck = {
      what: 'notification check',
      expected: wantedCheck,
      actual: r.check.ok ? 'ok' : `${r.check.code} (${r.check.reason})`,
    };
    if (checkCode === 'digest-mismatch') failure.security = true;
    failures.push(failure);
  }
  check(failures, 'session started', e.connected, r.connected);
  if (r.connected) checkSession(failures, { outcome: 'completed', ...e }, r.session);
  if (!r.check.ok) return `The notification was not accepted: ${r.check.reason}`;
  if (!r.connected) return `The user declined the session requested by ${r.check.account.serverId}.`;
  return sessionDetail(r.session!);
}

function sessionDetail(r: FlowSessionResult): string {
  const t = r.trace;
  const cmds = t.commands.filter(
    (c) => c.from === 'server' && c.kind !== 'Status' && c.kind !== 'Results',
  ).length;
  const asked =
    r.prompts.length > 0
      ? `, ${r.prompts.length} prompt${r.prompts.length === 1 ? '' : 's'} answered (${r.prompts.map((p) => `${p.request.alertCode}: ${p.answered}`).join(', ')})`
      : '';
  const changes =
    r.operatorChanges.length > 0
      ? `, ${r.operatorChanges.map((c) => `${c.allowed ? 'allowed' : 'refused'}: ${c.change}`).join('; ')}`
      : '';
  return `Session ${t.SessionID} with ${t.serverId}: ${t.outcome ?? 'unfinished'}, ${cmds} server command${cmds === 1 ? '' : 's'}${asked}${changes}.${t.outcome !== 'completed' && t.reason ? ` ${t.reason.replace(/([^.])$/, '$1.')}` : ''}`;
}

function propertyIs(device: FlowDevice, uri: string, name: string): boolean | string {
  const r = device.tree().get(DEVICE, `${uri}?prop=${name}`);
  if (r.status === 404) return `no node ${uri}`;
  if (r.status !== 200) return `${name} cannot be read (${r.status}${r.reason ? `: ${r.reason}` : ''})`;
  return r.value === 'true';
}

function checkTree(failures: FailedCheck[], device: FlowDevice, t: TreeAssertion): void {
  const tree = device.tree();
  const r = tree.get(DEVICE, t.uri);
  const exists = r.status !== 404;
  if (t.exists !== undefined && t.exists !== exists) {
    failures.push({
      what: t.uri,
      expected: t.exists ? 'present' : 'absent',
      actual: exists ? `present${r.value !== undefined ? ` ("${r.value}")` : ''}` : 'absent',
    });
    return;
  }
  if (t.exists === false) return;
  if (!exists) {
    failures.push({ what: t.uri, expected: 'a node', actual: 'absent' });
    return;
  }
  if (t.equals !== undefined) {
    const actual =
      r.status === 200 ? (r.value ?? '') : `(unreadable: ${r.status}${r.reason ? ` ${r.reason}` : ''})`;
    if (actual !== t.equals)
      failures.push({
        what: t.uri,
        expected: `"${t.equals}"`,
        actual: r.status === 200 ? `"${actual}"` : actual,
      });
  }
  for (const [key, prop] of [
    ['active', 'Active'],
    ['default', 'Default'],
    ['locked', 'Locked'],
  ] as const) {
    const want = t[key];
    if (want === undefined) continue;
    const got = propertyIs(device, t.uri, prop);
    if (got !== want)
      failures.push({ what: `${t.uri}?prop=${prop}`, expected: String(want), actual: String(got) });
  }
  if (t.acl !== undefined) {
    const got = tree.get(DEVICE, `${t.uri}?prop=ACL`);
    const actual = got.status === 200 ? (got.value ?? '') : `(unreadable: ${got.status})`;
    const a = canonicalAcl(actual) ?? actual;
    const e = canonicalAcl(t.acl) ?? t.acl;
    if (a !== e)
      failures.push({ what: `${t.uri}?prop=ACL`, expected: e, actual: a === '' ? '(empty: inherited)' : a });
  }
}

function isLockedRefusal(device: FlowDevice, uri: string, reason: string | undefined): boolean {
  if (reason !== undefined && /\bLocked\b/.test(reason)) return true;
  return device.tree().lockedInstanceOf(uri) !== undefined;
}

// ---------------------------------------------------------------------------------------
// Running

export class FlowRun {
  private index = 0;
  private lastSession: FlowSessionResult | undefined;
  private stopped = false;
  readonly reports: StepReport[] = [];

  constructor(
    readonly flow: Flow,
    readonly device: FlowDevice,
    private readonly options: FlowRunOptions,
  ) {}

  get done(): boolean {
    return this.stopped || this.index >= this.flow.steps.length;
  }

  /** The narration of the coming step, or undefined when the flow is over. */
  narrate(): string | undefined {
    const step = this.flow.steps[this.index];
    return this.done || !step ? undefined : narrate(step);
  }

  /** Runs the next step; undefined when the flow is over. */
  async next(): Promise<StepReport | undefined> {
    if (this.done) return undefined;
    const step = this.flow.steps[this.index]!;
    const index = this.index++;
    const started = this.options.now();
    const failures: FailedCheck[] = [];
    let detail: string;
    let outcome: StepReport['outcome'];
    try {
      const r = await this.run(step, failures);
      detail = r.detail;
      outcome = r.skipped ? 'skipped' : failures.length > 0 ? 'failed' : 'passed';
    } catch (error) {
      detail = error instanceof Error ? error.message : String(error);
      outcome = 'error';
      this.stopped = true;
    }
    const report: StepReport = {
      index,
      type: step.type,
      narration: narrate(step),
      outcome,
      detail,
      failures,
      durationMs: this.options.now() - started,
    };
    this.reports.push(report);
    this.options.onStep?.(report);
    return report;
  }

  private faults(step: { faults?: Fault[] }): Fault[] {
    return [...(this.flow.faults ?? []), ...(this.options.faults ?? []), ...(step.faults ?? [])];
  }

  private async bytes(ref: PayloadRef): Promise<Uint8Array> {
    try {
      if ('hex' in ref) return parseHex(ref.hex.replace(/^0x/, '').replace(/[\s:]/g, ''));
      if ('base64' in ref) return parseBase64(ref.base64.replace(/\s/g, ''));
    } catch (error) {
      throw new StepError(`the payload cannot be read: ${(error as Error).message}`);
    }
    if (!this.options.loadFile)
      throw new StepError(`payload file ${ref.file}: this runner cannot read files`);
    try {
      return await this.options.loadFile(ref.file);
    } catch (error) {
      throw new StepError(`payload file ${ref.file} cannot be read: ${(error as Error).message}`);
    }
  }

  private needServer(what: string): void {
    if (!this.device.capabilities.server)
      throw new StepError(`${what} needs a reference DM server: give --server URL`);
  }

  private unusedAnswers(failures: FailedCheck[]): void {
    const asks = this.device.capabilities.operatorChangeQuestion;
    const left = this.device
      .pendingAnswers()
      .filter((a) => asks || !(typeof a === 'object' && 'operatorChange' in a));
    if (left.length > 0)
      failures.push({
        what: 'queued answers',
        expected: 'all used by the prompts of this session',
        actual: `${left.length} not used: ${left.map(describeAnswer).join(', ')}`,
      });
  }

  private async run(step: FlowStep, failures: FailedCheck[]): Promise<{ detail: string; skipped?: boolean }> {
    switch (step.type) {
      case 'cp':
        return this.cp(step, failures);
      case 'notification':
        return this.notification(step, failures);
      case 'connect':
        return this.connect(step, failures);
      case 'answer':
        return this.answer(step);
      case 'user-change':
        return this.userChange(step, failures);
      case 'push':
        return this.push(step, failures);
      case 'scenario':
        return this.scenario(step);
      case 'assert':
        return this.assert(step, failures);
    }
  }

  private async cp(step: CpStep, failures: FailedCheck[]) {
    const decision = step.decision ?? 'accept';
    const record = await this.device.receiveCp(await this.bytes(step.payload), {
      ...(step.pin !== undefined ? { pin: step.pin } : {}),
      decision,
      acceptUnsigned: step.acceptUnsigned ?? true,
      source: 'paste',
    });
    return { detail: checkCp(failures, step.expect, record, decision) };
  }

  private async notification(step: NotificationStep, failures: FailedCheck[]) {
    let body: Uint8Array;
    if (step.payload) body = await this.bytes(step.payload);
    else {
      const fields = step.build!;
      const account = findAccount(this.device.tree(), fields.serverId);
      const srv = account?.server;
      if (!account || !srv)
        throw new StepError(
          `cannot build a notification: no DM account with server credentials for "${fields.serverId}"`,
        );
      body = buildPackage0(
        {
          serverId: fields.serverId,
          uiMode: fields.uiMode ?? 'not-specified',
          initiator: 'server',
          sessionId: fields.sessionId ?? 1,
        },
        { password: srv.secret, nonce: srv.nonce ?? new Uint8Array(0) },
      );
    }
    const r = await this.device.receiveNotification(body, {
      consent: step.consent ?? 'yes',
      faults: this.faults(step),
    });
    if (r.session) this.lastSession = r.session;
    const detail = checkNotificationResult(failures, step.expect, r);
    if (r.connected) this.unusedAnswers(failures);
    return { detail };
  }

  private async connect(step: ConnectStep, failures: FailedCheck[]) {
    const faults = this.faults(step);
    const r = await this.device.connect(step.serverId, { faults });
    this.lastSession = r;
    checkSession(failures, { outcome: 'completed', ...step.expect }, r);
    this.unusedAnswers(failures);
    const f = faults.length > 0 ? ` Faults: ${faults.map(formatFault).join(', ')}.` : '';
    return { detail: `${sessionDetail(r)}${f}` };
  }

  private answer(step: AnswerStep) {
    const operator = step.answers.filter((a) => typeof a === 'object' && 'operatorChange' in a);
    if (
      operator.length > 0 &&
      !this.device.capabilities.operatorChangeQuestion &&
      operator.length === step.answers.length
    )
      return {
        detail:
          'This handset does not ask before operator changes (a browser preference); nothing to answer.',
        skipped: true,
      };
    this.device.queueAnswers(step.answers);
    return { detail: `Queued: ${step.answers.map(describeAnswer).join(', ')}.` };
  }

  private async userChange(step: UserChangeStep, failures: FailedCheck[]) {
    const op = step.op ?? 'replace';
    const r = await this.device.userChange(
      op === 'delete'
        ? { op, uri: step.uri }
        : { op, uri: step.uri, ...(step.value !== undefined ? { value: step.value } : {}) },
    );
    const result =
      r.status === 200
        ? 'ok'
        : isLockedRefusal(this.device, step.uri, r.reason)
          ? 'refused-locked'
          : 'refused';
    const wanted = step.expect?.result ?? 'ok';
    const accepted = wanted === 'refused' ? result !== 'ok' : result === wanted;
    if (!accepted)
      failures.push({
        what: `change of ${step.uri}`,
        expected: wanted,
        actual: `${result} (${r.status}${r.reason ? `: ${r.reason}` : ''})`,
      });
    check(failures, `status of the change of ${step.uri}`, step.expect?.status, r.status);
    return {
      detail:
        r.status === 200
          ? `The handset accepted the change.`
          : `The handset refused the change (${r.status}): ${r.reason ?? ''}`,
    };
  }

  private async push(step: PushStep, failures: FailedCheck[]) {
    this.needServer('a push step');
    const timeout = step.timeoutMs ?? DEFAULT_PUSH_TIMEOUT_MS;
    const push = await this.device.nextPush(timeout);
    if (!push) throw new StepError(`no push arrived within ${timeout} ms`);
    if (step.kind !== undefined && push.kind !== step.kind)
      failures.push({ what: 'push kind', expected: step.kind, actual: `${push.kind} ("${push.title}")` });
    if (push.kind === 'package0') {
      let body: Uint8Array;
      try {
        body = parsePush(push.bytes).body;
      } catch (error) {
        throw new StepError(`the pushed notification cannot be read: ${(error as Error).message}`);
      }
      const r = await this.device.receiveNotification(body, {
        consent: step.consent ?? 'yes',
        faults: this.faults(step),
      });
      if (r.session) this.lastSession = r.session;
      const detail = checkNotificationResult(failures, step.expect, r);
      if (r.connected) this.unusedAnswers(failures);
      return { detail: `Push "${push.title}" (package 0). ${detail}` };
    }
    const decision = step.decision ?? 'accept';
    const record = await this.device.receiveCp(push.bytes, {
      ...(step.pin !== undefined ? { pin: step.pin } : {}),
      decision,
      acceptUnsigned: true,
      source: 'push',
    });
    const expect: CpExpect = {};
    if (step.expect?.result !== undefined) expect.result = step.expect.result;
    if (step.expect?.code !== undefined) expect.code = step.expect.code;
    return { detail: `Push "${push.title}" (${push.kind}). ${checkCp(failures, expect, record, decision)}` };
  }

  private async scenario(step: ScenarioStep) {
    this.needServer('a scenario step');
    const options: { notify?: ScenarioStep['notify']; pin?: string; vars?: Record<string, string> } = {};
    if (step.notify !== undefined) options.notify = step.notify;
    if (step.pin !== undefined) options.pin = step.pin;
    if (step.vars !== undefined) options.vars = step.vars;
    try {
      await this.device.startScenario(step.name, options);
    } catch (error) {
      throw new StepError(`the server did not start scenario "${step.name}": ${(error as Error).message}`);
    }
    return { detail: `Scenario "${step.name}" is queued for this handset.` };
  }

  private assert(step: AssertStep, failures: FailedCheck[]) {
    for (const t of step.tree ?? []) checkTree(failures, this.device, t);
    if (step.session) checkSession(failures, step.session, this.lastSession);
    const n = (step.tree?.length ?? 0) + (step.session ? 1 : 0);
    return {
      detail:
        failures.length === 0
          ? `All ${n} check${n === 1 ? '' : 's'} hold.`
          : `${failures.length} check${failures.length === 1 ? '' : 's'} failed.`,
    };
  }
}

/** Runs every step and returns the report. */
export async function runFlow(flow: Flow, device: FlowDevice, options: FlowRunOptions): Promise<FlowReport> {
  const startedAt = options.now();
  const run = new FlowRun(flow, device, options);
  while (!run.done) await run.next();
  const report: FlowReport = {
    flow: flow.name,
    passed:
      run.reports.length === flow.steps.length &&
      run.reports.every((s) => s.outcome === 'passed' || s.outcome === 'skipped'),
    steps: run.reports,
    stepCount: flow.steps.length,
    startedAt,
    durationMs: options.now() - startedAt,
  };
  if (flow.title !== undefined) report.title = flow.title;
  return report;
}

/** The report as text for a terminal: one line per step, each failed check below it. */
export function formatFlowReport(report: FlowReport): string {
  const mark = { passed: 'PASS', failed: 'FAIL', skipped: 'SKIP', error: 'ERROR' } as const;
  const lines = [`Flow ${report.flow}${report.title ? `: ${report.title}` : ''}`];
  for (const s of report.steps) {
    lines.push(`${mark[s.outcome].padEnd(5)} ${String(s.index + 1).padStart(2)}. [${s.type}] ${s.narration}`);
    lines.push(`         ${s.detail}`);
    for (const f of s.failures) lines.push(`         x ${f.what}: expected ${f.expected}, got ${f.actual}`);
  }
  const failed = report.steps.filter((s) => s.outcome === 'failed' || s.outcome === 'error').length;
  const notRun = report.stepCount - report.steps.length;
  lines.push(
    report.passed
      ? `All ${report.steps.length} steps passed (${report.durationMs} ms).`
      : `${failed} of ${report.steps.length} steps failed${notRun > 0 ? `, ${notRun} not run` : ''} (${report.durationMs} ms).`,
  );
  return `${lines.join('\n')}\n`;
}
