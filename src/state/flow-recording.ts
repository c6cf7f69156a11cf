/**
 * Turns what the tester does in the browser into flow steps (format `ota-handset-flow/1`,
 * decision 0152). Pure: the reactive recorder (flow-recorder.svelte.ts) feeds it the events the
 * handset's states emit; tests feed it the same events in Node.
 *
 * Every step is written so that the headless device (`ota-handset flow run`) does the same
 * thing when it replays the file: payloads are inlined as hex, a wrong PIN becomes its own CP
 * step that expects the refusal, prompt answers are queued before the session that asked them.
 */
import { decodeUtf8, toHex } from '../core/bytes/index.ts';
import type { InboxRecord } from '../core/cp/inbox.ts';
import { detectPayload } from '../core/cp/detect.ts';
import { reassemble } from '../core/cp/sms.ts';
import type { UserAnswer } from '../core/dm/alerts.ts';
import { parsePackage0 } from '../core/dm/package0.ts';
import type { SessionTrace } from '../core/dm/trace.ts';
import type { TreeOp } from '../core/tree/types.ts';
import type {
  AnswerSpec,
  AssertStep,
  CpStep,
  Flow,
  FlowStep,
  NotificationStep,
  TreeAssertion,
} from '../core/flow/types.ts';
import { FLOW_FORMAT } from '../core/flow/types.ts';
import { validateFlow, type FlowValidation } from '../core/flow/validate.ts';
import type { NotificationDelivery } from './sessions.svelte.ts';

const CHECK_CODES = ['malformed', 'unknown-server', 'no-server-credentials', 'digest-mismatch'] as const;

/** The bytes the headless device must receive to read the message the way the phone did. */
export function payloadHex(record: Pick<InboxRecord, 'raw' | 'rawIsText'>): string {
  if (!record.rawIsText) return toHex(record.raw);
  // Pasted text (hex, base64, XML, SMS segments one per line): the bytes it stands for.
  const text = decodeUtf8(record.raw);
  try {
    const best = detectPayload(text).candidates[0];
    if (best && best.bytes.length === 1) return toHex(best.bytes[0]!);
    if (best && best.bytes.length > 1) return toHex(reassemble(best.bytes).datagram);
  } catch {
    // Unreadable text: replay it as it was typed; the replay refuses it as the phone did.
  }
  return toHex(record.raw);
}

function answerSpec(answer: UserAnswer): AnswerSpec {
  switch (answer.kind) {
    case 'text':
      return { text: answer.text };
    case 'choice':
      return { choice: [...answer.indices] };
    default:
      return answer.kind;
  }
}

function wrongPinCode(record: InboxRecord): string {
  // Each replayed CP step is a fresh message, so the attempt limit never shows: the PIN's verdict does.
  const v = record.verdict === 'pin-attempts-exhausted' ? record.security?.outcome : record.verdict;
  return v ?? 'mac-mismatch';
}

interface PendingCp {
  step: CpStep;
  record: InboxRecord;
}

export class FlowRecording {
  readonly steps: FlowStep[] = [];
  /** Things done that the flow leaves out, in words. */
  readonly notes: string[] = [];
  // CP steps still waiting for the user's PIN or decision, by inbox record id.
  private readonly pending = new Map<string, PendingCp>();
  private answers: AnswerSpec[] = [];
  private serverSession: { trace: SessionTrace; answers: AnswerSpec[] } | undefined;

  cpReceived(record: InboxRecord): void {
    const step: CpStep = { type: 'cp', payload: { hex: payloadHex(record) } };
    if (record.sourceName !== undefined)
      step.title = `A provisioning message arrives (${record.source === 'push' ? 'pushed by' : 'from'} ${record.sourceName}).`;
    this.steps.push(step);
    this.settle(step, record);
  }

  cpPin(record: InboxRecord, pin: string): void {
    const p = this.pending.get(record.id);
    if (!p) return;
    p.step.pin = pin;
    if (record.status === 'awaiting-pin' || record.verdict === 'pin-attempts-exhausted') {
      // A wrong PIN: this step ends refused; a later attempt replays as a new message.
      p.step.expect = { result: 'refused', code: wrongPinCode(record) };
      this.pending.delete(record.id);
      if (record.status === 'awaiting-pin') {
        const again: CpStep = { type: 'cp', payload: p.step.payload };
        this.steps.push(again);
        this.pending.set(record.id, { step: again, record });
      }
      return;
    }
    this.settle(p.step, record);
  }

  cpDecided(record: InboxRecord, decision: 'accept' | 'reject'): void {
    const p = this.pending.get(record.id);
    if (!p) return;
    this.pending.delete(record.id);
    if (decision === 'reject') {
      p.step.decision = 'reject';
      // Rejected before typing the PIN: the headless device never gets past the PIN either.
      if (p.step.pin === undefined && p.record.status === 'awaiting-pin')
        p.step.expect = { result: 'refused', code: 'pin-required' };
      return;
    }
    if (record.status !== 'applied')
      p.step.expect = { result: 'refused', code: record.error?.code ?? record.status };
  }

  /** Records the state a message is in; terminal states get their expectation now. */
  private settle(step: CpStep, record: InboxRecord): void {
    if (record.status === 'awaiting-pin' || record.status === 'awaiting-consent') {
      this.pending.set(record.id, { step, record });
      return;
    }
    this.pending.delete(record.id);
    if (record.status === 'applied') return;
    step.expect = { result: 'refused', code: record.error?.code ?? record.verdict ?? record.status };
  }

  /** A DM user-interaction prompt the user answered (or that timed out). */
  promptAnswered(answer: UserAnswer): void {
    this.answers.push(answerSpec(answer));
  }

  /** The handset's "Allow this change?" question. */
  operatorChangeAnswered(allowed: boolean): void {
    this.answers.push({ operatorChange: allowed ? 'allow' : 'refuse' });
  }

  private takeAnswers(): void {
    if (this.answers.length === 0) return;
    this.steps.push({ type: 'answer', answers: this.answers });
    this.answers = [];
  }

  sessionFinished(trace: SessionTrace): void {
    if (trace.initiator === 'server') {
      // The notification event that follows says how it was delivered.
      this.serverSession = { trace, answers: this.answers };
      this.answers = [];
      return;
    }
    this.takeAnswers();
    const step: FlowStep = { type: 'connect', serverId: trace.serverId };
    if (trace.outcome !== 'completed') step.expect = { outcome: trace.outcome ?? 'failed' };
    this.steps.push(step);
  }

  notificationHandled(bytes: Uint8Array, delivery: NotificationDelivery): void {
    const session = this.serverSession;
    this.serverSession = undefined;
    if (!delivery.ok) {
      const code = (CHECK_CODES as readonly string[]).includes(delivery.code) ? delivery.code : undefined;
      if (code === undefined) {
        this.notes.push(`A notification was not acted on (${delivery.code}: ${delivery.message}); left out.`);
        return;
      }
      this.steps.push({
        type: 'notification',
        payload: { hex: toHex(bytes) },
        expect: { check: code as (typeof CHECK_CODES)[number], connected: false },
      });
      return;
    }
    let pkg;
    try {
      pkg = parsePackage0(bytes);
    } catch {
      this.notes.push('A notification could not be read again for the flow; left out.');
      return;
    }
    if (session && session.answers.length > 0) this.steps.push({ type: 'answer', answers: session.answers });
    // Built from the account's credentials at replay time: the server's nonce moves on every session.
    const step: NotificationStep = {
      type: 'notification',
      build: { serverId: pkg.serverId, uiMode: pkg.uiMode, sessionId: pkg.sessionId },
    };
    if (delivery.action === 'declined-by-user') {
      step.consent = 'no';
      step.expect = { connected: false };
    } else if (session?.trace.outcome !== undefined && session.trace.outcome !== 'completed') {
      step.expect = { outcome: session.trace.outcome };
    }
    this.steps.push(step);
  }

  /** A change the user made in Settings: each op as a step; a refused save as the refused op. */
  userChanged(ops: readonly TreeOp[], statuses: readonly number[]): void {
    // In a refused batch the others are 216 (rolled back) or 215 (not run): find the op that failed.
    const failing = statuses.findIndex((s) => s !== 200 && s !== 215 && s !== 216);
    const failed = failing >= 0 ? failing : statuses.findIndex((s) => s !== 200);
    const chosen =
      failed < 0 ? ops.map((op) => ({ op, status: 200 })) : [{ op: ops[failed]!, status: statuses[failed]! }];
    for (const { op, status } of chosen) {
      if (op.op === 'copy' || ('value' in op && op.value instanceof Uint8Array)) {
        this.notes.push(`A ${op.op} of ${op.uri} cannot be written in a flow; left out.`);
        continue;
      }
      const step: FlowStep = { type: 'user-change', uri: op.uri };
      if (op.op !== 'replace') step.op = op.op;
      if (op.op !== 'delete' && typeof op.value === 'string') step.value = op.value;
      if (status !== 200) step.expect = { result: 'refused', status };
      this.steps.push(step);
    }
  }

  /** Adds a tree check, to the assert step at the end if there is one. */
  addAssertion(assertion: TreeAssertion): void {
    const last = this.steps[this.steps.length - 1];
    if (last?.type === 'assert' && last.session === undefined) (last.tree ??= []).push(assertion);
    else this.steps.push({ type: 'assert', tree: [assertion] } satisfies AssertStep);
  }

  removeStep(index: number): void {
    const [removed] = this.steps.splice(index, 1);
    for (const [id, p] of this.pending) if (p.step === removed) this.pending.delete(id);
  }

  /**
   * The flow file, checked with the core validator. CP messages still waiting for a decision on
   * the phone are left out (the headless device would accept them), with a note.
   */
  toFlow(meta: { name: string; title?: string; description?: string }): FlowValidation & {
    notes: string[];
  } {
    const waiting = new Set<FlowStep>();
    const notes = [...this.notes];
    for (const p of this.pending.values()) {
      if (p.record.status === 'awaiting-consent' || p.step.pin !== undefined) {
        waiting.add(p.step);
        notes.push('A provisioning message still waiting for Accept or Reject on the phone is left out.');
      } else p.step.expect = { result: 'refused', code: 'pin-required' };
    }
    const flow: Flow = {
      format: FLOW_FORMAT,
      name: meta.name,
      ...(meta.title ? { title: meta.title } : {}),
      ...(meta.description ? { description: meta.description } : {}),
      steps: structuredClone(this.steps.filter((s) => !waiting.has(s))),
    };
    // A still-pending step got a provisional expectation above; keep the live one unchanged.
    for (const p of this.pending.values()) if (!waiting.has(p.step)) delete p.step.expect;
    return { ...validateFlow(flow), notes };
  }
}
