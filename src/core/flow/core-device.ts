/**
 * A FlowDevice made only of core parts (decision 0126): the management tree, the CP pipeline,
 * the DM session engine and a prompter that plays the flow's queued answers. What it needs
 * from outside comes in as ports: the HTTP transport, a `sleep` for delay faults, and an
 * optional `FlowServer` (the reference server's API and push channel). The CLI wires Node
 * implementations; a browser can wire fetch ones.
 */
import { applyPlan, planProvisioning, receivePayload, rejectProvisioning } from '../cp/provision.ts';
import type { InboxRecord } from '../cp/inbox.ts';
import type { DeviceIdentity } from '../device/identity.ts';
import { defaultAnswer, type UserAnswer, type UserInteraction } from '../dm/alerts.ts';
import { createExecRegistry, type ExecRegistry } from '../dm/exec-registry.ts';
import { hasStatusFaults, withTransportFaults, type FaultPlan } from '../dm/faults.ts';
import type { UiMode } from '../dm/package0.ts';
import { describeChange, type ServerChange } from '../dm/server-change.ts';
import {
  checkNotification,
  createSession,
  runSession,
  SessionSetupError,
  type SessionTrace,
} from '../dm/session.ts';
import { OtaError } from '../errors.ts';
import type { Clock, HttpTransport, Prompter, Random } from '../ports.ts';
import { createFactoryTree } from '../tree/factory.ts';
import type { ManagementTree } from '../tree/tree.ts';
import { LOCAL_USER, type TreeOp, type TreeResult } from '../tree/types.ts';
import type {
  CpReceiveOptions,
  FlowDevice,
  FlowNotificationResult,
  FlowPush,
  FlowSessionResult,
  PromptRecord,
} from './port.ts';
import type { AnswerSpec } from './types.ts';

/** The reference DM server as a flow sees it. */
export interface FlowServer {
  startScenario(
    devId: string,
    name: string,
    options: { notify?: UiMode; pin?: string; vars?: Record<string, string> },
  ): Promise<void>;
  /** The next push for the device, waiting up to `timeoutMs`; undefined when none came. */
  nextPush(devId: string, timeoutMs: number): Promise<FlowPush | undefined>;
}

export interface CoreFlowDeviceOptions {
  tree: ManagementTree;
  identity: DeviceIdentity;
  clock: Clock;
  random: Random;
  transport: HttpTransport;
  sleep: (ms: number) => Promise<void>;
  server?: FlowServer;
  /** Overrides every account's server address (the CLI's --server for DM sessions). */
  serverUrl?: string;
  exec?: ExecRegistry;
  /** Ids for inbox records; default `flow-<n>`. */
  nextId?: () => string;
}

export function describeAnswer(a: AnswerSpec): string {
  if (typeof a === 'string') return a;
  if ('text' in a) return `text "${a.text}"`;
  if ('choice' in a) return `choice ${a.choice.join(',')}`;
  return `operator change: ${a.operatorChange}`;
}

/** The flow's answer as the session's answer for `request`, or a reason it does not fit. */
export function toUserAnswer(request: UserInteraction, a: AnswerSpec): UserAnswer | string {
  if (a === 'cancel') return { kind: 'cancel' };
  if (a === 'timeout') return { kind: 'timeout' };
  switch (request.kind) {
    case 'display':
      return a === 'ok' || a === 'yes'
        ? { kind: 'ok' }
        : `a message (1100) is answered ok, got ${describeAnswer(a)}`;
    case 'confirm':
      if (a === 'yes' || a === 'ok') return { kind: 'yes' };
      if (a === 'no') return { kind: 'no' };
      return `a yes/no question (1101) is answered yes or no, got ${describeAnswer(a)}`;
    case 'text-input':
      return typeof a === 'object' && 'text' in a
        ? { kind: 'text', text: a.text }
        : `a text question (1102) is answered with text, got ${describeAnswer(a)}`;
    case 'single-choice':
    case 'multiple-choice':
      if (typeof a === 'object' && 'choice' in a) {
        if (a.choice.some((n) => n > request.choices.length))
          return `choice ${a.choice.join(',')} is out of range 1-${request.choices.length}`;
        if (request.kind === 'single-choice' && a.choice.length !== 1)
          return 'a single-choice question (1103) takes exactly one choice';
        return { kind: 'choice', indices: a.choice };
      }
      return `a choice question (${request.alertCode}) is answered with choice numbers, got ${describeAnswer(a)}`;
  }
}

function isOperatorChange(a: AnswerSpec): a is { operatorChange: 'allow' | 'refuse' } {
  return typeof a === 'object' && 'operatorChange' in a;
}

export class CoreFlowDevice implements FlowDevice {
  readonly capabilities: FlowDevice['capabilities'];
  private readonly answers: AnswerSpec[] = [];
  private readonly options: CoreFlowDeviceOptions;
  private counter = 0;

  constructor(options: CoreFlowDeviceOptions) {
    this.options = options;
    this.capabilities = { server: options.server !== undefined, operatorChangeQuestion: true };
  }

  get devId(): string {
    return this.options.tree.record('./DevInfo/DevId')?.value ?? `IMEI:${this.options.identity.imei}`;
  }

  tree(): ManagementTree {
    return this.options.tree;
  }

  private id(): string {
    return this.options.nextId?.() ?? `flow-${++this.counter}`;
  }

  async receiveCp(bytes: Uint8Array, options: CpReceiveOptions): Promise<InboxRecord> {
    const { tree, clock, identity } = this.options;
    let record = receivePayload(bytes, {
      id: this.id(),
      receivedAt: clock.now(),
      source: options.source,
      imsi: identity.imsi,
      ...(options.pin !== undefined ? { pin: options.pin } : {}),
    });
    if (record.status !== 'received') return record;
    record = planProvisioning(record, tree);
    if (record.status !== 'awaiting-consent') return record;
    if (options.decision === 'reject') return rejectProvisioning(record, { at: clock.now() });
    return applyPlan(record, tree, { at: clock.now(), acceptUnsigned: options.acceptUnsigned });
  }

  private prompter(log: PromptRecord[]): Prompter {
    return {
      ask: async (request) => {
        // Operator-change answers stay queued for the "Allow this change?" question.
        const at = this.answers.findIndex((a) => !isOperatorChange(a));
        const next = at < 0 ? undefined : this.answers.splice(at, 1)[0];
        if (next === undefined) {
          const fallback = defaultAnswer(request);
          log.push({ request, answered: fallback ? `default (${fallback.kind})` : 'timeout' });
          return fallback ?? { kind: 'timeout' };
        }
        const answer = toUserAnswer(request, next);
        if (typeof answer === 'string') {
          log.push({ request, answered: describeAnswer(next), problem: answer });
          return { kind: 'timeout' };
        }
        log.push({ request, answered: describeAnswer(next) });
        return answer;
      },
    };
  }

  private async session(
    serverId: string,
    faults: FaultPlan,
    notification?: Extract<ReturnType<typeof checkNotification>, { ok: true }>,
  ): Promise<FlowSessionResult> {
    const { tree, clock, random, identity } = this.options;
    const prompts: PromptRecord[] = [];
    const operatorChanges: { change: string; allowed: boolean }[] = [];
    // The handset asks before operator changes only when the flow says how the user answers.
    const confirmServerChange = this.answers.some(isOperatorChange)
      ? async (change: ServerChange): Promise<boolean> => {
          const at = this.answers.findIndex(isOperatorChange);
          const answer = at < 0 ? undefined : this.answers.splice(at, 1)[0];
          const allowed =
            answer === undefined || (isOperatorChange(answer) && answer.operatorChange === 'allow');
          operatorChanges.push({ change: describeChange(change), allowed });
          return allowed;
        }
      : undefined;
    let session;
    try {
      session = createSession({
        tree,
        serverId,
        clock,
        random,
        prompter: this.prompter(prompts),
        exec:
          this.options.exec ??
          createExecRegistry({
            factoryReset: async () => {
              await tree.resetTo(createFactoryTree(identity, clock.now()));
            },
          }),
        ...(notification ? { notification } : {}),
        ...(this.options.serverUrl !== undefined ? { serverUrl: this.options.serverUrl } : {}),
        ...(hasStatusFaults(faults) ? { faults } : {}),
        ...(confirmServerChange ? { confirmServerChange } : {}),
      });
    } catch (error) {
      if (!(error instanceof SessionSetupError)) throw error;
      const trace: SessionTrace = {
        version: 1,
        SessionID: '',
        serverId,
        accountUri: '',
        serverUrl: '',
        initiator: notification ? 'server' : 'client',
        encoding: 'wbxml',
        started: clock.now(),
        ended: clock.now(),
        outcome: 'failed',
        reason: error.message,
        error: error.toJSON(),
        messages: [],
        commands: [],
        events: [],
      };
      return { trace, prompts, operatorChanges };
    }
    const transport = faults.some((f) => f.kind !== 'status')
      ? withTransportFaults(this.options.transport, faults, this.options.sleep)
      : this.options.transport;
    const trace = await runSession(session, transport);
    return { trace, prompts, operatorChanges };
  }

  connect(serverId: string, options: { faults: FaultPlan }): Promise<FlowSessionResult> {
    return this.session(serverId, options.faults);
  }

  async receiveNotification(
    body: Uint8Array,
    options: { consent: 'yes' | 'no'; faults: FaultPlan },
  ): Promise<FlowNotificationResult> {
    const check = checkNotification(this.options.tree, body);
    if (!check.ok) return { check, connected: false };
    if (check.consent === 'ask-user' && options.consent === 'no') return { check, connected: false };
    const session = await this.session(check.account.serverId, options.faults, check);
    return { check, connected: true, session };
  }

  queueAnswers(answers: readonly AnswerSpec[]): void {
    this.answers.push(...answers);
  }

  pendingAnswers(): AnswerSpec[] {
    return [...this.answers];
  }

  userChange(op: TreeOp): Promise<TreeResult> {
    const { tree } = this.options;
    const origin = 'the user, in Settings';
    switch (op.op) {
      case 'replace':
        return tree.replace(LOCAL_USER, op.uri, op.value === undefined ? {} : { value: op.value }, {
          origin,
        });
      case 'add':
        return tree.add(LOCAL_USER, op.uri, op.value === undefined ? {} : { value: op.value }, { origin });
      case 'delete':
        return tree.delete(LOCAL_USER, op.uri, { origin });
      case 'copy':
        return tree.copy(LOCAL_USER, op.uri, op.source, { origin });
    }
  }

  async nextPush(timeoutMs: number): Promise<FlowPush | undefined> {
    if (!this.options.server) return undefined;
    return this.options.server.nextPush(this.devId, timeoutMs);
  }

  async startScenario(
    name: string,
    options: { notify?: UiMode; pin?: string; vars?: Record<string, string> },
  ): Promise<void> {
    if (!this.options.server)
      throw new OtaError('flow-no-server', 'this step needs a reference DM server (--server URL)');
    await this.options.server.startScenario(this.devId, name, options);
  }
}
