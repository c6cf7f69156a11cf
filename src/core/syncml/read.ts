/**
 * XmlDocument -> SyncMLMessage (oma-dm.md §2, §16).
 *
 * Elements are matched by local name (any prefix and any namespace are ignored, so a
 * Funambol `<SyncML>` without xmlns reads the same as a namespaced one) and in any order.
 * Lenient on what real peers send: `<Item/>`, `<Data/>`, `<Final></Final>`, whitespace
 * between elements, Correlator before or after Data. Unknown or DM-unused elements are
 * skipped with a warning on the message; a missing mandatory element (no SyncHdr, no
 * SessionID, a Status without CmdRef ...) or an unreadable value throws a SyncMLError
 * whose `details.path` names the offending element.
 */
import type { XmlDocument, XmlElement } from '../wbxml/document.ts';
import { childElements, textContent } from '../wbxml/document.ts';
import { SyncMLError } from './errors.ts';
import type {
  Alert,
  Atomic,
  Delete,
  Exec,
  Get,
  Sequence,
  Chal,
  Command,
  Cred,
  DataValue,
  Item,
  LocRef,
  Meta,
  Results,
  Status,
  SyncBody,
  SyncHdr,
  SyncMLMessage,
  SyncMLWarning,
  SyncMLWarningCode,
} from './message.ts';
import { COMMAND_KINDS, SYNCML_NAMESPACE, VER_DTD, VER_PROTO } from './message.ts';

/** SyncML elements that exist in the DTD but are not used by OMA DM (REP 41). */
const NOT_USED_IN_DM = new Set([
  'Sync',
  'Map',
  'MapItem',
  'Put',
  'Search',
  'Move',
  'NumberOfChanges',
  'NoResults',
  'Field',
  'Filter',
  'Record',
  'FilterType',
  // MetInf elements that DM does not use
  'Anchor',
  'FreeID',
  'FreeMem',
  'Last',
  'Mem',
  'Next',
  'SharedMem',
  'FieldLevel',
]);

export function localName(name: string): string {
  const colon = name.lastIndexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
}

class ReadContext {
  readonly warnings: SyncMLWarning[] = [];

  warn(code: SyncMLWarningCode, path: string, message: string, extra: Partial<SyncMLWarning> = {}): void {
    this.warnings.push({ code, path, message, ...extra });
  }
}

/** The element children of one element, grouped by local name, with unknown ones reported. */
class Fields {
  private readonly byName = new Map<string, XmlElement[]>();
  private readonly used = new Set<string>();

  constructor(
    private readonly ctx: ReadContext,
    readonly el: XmlElement,
    readonly path: string,
  ) {
    for (const child of el.children) {
      if (child.kind === 'element') {
        const name = localName(child.name);
        const list = this.byName.get(name);
        if (list) list.push(child);
        else this.byName.set(name, [child]);
      } else if (child.kind === 'text' && child.value.trim() !== '') {
        ctx.warn('unexpected-text', path, `text ${JSON.stringify(child.value.trim())} ignored`);
      } else if (child.kind === 'opaque') {
        ctx.warn('unexpected-text', path, 'opaque data ignored');
      }
    }
  }

  /** Path of the `index`th (0-based) child named `name`. */
  childPath(name: string, index = 0): string {
    const count = this.byName.get(name)?.length ?? 1;
    return count > 1 ? `${this.path}/${name}[${index + 1}]` : `${this.path}/${name}`;
  }

  all(name: string): XmlElement[] {
    this.used.add(name);
    return this.byName.get(name) ?? [];
  }

  one(name: string): XmlElement | undefined {
    const list = this.all(name);
    if (list.length > 1) {
      this.ctx.warn('duplicate-element', this.childPath(name, 1), `more than one ${name}; the first is used`);
    }
    return list[0];
  }

  has(name: string): boolean {
    return this.one(name) !== undefined;
  }

  required(name: string): XmlElement {
    const el = this.one(name);
    if (!el) throw new SyncMLError('syncml-missing-element', `${name} is missing`, `${this.path}/${name}`);
    return el;
  }

  /** Trimmed text of an optional child. */
  text(name: string): string | undefined {
    const el = this.one(name);
    return el ? textContent(el).trim() : undefined;
  }

  /** Trimmed, non-empty text of a mandatory child. */
  requiredText(name: string): string {
    const value = textContent(this.required(name)).trim();
    if (value === '') throw new SyncMLError('syncml-malformed', `${name} is empty`, `${this.path}/${name}`);
    return value;
  }

  /** Report every child whose name was never asked for. */
  finish(): void {
    for (const [name, list] of this.byName) {
      if (this.used.has(name)) continue;
      list.forEach((_, i) => {
        const path = this.childPath(name, i);
        if (NOT_USED_IN_DM.has(name)) {
          this.ctx.warn('not-used-in-dm', path, `${name} is not used in OMA DM; skipped`, { element: name });
        } else {
          this.ctx.warn('unknown-element', path, `unknown element ${name}; skipped`, { element: name });
        }
      });
    }
  }
}

function parseCode(value: string, path: string): number {
  if (!/^\d{3,4}$/.test(value)) {
    throw new SyncMLError('syncml-malformed', `expected a numeric code, got ${JSON.stringify(value)}`, path);
  }
  return Number(value);
}

function parseUint(value: string, path: string): number {
  if (!/^\d+$/.test(value)) {
    throw new SyncMLError(
      'syncml-malformed',
      `expected an unsigned integer, got ${JSON.stringify(value)}`,
      path,
    );
  }
  return Number(value);
}

function readLocRef(ctx: ReadContext, el: XmlElement, path: string): LocRef {
  const f = new Fields(ctx, el, path);
  const loc: LocRef = { LocURI: f.requiredText('LocURI') };
  const name = f.text('LocName');
  if (name !== undefined) loc.LocName = name;
  f.finish();
  return loc;
}

function readMeta(ctx: ReadContext, el: XmlElement, path: string): Meta {
  // Some encoders wrap the fields in a MetInf element.
  const inner = el.children.find(
    (c): c is XmlElement => c.kind === 'element' && localName(c.name) === 'MetInf',
  );
  const f = new Fields(ctx, inner ?? el, inner ? `${path}/MetInf` : path);
  if (inner) f.all('MetInf');
  const meta: Meta = {};
  const format = f.text('Format');
  if (format !== undefined) meta.Format = format;
  const type = f.text('Type');
  if (type !== undefined) meta.Type = type;
  const mark = f.text('Mark');
  if (mark !== undefined) meta.Mark = mark;
  const version = f.text('Version');
  if (version !== undefined) meta.Version = version;
  const nonce = f.text('NextNonce');
  if (nonce !== undefined) meta.NextNonce = nonce;
  for (const key of ['Size', 'MaxMsgSize', 'MaxObjSize'] as const) {
    const value = f.text(key);
    if (value !== undefined) meta[key] = parseUint(value, f.childPath(key));
  }
  const emi = f.all('EMI');
  if (emi.length > 0) meta.EMI = emi.map((e) => textContent(e).trim());
  f.finish();
  return meta;
}

/**
 * Content of a `<Data>`: elements when it holds elements (embedded TNDS), bytes when any
 * part came as OPAQUE, otherwise the text exactly as it came (not trimmed).
 */
function readData(ctx: ReadContext, el: XmlElement, path: string): DataValue {
  const elements = childElements(el);
  if (elements.length > 0) {
    if (el.children.some((c) => c.kind !== 'element' && !(c.kind === 'text' && c.value.trim() === ''))) {
      ctx.warn('unexpected-text', path, 'text beside embedded elements ignored');
    }
    return elements;
  }
  if (el.children.some((c) => c.kind === 'opaque')) {
    const parts = el.children.map((c) =>
      c.kind === 'opaque'
        ? c.bytes
        : c.kind === 'text'
          ? new TextEncoder().encode(c.value)
          : new Uint8Array(0),
    );
    const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of parts) {
      out.set(p, at);
      at += p.length;
    }
    return out;
  }
  return textContent(el);
}

function readCred(ctx: ReadContext, el: XmlElement, path: string): Cred {
  const f = new Fields(ctx, el, path);
  const metaEl = f.one('Meta');
  const cred: Cred = { Data: textContent(f.required('Data')).trim() };
  if (metaEl) cred.Meta = readMeta(ctx, metaEl, f.childPath('Meta'));
  f.finish();
  return cred;
}

function readChal(ctx: ReadContext, el: XmlElement, path: string): Chal {
  const f = new Fields(ctx, el, path);
  const metaEl = f.one('Meta');
  const chal: Chal = { Meta: metaEl ? readMeta(ctx, metaEl, f.childPath('Meta')) : {} };
  f.finish();
  return chal;
}

function readItem(ctx: ReadContext, el: XmlElement, path: string): Item {
  const f = new Fields(ctx, el, path);
  const item: Item = {};
  for (const key of ['Target', 'Source', 'TargetParent', 'SourceParent'] as const) {
    const child = f.one(key);
    if (child) item[key] = readLocRef(ctx, child, f.childPath(key));
  }
  const meta = f.one('Meta');
  if (meta) item.Meta = readMeta(ctx, meta, f.childPath('Meta'));
  const data = f.one('Data');
  if (data) item.Data = readData(ctx, data, f.childPath('Data'));
  if (f.has('MoreData')) item.MoreData = true;
  f.finish();
  return item;
}

function readItems(ctx: ReadContext, f: Fields): Item[] {
  return f.all('Item').map((el, i) => readItem(ctx, el, f.childPath('Item', i)));
}

/** CmdID, NoResp, Cred and Meta, shared by most commands. */
function readCommon(
  ctx: ReadContext,
  f: Fields,
): { CmdID: string; NoResp?: boolean; Cred?: Cred; Meta?: Meta } {
  const common: { CmdID: string; NoResp?: boolean; Cred?: Cred; Meta?: Meta } = {
    CmdID: f.requiredText('CmdID'),
  };
  if (f.has('NoResp')) common.NoResp = true;
  const cred = f.one('Cred');
  if (cred) common.Cred = readCred(ctx, cred, f.childPath('Cred'));
  const meta = f.one('Meta');
  if (meta) common.Meta = readMeta(ctx, meta, f.childPath('Meta'));
  return common;
}

function readStatus(ctx: ReadContext, f: Fields): Status {
  const status: Status = {
    kind: 'Status',
    CmdID: f.requiredText('CmdID'),
    MsgRef: f.requiredText('MsgRef'),
    CmdRef: f.requiredText('CmdRef'),
    Cmd: f.requiredText('Cmd'),
    TargetRef: f.all('TargetRef').map((e) => textContent(e).trim()),
    SourceRef: f.all('SourceRef').map((e) => textContent(e).trim()),
    Data: parseCode(f.requiredText('Data'), `${f.path}/Data`),
    Items: readItems(ctx, f),
  };
  const cred = f.one('Cred');
  if (cred) status.Cred = readCred(ctx, cred, f.childPath('Cred'));
  const chal = f.one('Chal');
  if (chal) status.Chal = readChal(ctx, chal, f.childPath('Chal'));
  return status;
}

function readResults(ctx: ReadContext, f: Fields): Results {
  const results: Results = {
    kind: 'Results',
    CmdID: f.requiredText('CmdID'),
    CmdRef: f.requiredText('CmdRef'),
    Items: readItems(ctx, f),
  };
  const msgRef = f.text('MsgRef');
  if (msgRef !== undefined) results.MsgRef = msgRef;
  const meta = f.one('Meta');
  if (meta) results.Meta = readMeta(ctx, meta, f.childPath('Meta'));
  const targetRef = f.text('TargetRef');
  if (targetRef !== undefined) results.TargetRef = targetRef;
  const sourceRef = f.text('SourceRef');
  if (sourceRef !== undefined) results.SourceRef = sourceRef;
  return results;
}

function readAlert(ctx: ReadContext, f: Fields): Alert {
  const alert: Alert = {
    kind: 'Alert',
    CmdID: f.requiredText('CmdID'),
    Data: parseCode(f.requiredText('Data'), `${f.path}/Data`),
    Items: readItems(ctx, f),
  };
  if (f.has('NoResp')) alert.NoResp = true;
  const cred = f.one('Cred');
  if (cred) alert.Cred = readCred(ctx, cred, f.childPath('Cred'));
  const correlator = f.text('Correlator');
  if (correlator !== undefined) alert.Correlator = correlator;
  return alert;
}

const COMMAND_NAMES: ReadonlySet<string> = new Set(COMMAND_KINDS);

function readCommand(ctx: ReadContext, el: XmlElement, path: string): Command {
  const name = localName(el.name);
  const f = new Fields(ctx, el, path);
  let cmd: Command;
  switch (name) {
    case 'Status':
      cmd = readStatus(ctx, f);
      break;
    case 'Results':
      cmd = readResults(ctx, f);
      break;
    case 'Alert':
      cmd = readAlert(ctx, f);
      break;
    case 'Add':
    case 'Replace':
    case 'Copy':
      cmd = { kind: name, ...readCommon(ctx, f), Items: readItems(ctx, f) };
      break;
    case 'Delete': {
      const del: Delete = { kind: 'Delete', ...readCommon(ctx, f), Items: readItems(ctx, f) };
      if (f.has('Archive')) del.Archive = true;
      if (f.has('SftDel')) del.SftDel = true;
      cmd = del;
      break;
    }
    case 'Get': {
      const get: Get = { kind: 'Get', ...readCommon(ctx, f), Items: readItems(ctx, f) };
      const lang = f.text('Lang');
      if (lang !== undefined) get.Lang = lang;
      cmd = get;
      break;
    }
    case 'Exec': {
      const exec: Exec = { kind: 'Exec', ...readCommon(ctx, f), Items: readItems(ctx, f) };
      const correlator = f.text('Correlator');
      if (correlator !== undefined) exec.Correlator = correlator;
      cmd = exec;
      break;
    }
    case 'Atomic':
    case 'Sequence': {
      const container: Atomic | Sequence = { kind: name, CmdID: f.requiredText('CmdID'), commands: [] };
      if (f.has('NoResp')) container.NoResp = true;
      const meta = f.one('Meta');
      if (meta) container.Meta = readMeta(ctx, meta, f.childPath('Meta'));
      container.commands = readCommandList(ctx, f);
      cmd = container;
      break;
    }
    default:
      throw new SyncMLError('syncml-malformed', `${name} is not a command`, path);
  }
  f.finish();
  return cmd;
}

/** The commands among an element's children, in document order. */
function readCommandList(ctx: ReadContext, f: Fields): Command[] {
  const counters = new Map<string, number>();
  const commands: Command[] = [];
  for (const child of f.el.children) {
    if (child.kind !== 'element') continue;
    const name = localName(child.name);
    if (!COMMAND_NAMES.has(name)) continue;
    const index = counters.get(name) ?? 0;
    counters.set(name, index + 1);
    f.all(name);
    commands.push(readCommand(ctx, child, f.childPath(name, index)));
  }
  // Skipped commands are reported with their CmdID so that the session can still answer them.
  for (const child of f.el.children) {
    if (child.kind !== 'element') continue;
    const name = localName(child.name);
    if (COMMAND_NAMES.has(name) || !NOT_USED_IN_DM.has(name)) continue;
    const cmdIdEl = child.children.find(
      (c): c is XmlElement => c.kind === 'element' && localName(c.name) === 'CmdID',
    );
    if (cmdIdEl) {
      f.all(name);
      ctx.warn('not-used-in-dm', `${f.path}/${name}`, `${name} is not used in OMA DM; skipped`, {
        element: name,
        CmdID: textContent(cmdIdEl).trim(),
      });
    }
  }
  return commands;
}

function readHeader(ctx: ReadContext, el: XmlElement, path: string): SyncHdr {
  const f = new Fields(ctx, el, path);
  const hdr: SyncHdr = {
    VerDTD: f.requiredText('VerDTD'),
    VerProto: f.requiredText('VerProto'),
    SessionID: f.requiredText('SessionID'),
    MsgID: f.requiredText('MsgID'),
    Target: readLocRef(ctx, f.required('Target'), f.childPath('Target')),
    Source: readLocRef(ctx, f.required('Source'), f.childPath('Source')),
  };
  if (hdr.VerDTD !== VER_DTD)
    ctx.warn('unexpected-value', `${path}/VerDTD`, `VerDTD ${hdr.VerDTD}, expected ${VER_DTD}`);
  if (hdr.VerProto !== VER_PROTO) {
    ctx.warn('unexpected-value', `${path}/VerProto`, `VerProto ${hdr.VerProto}, expected ${VER_PROTO}`);
  }
  const respUri = f.text('RespURI');
  if (respUri !== undefined && respUri !== '') hdr.RespURI = respUri;
  if (f.has('NoResp')) hdr.NoResp = true;
  const cred = f.one('Cred');
  if (cred) hdr.Cred = readCred(ctx, cred, f.childPath('Cred'));
  const meta = f.one('Meta');
  if (meta) hdr.Meta = readMeta(ctx, meta, f.childPath('Meta'));
  f.finish();
  return hdr;
}

function readBody(ctx: ReadContext, el: XmlElement, path: string): SyncBody {
  const f = new Fields(ctx, el, path);
  const body: SyncBody = { commands: readCommandList(ctx, f), Final: f.has('Final') };
  f.finish();
  return body;
}

/** Read a SyncML DM message from the document model. Throws SyncMLError when it cannot. */
export function readSyncML(doc: XmlDocument): SyncMLMessage {
  const ctx = new ReadContext();
  const root = doc.root;
  if (localName(root.name) !== 'SyncML') {
    throw new SyncMLError('syncml-not-syncml', `root element is ${root.name}, not SyncML`, root.name);
  }
  const xmlns = root.attributes.find((a) => a.name === 'xmlns')?.value;
  if (xmlns !== undefined && xmlns.toUpperCase() !== SYNCML_NAMESPACE) {
    ctx.warn('unexpected-value', 'SyncML', `namespace ${xmlns}, expected ${SYNCML_NAMESPACE}`);
  }
  const f = new Fields(ctx, root, 'SyncML');
  const SyncHdr = readHeader(ctx, f.required('SyncHdr'), 'SyncML/SyncHdr');
  const SyncBody = readBody(ctx, f.required('SyncBody'), 'SyncML/SyncBody');
  f.finish();
  return { SyncHdr, SyncBody, warnings: ctx.warnings };
}
