/**
 * The scenario engine: a sans-I/O state machine that says which management commands to send
 * next and takes back their statuses and results (decision 0071, docs/scenarios.md).
 *
 * - Top-level steps of the current scenario session are sent together, in order, until a step
 *   must wait: its `when` names a step whose status is not in yet, a `${step.data}` reference
 *   is not resolved yet, or it asks for `newPackage`. The server may not send new commands
 *   before it has the statuses of the previous ones anyway (oma-dm.md §3.1).
 * - A step whose `when` is false is skipped (recorded, never sent).
 * - A status outside `expect` fails the step; with `onUnexpected: "stop"` (the default) no
 *   further steps are sent and the scenario ends as failed.
 * - Several scenario sessions run one after the other, each in its own DM session with its own
 *   authority (ServerID), optionally started by a package 0.
 */
import type { Command, Item } from '../syncml/message.ts';
import { alertCommand } from '../syncml/build.ts';
import type { Scenario, ScenarioSession, Step, StepCondition, StepItem } from './scenario.ts';

export interface StepOutcome {
  status?: number;
  /** Text of the first Results item (Get) or of the first Status item (UI alert answers). */
  data?: string;
  /** All Results / Status items. */
  items?: Item[];
  skipped?: 'condition' | 'stopped' | 'not-sent';
  /** The status is not in the step's `expect`. */
  unexpected?: boolean;
  /** Why the server could not send it (too large for MaxObjSize, ...). */
  note?: string;
}

/** A command to send, with the scenario key of each command in it (Atomic / Sequence members too). */
export interface PlannedCommand {
  key: string;
  step: Step;
  /** CmdID is left empty; the session numbers the commands of each message. */
  command: Command;
  members: PlannedCommand[];
}

export type RunState = 'pending' | 'running' | 'passed' | 'failed';

export interface RunLogEntry {
  key: string;
  session: number;
  title: string;
  command: string;
  targets: string[];
  status?: number;
  expected: number[];
  ok: boolean;
  skipped?: string;
  data?: string;
  note?: string;
}

export interface RunContext {
  devId: string;
  serverId: string;
  sessionId: string;
  serverUri: string;
}

/** JSON-safe snapshot, stored with the device so a scenario survives a server restart. */
export interface RunSnapshot {
  scenario: Scenario;
  vars: Record<string, string>;
  sessionIndex: number;
  state: RunState;
  reason?: string;
  log: RunLogEntry[];
  /** Outcomes by step id, from earlier sessions (references across sessions). */
  byId: Record<string, StepOutcome>;
}

function describe(step: Step): string {
  if (step.title) return step.title;
  if (step.command === 'Alert') return `Alert ${step.alert ?? ''}: ${step.text ?? ''}`;
  if (step.command === 'Atomic' || step.command === 'Sequence')
    return `${step.command} of ${step.commands.length}`;
  return `${step.command} ${step.items.map((i) => i.target ?? '').join(', ')}`;
}

function generated(data: StepItem['data']): string | undefined {
  if (data === undefined || typeof data === 'string') return data;
  let out = '';
  while (out.length < data.length) out += data.repeat;
  return out.slice(0, data.length);
}

export class ScenarioRun {
  readonly scenario: Scenario;
  readonly vars: Record<string, string>;
  sessionIndex: number;
  state: RunState;
  reason?: string;
  readonly log: RunLogEntry[];
  private readonly byId = new Map<string, StepOutcome>();
  private readonly outcomes = new Map<string, StepOutcome>();
  private readonly keySteps = new Map<string, Step>();
  private readonly outstanding = new Set<string>();
  private cursor = 0;
  private stopped = false;
  private ctx: RunContext | undefined;

  constructor(scenario: Scenario, vars: Record<string, string> = {}) {
    this.scenario = scenario;
    this.vars = { ...scenario.vars, ...vars };
    this.sessionIndex = 0;
    this.state = 'pending';
    this.log = [];
  }

  static fromSnapshot(s: RunSnapshot): ScenarioRun {
    const run = new ScenarioRun(s.scenario, s.vars);
    run.sessionIndex = s.sessionIndex;
    run.state = s.state;
    if (s.reason !== undefined) run.reason = s.reason;
    run.log.push(...s.log);
    for (const [id, o] of Object.entries(s.byId)) run.byId.set(id, o);
    return run;
  }

  snapshot(): RunSnapshot {
    const snap: RunSnapshot = {
      scenario: this.scenario,
      vars: this.vars,
      sessionIndex: this.sessionIndex,
      state: this.state,
      log: this.log,
      byId: Object.fromEntries(this.byId),
    };
    if (this.reason !== undefined) snap.reason = this.reason;
    return snap;
  }

  get finished(): boolean {
    return this.state === 'passed' || this.state === 'failed';
  }

  current(): ScenarioSession | undefined {
    return this.scenario.sessions[this.sessionIndex];
  }

  /** The ServerID that must run the current scenario session. */
  authorityFor(defaultServerId: string): string {
    return this.current()?.authority ?? this.scenario.authority ?? defaultServerId;
  }

  /** Start the current scenario session inside a DM session. */
  begin(ctx: RunContext): void {
    this.ctx = ctx;
    this.cursor = 0;
    this.stopped = false;
    this.outstanding.clear();
    this.outcomes.clear();
    this.keySteps.clear();
    this.state = 'running';
  }

  get active(): boolean {
    return this.ctx !== undefined;
  }

  private resolve(text: string): { value: string; waiting: boolean } {
    let waiting = false;
    const value = text.replace(/\$\{([^}]*)\}/g, (_m, raw: string) => {
      const ref = raw.trim();
      const ctx = this.ctx;
      if (ref === 'devId') return ctx?.devId ?? '';
      if (ref === 'serverId') return ctx?.serverId ?? '';
      if (ref === 'sessionId') return ctx?.sessionId ?? '';
      if (ref === 'serverUri') return ctx?.serverUri ?? '';
      if (ref.startsWith('vars.')) return this.vars[ref.slice(5)] ?? '';
      const dot = ref.lastIndexOf('.');
      const outcome = this.byId.get(ref.slice(0, dot));
      if (!outcome) {
        waiting = true;
        return '';
      }
      return ref.slice(dot + 1) === 'status' ? String(outcome.status ?? '') : (outcome.data ?? '');
    });
    return { value, waiting };
  }

  private texts(step: Step): string[] {
    const out: string[] = [];
    if (step.text !== undefined) out.push(step.text);
    for (const item of step.items) {
      if (item.target !== undefined) out.push(item.target);
      if (item.source !== undefined) out.push(item.source);
      if (typeof item.data === 'string') out.push(item.data);
    }
    for (const member of step.commands) out.push(...this.texts(member));
    return out;
  }

  private ready(step: Step): boolean {
    return this.texts(step).every((t) => !this.resolve(t).waiting);
  }

  private condition(cond: StepCondition): boolean {
    const o = this.byId.get(cond.step);
    const status = o?.status;
    const data = o?.data ?? '';
    if (cond.status && (status === undefined || !cond.status.includes(status))) return false;
    if (cond.statusNot && status !== undefined && cond.statusNot.includes(status)) return false;
    if (cond.data !== undefined && data !== this.resolve(cond.data).value) return false;
    if (cond.dataNot !== undefined && data === this.resolve(cond.dataNot).value) return false;
    return true;
  }

  private build(step: Step, key: string): PlannedCommand {
    this.keySteps.set(key, step);
    if (step.command === 'Alert') {
      const items: Item[] = [{ Data: step.options ?? '' }, { Data: this.resolve(step.text ?? '').value }];
      for (const choice of step.choices) items.push({ Data: this.resolve(choice).value });
      return { key, step, command: alertCommand('', step.alert ?? 1100, items), members: [] };
    }
    if (step.command === 'Atomic' || step.command === 'Sequence') {
      const members = step.commands.map((m, i) => this.build(m, `${key}.${i}`));
      return {
        key,
        step,
        command: { kind: step.command, CmdID: '', commands: members.map((m) => m.command) },
        members,
      };
    }
    const items: Item[] = step.items.map((si) => {
      const item: Item = {};
      if (si.target !== undefined) item.Target = { LocURI: this.resolve(si.target).value };
      if (si.source !== undefined) item.Source = { LocURI: this.resolve(si.source).value };
      const format = si.format ?? (step.command === 'Add' && si.data === undefined ? 'node' : undefined);
      if (format !== undefined || si.type !== undefined) {
        item.Meta = {};
        if (format !== undefined) item.Meta.Format = format;
        if (si.type !== undefined) item.Meta.Type = si.type;
      }
      const data = generated(si.data);
      if (data !== undefined) item.Data = this.resolve(data).value;
      return item;
    });
    return { key, step, command: { kind: step.command, CmdID: '', Items: items }, members: [] };
  }

  private markKeys(p: PlannedCommand): void {
    this.outstanding.add(p.key);
    for (const m of p.members) this.markKeys(m);
  }

  /** The commands to send now; empty when waiting for statuses or when the session's steps are done. */
  nextBatch(): PlannedCommand[] {
    const session = this.current();
    if (!session || !this.ctx || this.stopped) return [];
    const batch: PlannedCommand[] = [];
    while (this.cursor < session.steps.length) {
      const step = session.steps[this.cursor] as Step;
      const key = `${this.sessionIndex}.${this.cursor}`;
      const busy = this.outstanding.size > 0 || batch.length > 0;
      if (step.newPackage && busy) break;
      if (step.when) {
        if (!this.byId.has(step.when.step)) {
          if (busy) break;
        } else if (!this.condition(step.when)) {
          this.finish(key, step, { skipped: 'condition' });
          this.cursor++;
          continue;
        }
        if (!this.byId.has(step.when.step)) {
          // The step it depends on was never run (e.g. skipped by an earlier stop).
          this.finish(key, step, { skipped: 'condition' });
          this.cursor++;
          continue;
        }
      }
      if (!this.ready(step)) {
        if (busy) break;
        this.finish(key, step, { skipped: 'condition', note: 'a referenced step has no outcome' });
        this.cursor++;
        continue;
      }
      const planned = this.build(step, key);
      this.markKeys(planned);
      batch.push(planned);
      this.cursor++;
    }
    return batch;
  }

  /** True when a key belongs to a command this run sent and has no outcome for yet. */
  isOutstanding(key: string): boolean {
    return this.outstanding.has(key);
  }

  private finish(key: string, step: Step, outcome: StepOutcome): void {
    if (outcome.status !== undefined && !step.expect.includes(outcome.status)) outcome.unexpected = true;
    this.outcomes.set(key, outcome);
    this.outstanding.delete(key);
    if (step.id !== undefined) this.byId.set(step.id, outcome);
    const entry: RunLogEntry = {
      key,
      session: this.sessionIndex,
      title: describe(step),
      command: step.command === 'Alert' ? `Alert ${step.alert ?? ''}` : step.command,
      targets: step.items.map((i) => this.resolve(i.target ?? '').value).filter((t) => t !== ''),
      expected: step.expect,
      ok: outcome.skipped !== undefined || !outcome.unexpected,
    };
    if (outcome.status !== undefined) entry.status = outcome.status;
    if (outcome.skipped !== undefined) entry.skipped = outcome.skipped;
    if (outcome.data !== undefined && outcome.data !== '') entry.data = outcome.data;
    if (outcome.note !== undefined) entry.note = outcome.note;
    this.log.push(entry);
    if (outcome.unexpected && step.onUnexpected === 'stop' && !this.stopped) {
      this.stopped = true;
      this.state = 'failed';
      this.reason = `${entry.title}: status ${outcome.status ?? '?'}, expected ${step.expect.join(' or ')}`;
    }
  }

  /** The outcome of one sent command (by key). */
  record(key: string, outcome: StepOutcome): void {
    const step = this.keySteps.get(key);
    if (!step || !this.outstanding.has(key)) return;
    this.finish(key, step, outcome);
  }

  /** Every key still waiting for a status. */
  pendingKeys(): string[] {
    return [...this.outstanding];
  }

  /**
   * The DM session ended. Commands without a status are recorded as not answered; when the
   * scenario session's steps all ran, the run moves on to the next scenario session (or ends).
   */
  end(reason?: string): void {
    if (!this.ctx) return;
    const session = this.current();
    const incomplete =
      this.outstanding.size > 0 ||
      (session !== undefined && this.cursor < session.steps.length && !this.stopped);
    for (const key of [...this.outstanding]) {
      const step = this.keySteps.get(key);
      if (step)
        this.finish(key, step, { skipped: 'not-sent', note: reason ?? 'the session ended without a status' });
    }
    this.ctx = undefined;
    if (this.state === 'failed') return;
    if (incomplete) {
      this.state = 'failed';
      this.reason = reason ?? 'the DM session ended before every step ran';
      return;
    }
    this.sessionIndex += 1;
    if (this.sessionIndex >= this.scenario.sessions.length) this.state = 'passed';
    else this.state = 'pending';
  }
}
