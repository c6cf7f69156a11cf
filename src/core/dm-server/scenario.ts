/**
 * Scenario files: the management operations the reference DM server runs when a device
 * connects (docs/scenarios.md, decision 0071). A scenario is plain JSON so demoers can write
 * their own; `validateScenario` turns untrusted JSON into a typed `Scenario` or a list of
 * errors, each naming the JSON path (`sessions[0].steps[2].items[0].target`) and what is wrong.
 *
 * Shape:
 * ```
 * { format: "ota-handset-scenario/1", name, title, description?, authority?, vars?,
 *   pushes?: Push[],                     sent to the device's push channel when the scenario starts
 *   sessions: Session[]  (or steps: Step[] for one session) }
 * Session = { title?, authority?, notify?: { uiMode, initiator? }, steps: Step[] }
 * Step    = { id?, title?, command, items?, commands?, alert?, text?, options?, choices?,
 *             expect?, when?, onUnexpected?: "stop" | "continue", newPackage? }
 * ```
 * Statuses and alert codes come from oma-dm.md §5, §6 and §9.
 */
import { isNodeFormat } from '../syncml/meta.ts';

export const SCENARIO_FORMAT = 'ota-handset-scenario/1';

export const STEP_COMMANDS = [
  'Add',
  'Replace',
  'Delete',
  'Get',
  'Exec',
  'Copy',
  'Alert',
  'Atomic',
  'Sequence',
] as const;
export type StepCommand = (typeof STEP_COMMANDS)[number];

export const UI_ALERTS = [1100, 1101, 1102, 1103, 1104] as const;
export const NOTIFY_UI_MODES = ['not-specified', 'background', 'informative', 'user-interaction'] as const;
export type NotifyUiMode = (typeof NOTIFY_UI_MODES)[number];
export const SEC_METHOD_NAMES = ['NETWPIN', 'USERPIN', 'USERNETWPIN', 'USERPINMAC', 'none'] as const;
export type SecMethodName = (typeof SEC_METHOD_NAMES)[number];

/** Generated data for large objects: `repeat` repeated up to `length` characters. */
export interface GeneratedData {
  repeat: string;
  length: number;
}

export interface StepItem {
  target?: string;
  source?: string;
  /** Meta Format: chr (default for leaves), node, int, bool, b64, bin, xml ... */
  format?: string;
  /** Meta Type (MIME type of a leaf, DDF name of an interior node). */
  type?: string;
  data?: string | GeneratedData;
}

/** A condition on an earlier step's outcome. All given fields must hold. */
export interface StepCondition {
  step: string;
  status?: number[];
  statusNot?: number[];
  data?: string;
  dataNot?: string;
}

export interface Step {
  id?: string;
  title?: string;
  command: StepCommand;
  items: StepItem[];
  /** Atomic / Sequence members. */
  commands: Step[];
  /** Alert code (1100-1104) for command Alert. */
  alert?: number;
  /** Alert text (Item 2). */
  text?: string;
  /** Alert parameter string, e.g. `MAXDT=30&DR=1` (Item 1). */
  options?: string;
  /** 1103 / 1104 choices (Items 3...). */
  choices: string[];
  /** Status codes that count as success. Default: 200 (and 202 for Exec). */
  expect: number[];
  when?: StepCondition;
  onUnexpected: 'stop' | 'continue';
  /** Wait for the statuses of everything sent before this step. */
  newPackage: boolean;
}

export interface CpParm {
  name: string;
  /** Absent for presence parameters (INIT, INTERNET ...). */
  value?: string;
}

export interface CpCharacteristic {
  type: string;
  parms: CpParm[];
  characteristics: CpCharacteristic[];
}

export type ScenarioPush =
  | {
      kind: 'cp';
      title: string;
      sec: SecMethodName;
      pin?: string;
      /** `wap-provisioningdoc` characteristics. */
      document: CpCharacteristic[];
    }
  | {
      kind: 'cp-bootstrap';
      title: string;
      sec: SecMethodName;
      pin?: string;
      /** The authority whose DM account is provisioned (w7). */
      authority?: string;
    }
  | {
      kind: 'dm-bootstrap';
      title: string;
      sec: SecMethodName;
      pin?: string;
      authority?: string;
    };

export interface ScenarioSession {
  title?: string;
  /** ServerID of the authority that runs this session; default: the scenario's. */
  authority?: string;
  /** Send a package 0 when this session becomes the current one. */
  notify?: { uiMode: NotifyUiMode };
  steps: Step[];
}

export interface Scenario {
  format: typeof SCENARIO_FORMAT;
  name: string;
  title: string;
  description?: string;
  authority?: string;
  vars: Record<string, string>;
  pushes: ScenarioPush[];
  sessions: ScenarioSession[];
}

export interface ScenarioIssue {
  path: string;
  message: string;
}

export type ScenarioValidation = { ok: true; scenario: Scenario } | { ok: false; errors: ScenarioIssue[] };

type Json = unknown;

function isObject(v: Json): v is Record<string, Json> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

const TEMPLATE = /\$\{([^}]*)\}/g;
const STEP_ID = /^[A-Za-z][A-Za-z0-9_-]*$/;
const NAME = /^[a-z0-9][a-z0-9-]*$/;

class Checker {
  readonly errors: ScenarioIssue[] = [];
  /** Step ids declared so far, in order. */
  readonly ids = new Set<string>();

  error(path: string, message: string): void {
    this.errors.push({ path, message });
  }

  str(obj: Record<string, Json>, key: string, path: string, required: boolean): string | undefined {
    const v = obj[key];
    if (v === undefined) {
      if (required) this.error(`${path}.${key}`, 'is required');
      return undefined;
    }
    if (typeof v !== 'string') {
      this.error(`${path}.${key}`, `must be a string, got ${typeof v}`);
      return undefined;
    }
    return v;
  }

  unknownKeys(obj: Record<string, Json>, allowed: readonly string[], path: string): void {
    for (const key of Object.keys(obj)) {
      if (!allowed.includes(key))
        this.error(`${path}.${key}`, `unknown field (allowed: ${allowed.join(', ')})`);
    }
  }

  /** `${...}` references: vars, built-ins, and `<stepId>.status|data` of earlier steps. */
  templates(text: string, path: string, vars: Record<string, string>): void {
    for (const m of text.matchAll(TEMPLATE)) {
      const ref = (m[1] ?? '').trim();
      if (['devId', 'serverId', 'sessionId', 'serverUri'].includes(ref)) continue;
      if (ref.startsWith('vars.')) {
        if (!(ref.slice(5) in vars)) this.error(path, `\${${ref}}: no variable "${ref.slice(5)}" in vars`);
        continue;
      }
      const dot = ref.lastIndexOf('.');
      const stepId = ref.slice(0, dot);
      const field = ref.slice(dot + 1);
      if (dot < 0 || (field !== 'status' && field !== 'data')) {
        this.error(
          path,
          `\${${ref}} is not a known reference (use devId, serverId, sessionId, serverUri, vars.<name>, <stepId>.status or <stepId>.data)`,
        );
      } else if (!this.ids.has(stepId)) {
        this.error(path, `\${${ref}}: no earlier step with id "${stepId}"`);
      }
    }
  }

  codes(v: Json, path: string): number[] | undefined {
    const list = typeof v === 'number' ? [v] : v;
    if (!Array.isArray(list) || list.length === 0) {
      this.error(path, 'must be a status code or a non-empty list of status codes');
      return undefined;
    }
    const out: number[] = [];
    for (const [i, c] of list.entries()) {
      if (typeof c !== 'number' || !Number.isInteger(c) || c < 100 || c > 599) {
        this.error(`${path}[${i}]`, `must be a status code 100-599, got ${JSON.stringify(c)}`);
      } else out.push(c);
    }
    return out;
  }
}

function checkItem(c: Checker, v: Json, path: string, vars: Record<string, string>): StepItem | undefined {
  if (!isObject(v)) {
    c.error(path, 'must be an object like { "target": "./MMS/Op", "data": "..." }');
    return undefined;
  }
  c.unknownKeys(v, ['target', 'source', 'format', 'type', 'data'], path);
  const item: StepItem = {};
  const target = c.str(v, 'target', path, false);
  const source = c.str(v, 'source', path, false);
  const format = c.str(v, 'format', path, false);
  const type = c.str(v, 'type', path, false);
  if (target !== undefined) {
    if (!(target === '.' || target.startsWith('./') || target.startsWith('${'))) {
      c.error(`${path}.target`, `"${target}" must be a URI relative to the root, starting with "./"`);
    }
    c.templates(target, `${path}.target`, vars);
    item.target = target;
  }
  if (source !== undefined) {
    c.templates(source, `${path}.source`, vars);
    item.source = source;
  }
  if (format !== undefined) {
    if (!isNodeFormat(format))
      c.error(`${path}.format`, `"${format}" is not a DM format (chr, node, int, bool, b64, bin, xml, ...)`);
    item.format = format;
  }
  if (type !== undefined) item.type = type;
  const data = v.data;
  if (typeof data === 'string') {
    c.templates(data, `${path}.data`, vars);
    item.data = data;
  } else if (isObject(data)) {
    const repeat = data.repeat;
    const length = data.length;
    if (typeof repeat !== 'string' || repeat === '')
      c.error(`${path}.data.repeat`, 'must be a non-empty string');
    if (typeof length !== 'number' || !Number.isInteger(length) || length < 1 || length > 10_000_000) {
      c.error(`${path}.data.length`, 'must be an integer 1-10000000');
    }
    if (typeof repeat === 'string' && typeof length === 'number') item.data = { repeat, length };
  } else if (data !== undefined) {
    c.error(`${path}.data`, 'must be a string or { "repeat": "...", "length": N }');
  }
  return item;
}

const STEP_KEYS = [
  'id',
  'title',
  'command',
  'items',
  'commands',
  'alert',
  'text',
  'options',
  'choices',
  'expect',
  'when',
  'onUnexpected',
  'newPackage',
] as const;

function checkCondition(c: Checker, v: Json, path: string): StepCondition | undefined {
  if (!isObject(v)) {
    c.error(path, 'must be an object like { "step": "confirm", "status": 200 }');
    return undefined;
  }
  c.unknownKeys(v, ['step', 'status', 'statusNot', 'data', 'dataNot'], path);
  const step = c.str(v, 'step', path, true);
  if (step !== undefined && !c.ids.has(step)) c.error(`${path}.step`, `no earlier step with id "${step}"`);
  const cond: StepCondition = { step: step ?? '' };
  if (v.status !== undefined) {
    const s = c.codes(v.status, `${path}.status`);
    if (s) cond.status = s;
  }
  if (v.statusNot !== undefined) {
    const s = c.codes(v.statusNot, `${path}.statusNot`);
    if (s) cond.statusNot = s;
  }
  const data = c.str(v, 'data', path, false);
  if (data !== undefined) cond.data = data;
  const dataNot = c.str(v, 'dataNot', path, false);
  if (dataNot !== undefined) cond.dataNot = dataNot;
  if (
    cond.status === undefined &&
    cond.statusNot === undefined &&
    cond.data === undefined &&
    cond.dataNot === undefined
  ) {
    c.error(path, 'needs at least one of status, statusNot, data, dataNot');
  }
  return cond;
}

function checkStep(
  c: Checker,
  v: Json,
  path: string,
  vars: Record<string, string>,
  inside?: 'Atomic' | 'Sequence',
): Step | undefined {
  if (!isObject(v)) {
    c.error(path, 'must be an object with a "command"');
    return undefined;
  }
  c.unknownKeys(v, STEP_KEYS, path);
  const command = c.str(v, 'command', path, true);
  if (command !== undefined && !(STEP_COMMANDS as readonly string[]).includes(command)) {
    c.error(`${path}.command`, `"${command}" is not one of ${STEP_COMMANDS.join(', ')}`);
    return undefined;
  }
  if (command === undefined) return undefined;
  const cmd = command as StepCommand;
  if (inside === 'Atomic' && (cmd === 'Atomic' || cmd === 'Get')) {
    c.error(
      `${path}.command`,
      `${cmd} inside Atomic is not allowed (oma-dm.md §5: the Atomic fails with 500)`,
    );
  }
  if (inside && (cmd === 'Atomic' || cmd === 'Sequence') && inside === 'Sequence' && cmd === 'Sequence') {
    c.error(`${path}.command`, 'Sequence inside Sequence is not allowed');
  }
  const step: Step = {
    command: cmd,
    items: [],
    commands: [],
    choices: [],
    expect: cmd === 'Exec' ? [200, 202] : [200],
    onUnexpected: 'stop',
    newPackage: false,
  };
  const id = c.str(v, 'id', path, false);
  if (id !== undefined) {
    if (!STEP_ID.test(id))
      c.error(`${path}.id`, `"${id}" must start with a letter and use letters, digits, - and _`);
    else if (c.ids.has(id)) c.error(`${path}.id`, `duplicate step id "${id}"`);
    step.id = id;
  }
  const title = c.str(v, 'title', path, false);
  if (title !== undefined) step.title = title;
  if (v.when !== undefined) {
    if (inside) c.error(`${path}.when`, 'conditions are allowed on top-level steps only');
    const cond = checkCondition(c, v.when, `${path}.when`);
    if (cond) step.when = cond;
  }
  if (v.expect !== undefined) {
    const e = c.codes(v.expect, `${path}.expect`);
    if (e) step.expect = e;
  }
  if (v.onUnexpected !== undefined) {
    if (v.onUnexpected !== 'stop' && v.onUnexpected !== 'continue') {
      c.error(`${path}.onUnexpected`, 'must be "stop" or "continue"');
    } else step.onUnexpected = v.onUnexpected;
  }
  if (v.newPackage !== undefined) {
    if (typeof v.newPackage !== 'boolean') c.error(`${path}.newPackage`, 'must be true or false');
    else step.newPackage = v.newPackage;
  }

  if (cmd === 'Alert') {
    const alert = v.alert;
    if (typeof alert !== 'number' || !(UI_ALERTS as readonly number[]).includes(alert)) {
      c.error(`${path}.alert`, `must be a user-interaction alert code: ${UI_ALERTS.join(', ')}`);
    } else step.alert = alert;
    const text = c.str(v, 'text', path, true);
    if (text !== undefined) {
      c.templates(text, `${path}.text`, vars);
      step.text = text;
    }
    const options = c.str(v, 'options', path, false);
    if (options !== undefined) step.options = options;
    if (v.choices !== undefined) {
      if (!Array.isArray(v.choices) || v.choices.some((x) => typeof x !== 'string')) {
        c.error(`${path}.choices`, 'must be a list of strings');
      } else step.choices = v.choices as string[];
    }
    if ((step.alert === 1103 || step.alert === 1104) && step.choices.length === 0) {
      c.error(`${path}.choices`, `alert ${step.alert} needs at least one choice`);
    }
    if (v.expect === undefined && step.alert === 1101) step.expect = [200, 304];
    if (v.items !== undefined)
      c.error(`${path}.items`, 'an Alert step has text, options and choices, not items');
  } else if (cmd === 'Atomic' || cmd === 'Sequence') {
    if (!Array.isArray(v.commands) || v.commands.length === 0) {
      c.error(`${path}.commands`, `${cmd} needs a non-empty list of commands`);
    } else {
      for (const [i, inner] of v.commands.entries()) {
        const s = checkStep(c, inner, `${path}.commands[${i}]`, vars, cmd);
        if (s) step.commands.push(s);
      }
    }
    if (v.items !== undefined) c.error(`${path}.items`, `${cmd} holds commands, not items`);
  } else {
    if (!Array.isArray(v.items) || v.items.length === 0) {
      c.error(`${path}.items`, `${cmd} needs a non-empty list of items`);
    } else {
      for (const [i, raw] of v.items.entries()) {
        const item = checkItem(c, raw, `${path}.items[${i}]`, vars);
        if (!item) continue;
        if (item.target === undefined) c.error(`${path}.items[${i}].target`, `is required for ${cmd}`);
        if (cmd === 'Copy' && item.source === undefined)
          c.error(`${path}.items[${i}].source`, 'is required for Copy');
        if ((cmd === 'Get' || cmd === 'Delete') && item.data !== undefined) {
          c.error(`${path}.items[${i}].data`, `${cmd} carries no data`);
        }
        step.items.push(item);
      }
    }
    for (const key of ['alert', 'text', 'options', 'choices', 'commands'] as const) {
      if (v[key] !== undefined)
        c.error(`${path}.${key}`, `only for Alert / Atomic / Sequence steps, not ${cmd}`);
    }
  }
  if (id !== undefined && STEP_ID.test(id)) c.ids.add(id);
  return step;
}

function checkCharacteristic(c: Checker, v: Json, path: string): CpCharacteristic | undefined {
  if (!isObject(v)) {
    c.error(path, 'must be an object like { "type": "APPLICATION", "parms": { "APPID": "w4" } }');
    return undefined;
  }
  c.unknownKeys(v, ['type', 'parms', 'characteristics'], path);
  const type = c.str(v, 'type', path, true);
  const out: CpCharacteristic = { type: type ?? '', parms: [], characteristics: [] };
  const parms = v.parms;
  if (Array.isArray(parms)) {
    for (const [i, p] of parms.entries()) {
      if (
        !isObject(p) ||
        typeof p.name !== 'string' ||
        (p.value !== undefined && typeof p.value !== 'string')
      ) {
        c.error(`${path}.parms[${i}]`, 'must be { "name": "...", "value": "..." } (value may be left out)');
      } else out.parms.push(p.value === undefined ? { name: p.name } : { name: p.name, value: p.value });
    }
  } else if (isObject(parms)) {
    for (const [name, value] of Object.entries(parms)) {
      if (value === null) out.parms.push({ name });
      else if (typeof value === 'string') out.parms.push({ name, value });
      else c.error(`${path}.parms.${name}`, 'must be a string, or null for a presence parameter');
    }
  } else if (parms !== undefined) {
    c.error(`${path}.parms`, 'must be an object { NAME: "value" } or a list of { name, value }');
  }
  if (v.characteristics !== undefined) {
    if (!Array.isArray(v.characteristics)) c.error(`${path}.characteristics`, 'must be a list');
    else
      for (const [i, child] of v.characteristics.entries()) {
        const ch = checkCharacteristic(c, child, `${path}.characteristics[${i}]`);
        if (ch) out.characteristics.push(ch);
      }
  }
  return out;
}

function checkPush(c: Checker, v: Json, path: string): ScenarioPush | undefined {
  if (!isObject(v)) {
    c.error(path, 'must be an object with a "kind"');
    return undefined;
  }
  const kind = c.str(v, 'kind', path, true);
  const title = c.str(v, 'title', path, false) ?? '';
  const secRaw = c.str(v, 'sec', path, false) ?? 'USERPIN';
  const pin = c.str(v, 'pin', path, false);
  let sec: SecMethodName = 'USERPIN';
  if (!(SEC_METHOD_NAMES as readonly string[]).includes(secRaw)) {
    c.error(`${path}.sec`, `"${secRaw}" is not one of ${SEC_METHOD_NAMES.join(', ')}`);
  } else sec = secRaw as SecMethodName;
  if ((sec === 'USERPIN' || sec === 'USERNETWPIN' || sec === 'USERPINMAC') && pin === undefined) {
    c.error(`${path}.pin`, `is required with sec ${sec}`);
  }
  if (sec === 'USERPINMAC' && pin !== undefined && !/^\d{5,20}$/.test(pin)) {
    c.error(
      `${path}.pin`,
      'USERPINMAC needs a PIN of 5-20 digits (the user then types the PIN and as many MAC digits)',
    );
  }
  const withPin = <T extends object>(o: T): T => (pin === undefined ? o : { ...o, pin });
  switch (kind) {
    case 'cp': {
      c.unknownKeys(v, ['kind', 'title', 'sec', 'pin', 'document'], path);
      if (!Array.isArray(v.document) || v.document.length === 0) {
        c.error(`${path}.document`, 'must be a non-empty list of characteristics');
        return undefined;
      }
      const document: CpCharacteristic[] = [];
      for (const [i, ch] of v.document.entries()) {
        const out = checkCharacteristic(c, ch, `${path}.document[${i}]`);
        if (out) document.push(out);
      }
      return withPin({ kind, title: title || 'Settings from your operator', sec, document });
    }
    case 'cp-bootstrap':
    case 'dm-bootstrap': {
      c.unknownKeys(v, ['kind', 'title', 'sec', 'pin', 'authority'], path);
      const authority = c.str(v, 'authority', path, false);
      const base = {
        kind,
        title: title || (kind === 'cp-bootstrap' ? 'DM account (CP w7)' : 'DM account (DM bootstrap)'),
        sec,
      };
      return withPin(authority === undefined ? base : { ...base, authority });
    }
    case undefined:
      return undefined;
    default:
      c.error(`${path}.kind`, `"${kind}" is not one of cp, cp-bootstrap, dm-bootstrap`);
      return undefined;
  }
}

function checkSession(
  c: Checker,
  v: Json,
  path: string,
  vars: Record<string, string>,
): ScenarioSession | undefined {
  if (!isObject(v)) {
    c.error(path, 'must be an object with "steps"');
    return undefined;
  }
  c.unknownKeys(v, ['title', 'authority', 'notify', 'steps'], path);
  const session: ScenarioSession = { steps: [] };
  const title = c.str(v, 'title', path, false);
  if (title !== undefined) session.title = title;
  const authority = c.str(v, 'authority', path, false);
  if (authority !== undefined) session.authority = authority;
  if (v.notify !== undefined) {
    if (!isObject(v.notify) || !(NOTIFY_UI_MODES as readonly Json[]).includes(v.notify.uiMode)) {
      c.error(`${path}.notify`, `must be { "uiMode": one of ${NOTIFY_UI_MODES.join(', ')} }`);
    } else session.notify = { uiMode: v.notify.uiMode as NotifyUiMode };
  }
  if (!Array.isArray(v.steps)) {
    c.error(`${path}.steps`, 'must be a list of steps');
  } else {
    for (const [i, s] of v.steps.entries()) {
      const step = checkStep(c, s, `${path}.steps[${i}]`, vars);
      if (step) session.steps.push(step);
    }
  }
  return session;
}

/** Validate untrusted JSON (already parsed) as a scenario. */
export function validateScenario(json: Json): ScenarioValidation {
  const c = new Checker();
  if (!isObject(json)) return { ok: false, errors: [{ path: '$', message: 'a scenario is a JSON object' }] };
  c.unknownKeys(
    json,
    [
      '$comment',
      'format',
      'name',
      'title',
      'description',
      'authority',
      'vars',
      'pushes',
      'sessions',
      'steps',
    ],
    '$',
  );
  if (json.format !== SCENARIO_FORMAT) c.error('$.format', `must be "${SCENARIO_FORMAT}"`);
  const name = c.str(json, 'name', '$', true);
  if (name !== undefined && !NAME.test(name))
    c.error('$.name', `"${name}" must be lower-case letters, digits and -`);
  const title = c.str(json, 'title', '$', true);
  const description = c.str(json, 'description', '$', false);
  const authority = c.str(json, 'authority', '$', false);
  const vars: Record<string, string> = {};
  if (json.vars !== undefined) {
    if (!isObject(json.vars)) c.error('$.vars', 'must be an object of strings');
    else
      for (const [k, val] of Object.entries(json.vars)) {
        if (typeof val !== 'string') c.error(`$.vars.${k}`, 'must be a string');
        else vars[k] = val;
      }
  }
  const pushes: ScenarioPush[] = [];
  if (json.pushes !== undefined) {
    if (!Array.isArray(json.pushes)) c.error('$.pushes', 'must be a list');
    else
      for (const [i, p] of json.pushes.entries()) {
        const push = checkPush(c, p, `$.pushes[${i}]`);
        if (push) pushes.push(push);
      }
  }
  const sessions: ScenarioSession[] = [];
  if (json.sessions !== undefined && json.steps !== undefined) {
    c.error('$', 'give either "sessions" or "steps", not both');
  } else if (json.steps !== undefined) {
    const s = checkSession(c, { steps: json.steps }, '$', vars);
    if (s) sessions.push(s);
  } else if (!Array.isArray(json.sessions) || json.sessions.length === 0) {
    c.error('$.sessions', 'is required: a non-empty list of sessions (or give "steps" for one session)');
  } else {
    for (const [i, s] of json.sessions.entries()) {
      const session = checkSession(c, s, `$.sessions[${i}]`, vars);
      if (session) sessions.push(session);
    }
  }
  if (c.errors.length > 0) return { ok: false, errors: c.errors };
  const scenario: Scenario = {
    format: SCENARIO_FORMAT,
    name: name as string,
    title: title as string,
    vars,
    pushes,
    sessions,
  };
  if (description !== undefined) scenario.description = description;
  if (authority !== undefined) scenario.authority = authority;
  return { ok: true, scenario };
}

/** One line per issue, for the CLI and the console. */
export function formatScenarioIssues(source: string, errors: readonly ScenarioIssue[]): string {
  return errors.map((e) => `${source}: ${e.path}: ${e.message}`).join('\n');
}
