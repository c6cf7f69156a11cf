/**
 * Checks a parsed JSON value against the flow format (types.ts, docs/flow.schema.json) and
 * reports every problem with its place in the file (`$.steps[2].expect.result`) and a reason.
 * Unknown fields are errors: a misspelt assertion must not pass silently.
 */
import { FAULT_COMMANDS, type Fault } from '../dm/faults.ts';
import { UI_MODES } from '../dm/package0.ts';
import { FLOW_FORMAT, FLOW_STEP_TYPES, type Flow } from './types.ts';

export interface FlowProblem {
  path: string;
  message: string;
}

export type FlowValidation = { ok: true; flow: Flow } | { ok: false; errors: FlowProblem[] };

type Obj = Record<string, unknown>;

const OUTCOMES = ['completed', 'failed', 'aborted-by-server', 'aborted-by-client'];
const CHECKS = ['ok', 'malformed', 'unknown-server', 'no-server-credentials', 'digest-mismatch'];
const PUSH_KINDS = ['cp', 'cp-bootstrap', 'dm-bootstrap', 'package0'];
const STATUS_COMMANDS = [...FAULT_COMMANDS, 'Alert', 'Atomic', 'Sequence'];

class Checker {
  readonly errors: FlowProblem[] = [];

  fail(path: string, message: string): void {
    this.errors.push({ path, message });
  }

  object(v: unknown, path: string): Obj | undefined {
    if (typeof v === 'object' && v !== null && !Array.isArray(v)) return v as Obj;
    this.fail(path, 'must be an object');
    return undefined;
  }

  keys(o: Obj, path: string, allowed: readonly string[]): void {
    for (const k of Object.keys(o))
      if (!allowed.includes(k)) this.fail(`${path}.${k}`, `unknown field; allowed: ${allowed.join(', ')}`);
  }

  string(o: Obj, key: string, path: string, required = false): void {
    const v = o[key];
    if (v === undefined) {
      if (required) this.fail(`${path}.${key}`, 'is required');
      return;
    }
    if (typeof v !== 'string') this.fail(`${path}.${key}`, 'must be a string');
    else if (required && v === '') this.fail(`${path}.${key}`, 'must not be empty');
  }

  oneOf(o: Obj, key: string, path: string, values: readonly string[], required = false): void {
    const v = o[key];
    if (v === undefined) {
      if (required) this.fail(`${path}.${key}`, `is required: one of ${values.join(', ')}`);
      return;
    }
    if (typeof v !== 'string' || !values.includes(v))
      this.fail(`${path}.${key}`, `must be one of ${values.join(', ')}, got ${JSON.stringify(v)}`);
  }

  boolean(o: Obj, key: string, path: string): void {
    if (o[key] !== undefined && typeof o[key] !== 'boolean')
      this.fail(`${path}.${key}`, 'must be true or false');
  }

  integer(o: Obj, key: string, path: string, min: number, max: number, required = false): void {
    const v = o[key];
    if (v === undefined) {
      if (required) this.fail(`${path}.${key}`, 'is required');
      return;
    }
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
      this.fail(`${path}.${key}`, `must be a whole number ${min}-${max}`);
  }

  uri(o: Obj, key: string, path: string, required = true): void {
    const v = o[key];
    this.string(o, key, path, required);
    if (typeof v === 'string' && v !== '' && !v.startsWith('.'))
      this.fail(`${path}.${key}`, `"${v}" must be a URI relative to the root, starting with "./"`);
  }

  payload(v: unknown, path: string): void {
    const o = this.object(v, path);
    if (!o) return;
    const present = ['hex', 'base64', 'file'].filter((k) => o[k] !== undefined);
    if (present.length !== 1) {
      this.fail(path, 'give exactly one of hex, base64 or file');
      return;
    }
    this.keys(o, path, ['hex', 'base64', 'file']);
    const key = present[0]!;
    this.string(o, key, path, true);
    const text = o[key];
    if (typeof text !== 'string') return;
    if (key === 'hex' && !/^(0x)?[0-9a-fA-F\s:]*$/.test(text)) this.fail(`${path}.hex`, 'is not hexadecimal');
    if (key === 'hex' && text.replace(/^0x|[\s:]/g, '').length % 2 !== 0)
      this.fail(`${path}.hex`, 'has an odd number of hex digits');
    if (key === 'base64' && !/^[A-Za-z0-9+/=\s_-]*$/.test(text)) this.fail(`${path}.base64`, 'is not base64');
  }

  faults(v: unknown, path: string): void {
    if (v === undefined) return;
    if (!Array.isArray(v)) {
      this.fail(path, 'must be a list of faults');
      return;
    }
    v.forEach((f, i) => this.fault(f, `${path}[${i}]`));
  }

  fault(v: unknown, path: string): void {
    const o = this.object(v, path);
    if (!o) return;
    const kind = o.kind as Fault['kind'];
    switch (kind) {
      case 'status':
        this.keys(o, path, ['kind', 'target', 'command', 'status']);
        this.string(o, 'target', path, true);
        this.oneOf(o, 'command', path, FAULT_COMMANDS);
        this.integer(o, 'status', path, 100, 599, true);
        return;
      case 'drop':
        this.keys(o, path, ['kind', 'message', 'when']);
        this.integer(o, 'message', path, 1, 10000, true);
        this.oneOf(o, 'when', path, ['after-send', 'before-send']);
        return;
      case 'delay':
        this.keys(o, path, ['kind', 'ms', 'message']);
        this.integer(o, 'ms', path, 0, 600000, true);
        this.integer(o, 'message', path, 1, 10000);
        return;
      default:
        this.fail(`${path}.kind`, `must be status, drop or delay, got ${JSON.stringify(o.kind)}`);
    }
  }

  cpExpect(o: Obj, path: string): void {
    this.oneOf(o, 'result', path, ['applied', 'rejected', 'refused']);
    this.string(o, 'code', path);
    if (o.code !== undefined && o.result !== undefined && o.result !== 'refused')
      this.fail(`${path}.code`, 'is only meaningful with result "refused"');
  }

  sessionExpect(o: Obj, path: string): void {
    this.oneOf(o, 'outcome', path, OUTCOMES);
    const statuses = o.statuses;
    if (statuses !== undefined) {
      if (!Array.isArray(statuses)) this.fail(`${path}.statuses`, 'must be a list');
      else
        statuses.forEach((s, i) => {
          const p = `${path}.statuses[${i}]`;
          const so = this.object(s, p);
          if (!so) return;
          this.keys(so, p, ['command', 'target', 'status']);
          this.oneOf(so, 'command', p, STATUS_COMMANDS);
          this.string(so, 'target', p);
          this.integer(so, 'status', p, 100, 599, true);
        });
    }
    const prompts = o.prompts;
    if (prompts !== undefined) {
      if (!Array.isArray(prompts) || prompts.some((c) => typeof c !== 'number' || c < 1100 || c > 1104))
        this.fail(`${path}.prompts`, 'must be a list of alert codes 1100-1104');
    }
  }

  notificationExpect(o: Obj, path: string): void {
    this.sessionExpect(o, path);
    this.oneOf(o, 'check', path, CHECKS);
    this.boolean(o, 'connected', path);
  }

  answer(v: unknown, path: string): void {
    if (typeof v === 'string') {
      if (!['yes', 'no', 'ok', 'cancel', 'timeout'].includes(v))
        this.fail(path, `must be yes, no, ok, cancel, timeout or an object, got "${v}"`);
      return;
    }
    const o = this.object(v, path);
    if (!o) return;
    const keys = Object.keys(o);
    if (keys.length !== 1) {
      this.fail(path, 'give exactly one of text, choice or operatorChange');
      return;
    }
    this.keys(o, path, ['text', 'choice', 'operatorChange']);
    if ('text' in o) this.string(o, 'text', path, false);
    if ('choice' in o) {
      const c = o.choice;
      if (
        !Array.isArray(c) ||
        c.length === 0 ||
        c.some((n) => typeof n !== 'number' || !Number.isInteger(n) || n < 1)
      )
        this.fail(`${path}.choice`, 'must be a non-empty list of choice numbers from 1');
    }
    if ('operatorChange' in o) this.oneOf(o, 'operatorChange', path, ['allow', 'refuse'], true);
  }

  step(v: unknown, path: string): void {
    const o = this.object(v, path);
    if (!o) return;
    const type = o.type;
    if (typeof type !== 'string' || !(FLOW_STEP_TYPES as readonly string[]).includes(type)) {
      this.fail(`${path}.type`, `must be one of ${FLOW_STEP_TYPES.join(', ')}, got ${JSON.stringify(type)}`);
      return;
    }
    this.string(o, 'title', path);
    const expect = (allowed: readonly string[], check: (e: Obj, p: string) => void): void => {
      if (o.expect === undefined) return;
      const e = this.object(o.expect, `${path}.expect`);
      if (!e) return;
      this.keys(e, `${path}.expect`, allowed);
      check(e, `${path}.expect`);
    };
    switch (type) {
      case 'cp':
        this.keys(o, path, ['type', 'title', 'payload', 'pin', 'decision', 'acceptUnsigned', 'expect']);
        if (o.payload === undefined) this.fail(`${path}.payload`, 'is required');
        else this.payload(o.payload, `${path}.payload`);
        this.string(o, 'pin', path);
        this.oneOf(o, 'decision', path, ['accept', 'reject']);
        this.boolean(o, 'acceptUnsigned', path);
        expect(['result', 'code'], (e, p) => this.cpExpect(e, p));
        return;
      case 'notification': {
        this.keys(o, path, ['type', 'title', 'payload', 'build', 'consent', 'faults', 'expect']);
        if ((o.payload === undefined) === (o.build === undefined))
          this.fail(path, 'give either payload (package 0 bytes) or build (fields)');
        if (o.payload !== undefined) this.payload(o.payload, `${path}.payload`);
        if (o.build !== undefined) {
          const b = this.object(o.build, `${path}.build`);
          if (b) {
            this.keys(b, `${path}.build`, ['serverId', 'uiMode', 'sessionId']);
            this.string(b, 'serverId', `${path}.build`, true);
            this.oneOf(b, 'uiMode', `${path}.build`, UI_MODES);
            this.integer(b, 'sessionId', `${path}.build`, 0, 0xffff);
          }
        }
        this.oneOf(o, 'consent', path, ['yes', 'no']);
        this.faults(o.faults, `${path}.faults`);
        expect(['outcome', 'statuses', 'prompts', 'check', 'connected'], (e, p) =>
          this.notificationExpect(e, p),
        );
        return;
      }
      case 'connect':
        this.keys(o, path, ['type', 'title', 'serverId', 'faults', 'expect']);
        this.string(o, 'serverId', path, true);
        this.faults(o.faults, `${path}.faults`);
        expect(['outcome', 'statuses', 'prompts'], (e, p) => this.sessionExpect(e, p));
        return;
      case 'answer':
        this.keys(o, path, ['type', 'title', 'answers']);
        if (!Array.isArray(o.answers) || o.answers.length === 0)
          this.fail(`${path}.answers`, 'must be a non-empty list of answers');
        else o.answers.forEach((a, i) => this.answer(a, `${path}.answers[${i}]`));
        return;
      case 'user-change':
        this.keys(o, path, ['type', 'title', 'uri', 'op', 'value', 'expect']);
        this.uri(o, 'uri', path);
        this.oneOf(o, 'op', path, ['replace', 'add', 'delete']);
        this.string(o, 'value', path);
        if ((o.op ?? 'replace') === 'replace' && o.value === undefined)
          this.fail(`${path}.value`, 'is required for a replace');
        expect(['result', 'status'], (e, p) => {
          this.oneOf(e, 'result', p, ['ok', 'refused-locked', 'refused']);
          this.integer(e, 'status', p, 100, 599);
        });
        return;
      case 'push':
        this.keys(o, path, [
          'type',
          'title',
          'kind',
          'pin',
          'decision',
          'consent',
          'timeoutMs',
          'faults',
          'expect',
        ]);
        this.oneOf(o, 'kind', path, PUSH_KINDS);
        this.string(o, 'pin', path);
        this.oneOf(o, 'decision', path, ['accept', 'reject']);
        this.oneOf(o, 'consent', path, ['yes', 'no']);
        this.integer(o, 'timeoutMs', path, 1, 600000);
        this.faults(o.faults, `${path}.faults`);
        expect(['result', 'code', 'outcome', 'statuses', 'prompts', 'check', 'connected'], (e, p) => {
          this.cpExpect(e, p);
          this.notificationExpect(e, p);
        });
        return;
      case 'scenario': {
        this.keys(o, path, ['type', 'title', 'name', 'notify', 'pin', 'vars']);
        this.string(o, 'name', path, true);
        this.oneOf(o, 'notify', path, UI_MODES);
        this.string(o, 'pin', path);
        if (o.vars !== undefined) {
          const vars = this.object(o.vars, `${path}.vars`);
          if (vars)
            for (const [k, val] of Object.entries(vars))
              if (typeof val !== 'string') this.fail(`${path}.vars.${k}`, 'must be a string');
        }
        return;
      }
      case 'assert': {
        this.keys(o, path, ['type', 'title', 'tree', 'session']);
        if (o.tree === undefined && o.session === undefined)
          this.fail(path, 'an assert needs tree or session');
        if (o.tree !== undefined) {
          if (!Array.isArray(o.tree) || o.tree.length === 0)
            this.fail(`${path}.tree`, 'must be a non-empty list of tree assertions');
          else
            o.tree.forEach((t, i) => {
              const p = `${path}.tree[${i}]`;
              const a = this.object(t, p);
              if (!a) return;
              this.keys(a, p, ['uri', 'equals', 'exists', 'active', 'default', 'locked', 'acl']);
              this.uri(a, 'uri', p);
              this.string(a, 'equals', p);
              this.string(a, 'acl', p);
              for (const k of ['exists', 'active', 'default', 'locked']) this.boolean(a, k, p);
              if (Object.keys(a).length === 1) this.fail(p, 'says nothing to check besides the uri');
              if (a.exists === false && Object.keys(a).length > 2)
                this.fail(p, 'a node expected absent cannot have other checks');
            });
        }
        if (o.session !== undefined) {
          const s = this.object(o.session, `${path}.session`);
          if (s) {
            this.keys(s, `${path}.session`, ['outcome', 'statuses', 'prompts']);
            this.sessionExpect(s, `${path}.session`);
          }
        }
        return;
      }
    }
  }
}

/** Validates a parsed flow (JSON value). */
export function validateFlow(value: unknown): FlowValidation {
  const c = new Checker();
  const o = c.object(value, '$');
  if (!o) return { ok: false, errors: c.errors };
  c.keys(o, '$', ['$schema', 'format', 'name', 'title', 'description', 'faults', 'steps']);
  if (o.format !== FLOW_FORMAT)
    c.fail('$.format', `must be "${FLOW_FORMAT}", got ${JSON.stringify(o.format)}`);
  c.string(o, 'name', '$', true);
  c.string(o, 'title', '$');
  c.string(o, 'description', '$');
  c.faults(o.faults, '$.faults');
  if (!Array.isArray(o.steps) || o.steps.length === 0) c.fail('$.steps', 'must be a non-empty list of steps');
  else o.steps.forEach((s, i) => c.step(s, `$.steps[${i}]`));
  if (c.errors.length > 0) return { ok: false, errors: c.errors };
  const { $schema: _schema, ...flow } = o;
  return { ok: true, flow: flow as unknown as Flow };
}

/** Parses and validates flow text; `name` says where it came from. */
export function parseFlow(text: string, name = 'the flow'): FlowValidation {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    return {
      ok: false,
      errors: [{ path: '$', message: `${name} is not valid JSON: ${(error as Error).message}` }],
    };
  }
  return validateFlow(json);
}

/** Problems as lines: `<name>: $.steps[2].pin: must be a string`. */
export function formatFlowProblems(errors: readonly FlowProblem[], name: string): string {
  return errors.map((e) => `${name}: ${e.path}: ${e.message}`).join('\n');
}
