/**
 * The flow port (core/flow/port.ts) over the handset's states (decision 0150), so a flow file
 * runs in the browser the way the user would live it: CP messages go through the provisioning
 * inbox (the phone shows the PIN question and the preview), sessions through SessionsState
 * (live trace, stored traces), the prompts appear on the phone and are answered there, user
 * changes go through Settings as the local user, assertions read the device's tree.
 *
 * Two ways to answer what the phone asks:
 * - scripted (default): the device answers each dialog with the flow's queued answer, the PIN
 *   and the Accept/Reject of the step, after a short pause so the audience sees the dialog;
 * - presenter: the phone waits for the presenter to answer; the flow checks what they did.
 */
import type { InboxRecord } from '../core/cp/inbox.ts';
import { defaultAnswer, type UserAnswer } from '../core/dm/alerts.ts';
import { devId as identityDevId } from '../core/device/identity.ts';
import type { FaultPlan } from '../core/dm/faults.ts';
import type { UiMode } from '../core/dm/package0.ts';
import type { SessionTrace } from '../core/dm/trace.ts';
import { describeAnswer, toUserAnswer } from '../core/flow/core-device.ts';
import type {
  CpReceiveOptions,
  FlowDevice,
  FlowNotificationResult,
  FlowPush,
  FlowSessionResult,
  PromptRecord,
} from '../core/flow/port.ts';
import type { AnswerSpec } from '../core/flow/types.ts';
import { OtaError } from '../core/errors.ts';
import type { ManagementTree } from '../core/tree/tree.ts';
import type { TreeOp, TreeResult } from '../core/tree/types.ts';
import { BrowserFlowServer } from '../adapters/browser-flow-server.ts';
import type { AppState } from './app.svelte.ts';
import type { PendingPrompt } from './prompts.svelte.ts';
import { isOperatorChangeQuestion } from './operator-change-prompt.ts';

export interface BrowserFlowOptions {
  /** Wait for the presenter to answer on the phone instead of answering for them. */
  presenter: boolean;
  /** Pause before a scripted answer, so the dialog is seen. */
  answerDelayMs?: number;
}

export class FlowStoppedError extends OtaError {
  constructor() {
    super('flow-stopped', 'the flow was stopped');
  }
}

function isOperatorChange(a: AnswerSpec): a is { operatorChange: 'allow' | 'refuse' } {
  return typeof a === 'object' && 'operatorChange' in a;
}

function describeUserAnswer(a: unknown): string {
  const u = a as UserAnswer;
  if (u.kind === 'text') return `text "${u.text}"`;
  if (u.kind === 'choice') return `choice ${u.indices.join(',')}`;
  return u.kind;
}

export class BrowserFlowDevice implements FlowDevice {
  readonly capabilities: FlowDevice['capabilities'];
  readonly #app: AppState;
  readonly #options: BrowserFlowOptions;
  readonly #server: BrowserFlowServer | null;
  #answers: AnswerSpec[] = [];
  #prompts: PromptRecord[] = [];
  #operatorChanges: { change: string; allowed: boolean }[] = [];
  /** The answer to "Connect to server?" while a notification is being delivered. */
  #consent: 'yes' | 'no' | null = null;
  /** What the device answered per prompt id, for the log. */
  readonly #given = new Map<number, { answered: string; problem?: string }>();
  #stopped = false;
  #stopWaits: (() => void)[] = [];
  #unlisten: (() => void) | null = null;
  #pushWasOn = false;

  constructor(app: AppState, options: BrowserFlowOptions) {
    this.#app = app;
    this.#options = options;
    const dmServer = app.otaConfig?.config.dmServer;
    this.#server = dmServer ? new BrowserFlowServer(dmServer) : null;
    this.capabilities = {
      server: this.#server !== null,
      operatorChangeQuestion: app.preferences.confirmOperatorChanges,
    };
  }

  get devId(): string {
    const identity = this.#app.device.identity;
    return this.tree().record('./DevInfo/DevId')?.value ?? (identity ? identityDevId(identity) : '');
  }

  /**
   * Takes over the phone for the run: listens to its dialogs, holds the automatic first session
   * after a bootstrap (the flow says when to connect), and reads pushes itself.
   */
  async start(): Promise<void> {
    const app = this.#app;
    this.#unlisten = app.prompts.listen({
      shown: (p) => this.#onShown(p),
      answered: (p, v) => this.#onAnswered(p, v),
    });
    app.sessions.holdAutoStart = true;
    if (this.#server) {
      await this.#server.open(this.devId);
      // The flow's push steps take the pushes; the phone's own channel would deliver them twice.
      this.#pushWasOn = app.push.status !== 'off' && app.push.status !== 'unavailable';
      if (this.#pushWasOn) app.push.disconnect();
    }
  }

  /** Gives the phone back: dialogs are the user's again, the push channel reopens. */
  dispose(): void {
    this.stop();
    this.#unlisten?.();
    this.#unlisten = null;
    const app = this.#app;
    app.sessions.holdAutoStart = false;
    this.#server?.close();
    const dmServer = app.otaConfig?.config.dmServer;
    const identity = app.device.identity;
    if (this.#pushWasOn && dmServer && identity)
      app.push.connect(dmServer, identityDevId(identity), identity.imsi);
  }

  /** Ends every wait for the presenter (Stop). */
  stop(): void {
    this.#stopped = true;
    const waits = this.#stopWaits;
    this.#stopWaits = [];
    for (const w of waits) w();
  }

  tree(): ManagementTree {
    const tree = this.#app.device.tree;
    if (!tree) throw new OtaError('flow-no-tree', 'the handset is not set up yet: finish the first run');
    return tree;
  }

  // ------------------------------------------------------------------ dialogs

  #delay(): Promise<void> {
    const ms = this.#options.answerDelayMs ?? 0;
    return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
  }

  #answerLater(prompt: PendingPrompt, value: unknown): void {
    void this.#delay().then(() => this.#app.prompts.answer(prompt, value as never));
  }

  #onShown(prompt: PendingPrompt): void {
    if (this.#options.presenter) return;
    if (prompt.source === 'dm') {
      const at = this.#answers.findIndex((a) => !isOperatorChange(a));
      const next = at < 0 ? undefined : this.#answers.splice(at, 1)[0];
      if (next === undefined) {
        const fallback = defaultAnswer(prompt.request);
        this.#given.set(prompt.id, { answered: fallback ? `default (${fallback.kind})` : 'timeout' });
        this.#answerLater(prompt, fallback ?? { kind: 'timeout' });
        return;
      }
      const answer = toUserAnswer(prompt.request, next);
      if (typeof answer === 'string') {
        this.#given.set(prompt.id, { answered: describeAnswer(next), problem: answer });
        this.#answerLater(prompt, { kind: 'timeout' });
      } else {
        this.#given.set(prompt.id, { answered: describeAnswer(next) });
        this.#answerLater(prompt, answer);
      }
    } else if (prompt.source === 'local' && isOperatorChangeQuestion(prompt.request)) {
      const at = this.#answers.findIndex(isOperatorChange);
      const answer = at < 0 ? undefined : this.#answers.splice(at, 1)[0];
      this.#answerLater(
        prompt,
        answer === undefined || (isOperatorChange(answer) && answer.operatorChange === 'allow'),
      );
    } else if (prompt.source === 'local' && this.#consent !== null) {
      this.#answerLater(prompt, this.#consent === 'yes');
    }
  }

  #onAnswered(prompt: PendingPrompt, value: unknown): void {
    if (prompt.source === 'dm') {
      const given = this.#given.get(prompt.id);
      this.#given.delete(prompt.id);
      this.#prompts.push({
        request: prompt.request,
        answered: given?.answered ?? `${describeUserAnswer(value)} (on the phone)`,
        ...(given?.problem !== undefined ? { problem: given.problem } : {}),
      });
    } else if (prompt.source === 'local' && isOperatorChangeQuestion(prompt.request)) {
      this.#operatorChanges.push({ change: prompt.request.body, allowed: value === true });
    }
  }

  queueAnswers(answers: readonly AnswerSpec[]): void {
    this.#answers.push(...answers);
  }

  pendingAnswers(): AnswerSpec[] {
    return [...this.#answers];
  }

  // ------------------------------------------------------------------ CP

  /** Resolves with the record after the user's next step on it (presenter mode). */
  #nextStepOn(id: string): Promise<InboxRecord> {
    const provisioning = this.#app.provisioning!;
    return new Promise((resolve, reject) => {
      if (this.#stopped) return reject(new FlowStoppedError());
      const done = (): void => {
        unlisten();
        this.#stopWaits = this.#stopWaits.filter((w) => w !== stop);
      };
      const stop = (): void => {
        done();
        reject(new FlowStoppedError());
      };
      const unlisten = provisioning.listen((e) => {
        if (e.record.id !== id || e.kind === 'received') return;
        done();
        resolve(e.record);
      });
      this.#stopWaits.push(stop);
    });
  }

  async receiveCp(bytes: Uint8Array, options: CpReceiveOptions): Promise<InboxRecord> {
    const provisioning = this.#app.provisioning;
    if (!provisioning)
      throw new OtaError('flow-no-tree', 'the handset is not set up yet: finish the first run');
    let record = await provisioning.receive(bytes, {
      source: options.source,
      sourceName: options.source === 'push' ? (this.#lastPushTitle ?? 'the DM server') : 'a scripted flow',
    });
    const presenter = this.#options.presenter;
    if (record.status === 'awaiting-pin') {
      if (presenter) record = await this.#nextStepOn(record.id);
      else if (options.pin !== undefined) {
        await this.#delay();
        record = (await provisioning.enterPin(record.id, options.pin)) ?? record;
      }
    }
    if (record.status === 'awaiting-consent') {
      if (presenter) record = await this.#nextStepOn(record.id);
      else {
        await this.#delay();
        const refuse =
          options.decision === 'reject' || (record.verdict === 'unsigned' && !options.acceptUnsigned);
        record = (await (refuse ? provisioning.reject(record.id) : provisioning.accept(record.id))) ?? record;
      }
    }
    // Left waiting (no or wrong PIN): the message stays in the inbox, the phone moves on. A
    // scripted run also closes the result ("Done"), or the next session's dialogs would wait
    // behind it (decision 0180); a presenter closes it on the phone.
    const waiting = record.status === 'awaiting-pin' || record.status === 'awaiting-consent';
    if ((waiting || !presenter) && provisioning.shownId === record.id) provisioning.postpone();
    return record;
  }

  // ------------------------------------------------------------------ DM

  #noFaults(faults: FaultPlan): void {
    if (faults.length > 0)
      throw new OtaError(
        'flow-faults-unsupported',
        'fault injection runs headlessly only: use `ota-handset flow run` for steps with faults',
      );
  }

  async #collect(
    run: () => Promise<string | null>,
    serverId: string,
    server: boolean,
  ): Promise<FlowSessionResult> {
    this.#prompts = [];
    this.#operatorChanges = [];
    const id = await run();
    const prompts = this.#prompts;
    const operatorChanges = this.#operatorChanges;
    const stored = id === null ? undefined : await this.#app.sessions.load(id);
    const trace: SessionTrace = stored ?? {
      version: 1,
      SessionID: '',
      serverId,
      accountUri: '',
      serverUrl: '',
      initiator: server ? 'server' : 'client',
      encoding: 'wbxml',
      started: Date.now(),
      ended: Date.now(),
      outcome: 'failed',
      reason: this.#app.sessions.lastError ?? 'the session did not start',
      messages: [],
      commands: [],
      events: [],
    };
    return { trace, prompts, operatorChanges };
  }

  async connect(serverId: string, options: { faults: FaultPlan }): Promise<FlowSessionResult> {
    this.#noFaults(options.faults);
    return this.#collect(() => this.#app.sessions.connect(serverId), serverId, false);
  }

  async receiveNotification(
    body: Uint8Array,
    options: { consent: 'yes' | 'no'; faults: FaultPlan },
  ): Promise<FlowNotificationResult> {
    this.#noFaults(options.faults);
    const sessions = this.#app.sessions;
    const check = sessions.inspectNotification(body);
    if (!check.ok) {
      await sessions.receiveNotification(body, 'pasted');
      return { check, connected: false };
    }
    let declined = false;
    this.#consent = options.consent;
    let session: FlowSessionResult;
    try {
      session = await this.#collect(
        async () => {
          const delivery = await sessions.receiveNotification(body, 'pasted');
          if (delivery.ok) {
            declined = delivery.action === 'declined-by-user';
            return delivery.traceId ?? null;
          }
          if (delivery.code === 'busy') throw new OtaError('flow-session-busy', delivery.message);
          return null;
        },
        check.account.serverId,
        true,
      );
    } finally {
      this.#consent = null;
    }
    return declined ? { check, connected: false } : { check, connected: true, session };
  }

  // ------------------------------------------------------------------ user, server

  userChange(op: TreeOp): Promise<TreeResult> {
    return this.#app.settings.userChange(op);
  }

  #lastPushTitle: string | undefined;

  async nextPush(timeoutMs: number): Promise<FlowPush | undefined> {
    if (!this.#server) return undefined;
    const push = await this.#server.nextPush(this.devId, timeoutMs);
    this.#lastPushTitle = push?.title;
    return push;
  }

  async startScenario(
    name: string,
    options: { notify?: UiMode; pin?: string; vars?: Record<string, string> },
  ): Promise<void> {
    if (!this.#server)
      throw new OtaError(
        'flow-no-server',
        'this step needs the reference DM server: open the app with `ota-handset serve` (npm start)',
      );
    await this.#server.startScenario(this.devId, name, options);
  }
}
