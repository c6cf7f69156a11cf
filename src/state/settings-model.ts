/**
 * The settings screens as data: which MO instances each screen lists, which fields an instance
 * form shows (walked from the MO's DDF-like description), how each field is checked, how a form
 * becomes one batch of tree operations, and the sentences the UI shows about locks. Pure: it
 * reads the tree through `ManagementTree.get` / `instances` only, and never writes.
 */
import {
  checkApn,
  checkE164,
  checkHost,
  checkInteger,
  checkIpv4,
  checkPort,
  checkRequired,
  checkSipOrHost,
  checkSipUri,
  checkUrl,
  isIpv6,
} from '../core/validate/fields.ts';
import { CONN, DM_ACC, DYNAMIC, MMS, POC, type DdfNode } from '../core/tree/mo/index.ts';
import type { ManagementTree } from '../core/tree/tree.ts';
import {
  LOCAL_USER,
  type InstanceInfo,
  type LockInfo,
  type NodeFormat,
  type TreeOp,
} from '../core/tree/types.ts';

export type ServiceId = 'mms' | 'poc' | 'nap' | 'px' | 'dmacc';

export interface ServiceDef {
  id: ServiceId;
  /** What one instance is called, e.g. "MMS settings", "access point". */
  noun: string;
  /** Canonical URI of the collection, e.g. `./MMS`. */
  collection: string;
  instanceDdf: DdfNode;
  /** Whether instances carry Active / Default / Locked (decision 0021). */
  flags: boolean;
  userCanAdd: boolean;
}

function instanceDdf(root: DdfNode, ...path: string[]): DdfNode {
  let node = root;
  for (const name of [...path, DYNAMIC]) node = node.children!.find((c) => c.name === name)!;
  return node;
}

export const SERVICES: Readonly<Record<ServiceId, ServiceDef>> = {
  mms: {
    id: 'mms',
    noun: 'MMS settings',
    collection: MMS.root,
    instanceDdf: instanceDdf(MMS.ddf),
    flags: true,
    userCanAdd: true,
  },
  poc: {
    id: 'poc',
    noun: 'push-to-talk settings',
    collection: POC.root,
    instanceDdf: instanceDdf(POC.ddf),
    flags: true,
    userCanAdd: true,
  },
  nap: {
    id: 'nap',
    noun: 'access point',
    collection: `${CONN.root}/NAP`,
    instanceDdf: instanceDdf(CONN.ddf, 'NAP'),
    flags: true,
    userCanAdd: true,
  },
  px: {
    id: 'px',
    noun: 'proxy',
    collection: `${CONN.root}/PX`,
    instanceDdf: instanceDdf(CONN.ddf, 'PX'),
    flags: false,
    userCanAdd: true,
  },
  dmacc: {
    id: 'dmacc',
    noun: 'DM account',
    collection: DM_ACC.root,
    instanceDdf: instanceDdf(DM_ACC.ddf),
    flags: false,
    userCanAdd: false,
  },
};

/** How a field is edited and checked. */
export type FieldKind =
  | 'text'
  | 'url'
  | 'host'
  | 'port'
  | 'int'
  | 'bool'
  | 'nap-addr'
  | 'sip'
  | 'sip-or-host'
  | 'sip-or-tel'
  | 'ref-nap'
  | 'ref-px'
  | 'choice'
  | 'secret'
  /** Shown, never edited by the user (ServerID, AppID: set by the operator). */
  | 'fixed';

interface FieldSpec {
  label: string;
  kind?: FieldKind;
  choices?: readonly string[];
  min?: number;
  /** Required for the user even when the DDF says ZeroOrOne. */
  required?: boolean;
  /** Leave out of the form. */
  hidden?: boolean;
}

/** Labels and kinds per service, keyed by the leaf's path below the instance (`<x>` for dynamic names). */
const SPECS: Readonly<Record<ServiceId, Readonly<Record<string, FieldSpec>>>> = {
  mms: {
    Name: { label: 'Name', required: true },
    Addr: { label: 'MMSC URL', kind: 'url' },
    ToProxy: { label: 'Proxy', kind: 'ref-px' },
    ConRef: { label: 'Access point', kind: 'ref-nap' },
    MaxMsgSize: { label: 'Maximum message size (bytes)', kind: 'int', min: 1 },
    AppId: { label: 'Application ID', kind: 'fixed' },
    ProviderId: { label: 'Provider ID' },
    CreationMode: { label: 'Creation mode' },
    RetrievalMode: { label: 'Retrieval mode' },
  },
  poc: {
    Name: { label: 'Name', required: true },
    Addr: { label: 'PoC server', kind: 'sip-or-host', required: true },
    ConfFactoryUri: { label: 'Conference factory URI', kind: 'sip' },
    XdmsRootUri: { label: 'XDMS root URI', kind: 'url' },
    PublicUserId: { label: 'Your public user identity', kind: 'sip-or-tel' },
    ToAppRef: { label: 'SIP/IMS application reference' },
    ToProxy: { label: 'Proxy', kind: 'ref-px' },
    ConRef: { label: 'Access point', kind: 'ref-nap' },
    AppId: { label: 'Application ID', kind: 'fixed' },
    ProviderId: { label: 'Provider ID' },
    'AppAuth/<x>/AAuthType': { label: 'Authentication type' },
    'AppAuth/<x>/AAuthName': { label: 'User name' },
    'AppAuth/<x>/AAuthSecret': { label: 'Password', kind: 'secret' },
  },
  nap: {
    Name: { label: 'Name' },
    NapId: { label: 'Access point ID', required: true },
    AddrType: { label: 'Address type', kind: 'choice', choices: ['APN', 'E164', 'IPV4', 'IPV6'] },
    Addr: { label: 'Access point name (APN)', kind: 'nap-addr' },
    Bearer: {
      label: 'Bearer',
      kind: 'choice',
      choices: ['GSM-GPRS', 'GSM-CSD', 'WCDMA-UMTS', 'LTE', 'CDMA2000-1X', 'WLAN'],
    },
    Internet: { label: 'Internet access', kind: 'bool' },
    Linger: { label: 'Linger time (seconds)', kind: 'int', min: 0 },
    LocalAddr: { label: 'Local address' },
    LocalAddrType: { label: 'Local address type' },
    'DnsAddr/<x>/Addr': { label: 'DNS server', kind: 'host' },
    'AuthInfo/<x>/AuthType': {
      label: 'Authentication type',
      kind: 'choice',
      choices: ['PAP', 'CHAP', 'MD5'],
    },
    'AuthInfo/<x>/AuthName': { label: 'User name' },
    'AuthInfo/<x>/AuthSecret': { label: 'Password', kind: 'secret' },
    'AuthInfo/<x>/AuthEntity': { label: 'Authentication entity' },
    'AuthInfo/<x>/Spi': { label: 'SPI' },
  },
  px: {
    Name: { label: 'Name' },
    ProxyId: { label: 'Proxy ID', required: true },
    ProxyPw: { label: 'Proxy password', kind: 'secret' },
    PpgAuthType: { label: 'PPG authentication type' },
    ProxyProviderId: { label: 'Proxy provider ID' },
    Domain: { label: 'Domain' },
    Trust: { label: 'Trusted proxy', kind: 'bool' },
    Master: { label: 'Master proxy', kind: 'bool' },
    StartPage: { label: 'Start page', kind: 'url' },
    'AuthInfo/<x>/AuthType': { label: 'Authentication type' },
    'AuthInfo/<x>/AuthId': { label: 'User name' },
    'AuthInfo/<x>/AuthPw': { label: 'Password', kind: 'secret' },
    'Port/<x>/PortNbr': { label: 'Port', kind: 'port' },
    'Port/<x>/Service': { label: 'Service' },
    'PxPhysical/<x>/PhysicalProxyId': { label: 'Physical proxy ID', required: true },
    'PxPhysical/<x>/PxAddr': { label: 'Proxy address', kind: 'host' },
    'PxPhysical/<x>/PxAddrType': { label: 'Address type', kind: 'choice', choices: ['IPV4', 'IPV6', 'E164'] },
    'PxPhysical/<x>/PxAddrFqdn': { label: 'Proxy host name', kind: 'host' },
    'PxPhysical/<x>/ToNapId': { label: 'Access point', kind: 'ref-nap' },
    'PxPhysical/<x>/Port/<x>/PortNbr': { label: 'Port', kind: 'port' },
    'PxPhysical/<x>/Port/<x>/Service': { label: 'Service' },
  },
  dmacc: {
    Name: { label: 'Name' },
    ServerID: { label: 'Server ID', kind: 'fixed' },
    AppID: { label: 'Application ID', kind: 'fixed' },
    PrefConRef: { label: 'Preferred connection', kind: 'ref-nap' },
    'ToConRef/<x>/ConRef': { label: 'Connection', kind: 'ref-nap' },
    'AppAddr/<x>/Addr': { label: 'Server address', kind: 'url' },
    'AppAddr/<x>/AddrType': { label: 'Address type', kind: 'choice', choices: ['URI', 'IPv4', 'IPv6'] },
    'AppAddr/<x>/Port/<x>/PortNbr': { label: 'Port', kind: 'port' },
    AAuthPref: { label: 'Preferred authentication' },
    'AppAuth/<x>/AAuthLevel': { label: 'Authentication level', kind: 'fixed' },
    'AppAuth/<x>/AAuthType': { label: 'Authentication type' },
    'AppAuth/<x>/AAuthName': { label: 'Name' },
    'AppAuth/<x>/AAuthSecret': { label: 'Password', kind: 'secret' },
    'AppAuth/<x>/AAuthData': { label: 'Nonce', hidden: true },
  },
};

/** Section titles for repeated groups, keyed by the group's path with `<x>`. */
const SECTIONS: Readonly<Record<string, string>> = {
  'AuthInfo/<x>': 'Credentials',
  'AppAuth/<x>': 'Credentials',
  'DnsAddr/<x>': 'DNS server',
  'Port/<x>': 'Port',
  'PxPhysical/<x>': 'Physical proxy',
  'PxPhysical/<x>/Port/<x>': 'Port',
  'AppAddr/<x>': 'Server address',
  'AppAddr/<x>/Port/<x>': 'Port',
  'ToConRef/<x>': 'Connection',
};

/** One field of an instance form. */
export interface FormField {
  /** Path below the instance with real names, e.g. `Addr`, `PxPhysical/1/PxAddr`; the form's key. */
  key: string;
  /** Canonical URI of the leaf. */
  uri: string;
  label: string;
  /** The DDF description: what the field is. */
  hint: string;
  /** Group heading, e.g. "Physical proxy 1"; empty for the instance's own leaves. */
  section: string;
  kind: FieldKind;
  choices: readonly string[];
  format: NodeFormat;
  required: boolean;
  min?: number;
  /** Whether the leaf exists in the tree now. */
  exists: boolean;
  /** The stored value ('' for secrets, which are never read back). */
  value: string;
}

function humanize(name: string): string {
  const words = name.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function childNames(tree: ManagementTree | null, uri: string): string[] {
  if (!tree) return [];
  const r = tree.get(LOCAL_USER, uri);
  return r.status === 200 && r.format === 'node' ? (r.children ?? []) : [];
}

function leafValue(tree: ManagementTree, uri: string): { exists: boolean; value: string } {
  const r = tree.get(LOCAL_USER, uri);
  if (r.status === 200) return { exists: true, value: r.value ?? '' };
  // A write-only secret answers 405: it exists, its value is not shown.
  if (r.status === 405) return { exists: true, value: '' };
  return { exists: false, value: '' };
}

/**
 * The form fields of an instance, walked from the service's DDF. Repeated groups (`<x>`) are
 * expanded with the names present in the tree; for a new instance (`uri` null) the groups the MO
 * requires at least once (OneOrMore) and their ports are offered once, named `1`.
 */
export function instanceFields(
  tree: ManagementTree | null,
  service: ServiceId,
  uri: string | null,
): FormField[] {
  const def = SERVICES[service];
  const specs = SPECS[service];
  const out: FormField[] = [];
  const walk = (
    ddf: DdfNode,
    realPath: string[],
    patternPath: string[],
    sections: string[],
    base: string | null,
  ) => {
    for (const child of ddf.children ?? []) {
      if (child.name === 'Ext') continue;
      if (child.format === 'node') {
        if (child.name === DYNAMIC) {
          const pattern = [...patternPath, DYNAMIC].join('/');
          const title = SECTIONS[pattern] ?? humanize(ddf.name);
          const names =
            base !== null
              ? childNames(tree, `${base}/${realPath.join('/')}`)
              : child.occurrence === 'OneOrMore' || ddf.name === 'Port'
                ? ['1']
                : [];
          for (const name of names) {
            walk(
              child,
              [...realPath, name],
              [...patternPath, DYNAMIC],
              [...sections, `${title} ${name}`],
              base,
            );
          }
        } else {
          walk(child, [...realPath, child.name], [...patternPath, child.name], sections, base);
        }
        continue;
      }
      const key = [...realPath, child.name].join('/');
      const spec = specs[[...patternPath, child.name].join('/')] ?? { label: humanize(child.name) };
      if (spec.hidden || child.format === 'bin') continue;
      const kind: FieldKind =
        spec.kind ??
        (child.secret
          ? 'secret'
          : child.format === 'int'
            ? 'int'
            : child.format === 'bool'
              ? 'bool'
              : 'text');
      const leafUri = `${base ?? `${def.collection}/<new>`}/${key}`;
      const stored =
        base !== null && tree ? leafValue(tree, leafUri) : { exists: false, value: child.defaultValue ?? '' };
      const field: FormField = {
        key,
        uri: leafUri,
        label: spec.label,
        hint: child.description,
        section: sections.join(', '),
        kind,
        choices: spec.choices ?? [],
        format: child.format,
        required: spec.required === true || child.occurrence === 'One',
        exists: stored.exists,
        value: kind === 'secret' ? '' : stored.value,
      };
      if (spec.min !== undefined) field.min = spec.min;
      out.push(field);
    }
  };
  walk(def.instanceDdf, [], [], [], uri);
  // The instance's own leaves first, then the groups in DDF order.
  return [...out.filter((f) => f.section === ''), ...out.filter((f) => f.section !== '')];
}

/** Choices for reference fields: the access points or proxies in the tree, by URI. */
export interface RefOption {
  uri: string;
  label: string;
}

export function refOptions(tree: ManagementTree | null, kind: 'ref-nap' | 'ref-px'): RefOption[] {
  const collection = kind === 'ref-nap' ? SERVICES.nap.collection : SERVICES.px.collection;
  return childNames(tree, collection).map((name) => {
    const uri = `${collection}/${name}`;
    return { uri, label: tree ? displayName(tree, uri) : name };
  });
}

/** An instance's display name: its Name leaf, else its node name. */
export function displayName(tree: ManagementTree, uri: string): string {
  const r = tree.get(LOCAL_USER, `${uri}/Name`);
  const name = r.status === 200 ? (r.value ?? '').trim() : '';
  return name !== '' ? name : (uri.split('/').pop() ?? uri);
}

/**
 * Why `value` is not acceptable for `field`, or null. `values` is the whole form (the NAP
 * address is checked according to its address type).
 */
function fieldProblem(
  field: FormField,
  value: string,
  values: Readonly<Record<string, string>>,
): string | null {
  if (field.kind === 'fixed') return null;
  if (value === '') {
    if (field.kind === 'secret' && field.exists) return null;
    return field.required ? checkRequired(value) : null;
  }
  if (value.length > 1024) return 'At most 1024 characters.';
  switch (field.kind) {
    case 'url':
      return checkUrl(value);
    case 'host':
      return checkHost(value);
    case 'port':
      return checkPort(value);
    case 'int':
      return checkInteger(value, field.min !== undefined ? { min: field.min, max: 2_147_483_647 } : {});
    case 'sip':
      return checkSipUri(value);
    case 'sip-or-tel':
      return checkSipUri(value, true);
    case 'sip-or-host':
      return checkSipOrHost(value);
    case 'nap-addr': {
      const typeKey = field.key.replace(/Addr$/, 'AddrType');
      const type = (values[typeKey] ?? 'APN').toUpperCase();
      if (type === 'E164') return checkE164(value);
      if (type === 'IPV4') return checkIpv4(value);
      if (type === 'IPV6') return isIpv6(value) ? null : 'Enter an IPv6 address, e.g. 2001:db8::1.';
      return checkApn(value);
    }
    case 'choice':
      return field.choices.length === 0 || field.choices.includes(value) || value === field.value
        ? null
        : `Choose one of ${field.choices.join(', ')}.`;
    case 'bool':
      return value === 'true' || value === 'false' ? null : 'Choose on or off.';
    default:
      return null;
  }
}

/** Every field's problem, by key; empty when the form can be saved. */
export function formProblems(
  fields: readonly FormField[],
  values: Readonly<Record<string, string>>,
): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fields) {
    const problem = fieldProblem(f, values[f.key] ?? '', values);
    if (problem) out[f.key] = problem;
  }
  return out;
}

/** The initial values of a form, by key. */
export function initialValues(fields: readonly FormField[]): Record<string, string> {
  return Object.fromEntries(
    fields.map((f) => [f.key, f.kind === 'bool' && f.value === '' ? 'false' : f.value]),
  );
}

/**
 * The tree operations for one save, as LOCAL_USER, in one batch. For a new instance: Add of the
 * instance then of every non-empty leaf. For an existing one: Replace of changed leaves, Add of
 * leaves that did not exist, Delete of optional leaves emptied; secrets left empty are kept.
 */
export function saveOps(
  instanceUri: string,
  fields: readonly FormField[],
  values: Readonly<Record<string, string>>,
  isNew: boolean,
): TreeOp[] {
  const ops: TreeOp[] = [];
  if (isNew) ops.push({ op: 'add', uri: instanceUri, format: 'node' });
  for (const f of fields) {
    if (f.kind === 'fixed' && !isNew) continue;
    const value = values[f.key] ?? '';
    const uri = `${instanceUri}/${f.key}`;
    if (isNew) {
      if (value !== '' && !(f.kind === 'bool' && value === 'false'))
        ops.push({ op: 'add', uri, format: f.format, value });
      continue;
    }
    if (f.kind === 'secret') {
      if (value === '') continue;
      ops.push(f.exists ? { op: 'replace', uri, value } : { op: 'add', uri, format: f.format, value });
      continue;
    }
    const original = f.kind === 'bool' && f.value === '' ? 'false' : f.value;
    if (value === original) continue;
    if (!f.exists) {
      if (value !== '' && !(f.kind === 'bool' && value === 'false'))
        ops.push({ op: 'add', uri, format: f.format, value });
    } else if (value === '') {
      ops.push({ op: 'delete', uri });
    } else {
      ops.push({ op: 'replace', uri, value });
    }
  }
  return ops;
}

/** A node name for a new instance, from the name the user typed, unique among `taken`. */
export function newInstanceName(displayName: string, taken: readonly string[]): string {
  const base =
    displayName
      .normalize('NFKD')
      .replace(/[^A-Za-z0-9_-]+/g, '_')
      .replace(/^_+|_+$/g, '')
      .slice(0, 32) || 'Settings';
  if (!taken.includes(base)) return base;
  for (let i = 2; ; i++) if (!taken.includes(`${base}_${i}`)) return `${base}_${i}`;
}

// ---------------------------------------------------------------------------------------
// Locks, in the user's words

/** DM server names by ServerID, from each DMAcc instance's Name (ServerID when it has none). */
export function serverNames(tree: ManagementTree): Map<string, string> {
  const out = new Map<string, string>();
  for (const name of childNames(tree, DM_ACC.root)) {
    const id = tree.get(LOCAL_USER, `${DM_ACC.root}/${name}/ServerID`);
    if (id.status !== 200 || !id.value) continue;
    const label = tree.get(LOCAL_USER, `${DM_ACC.root}/${name}/Name`);
    out.set(id.value, label.status === 200 && label.value ? label.value : id.value);
  }
  return out;
}

/** `21 Nov, 10:42` (the year is added when it is not the current one). */
function formatLockTime(at: number, now = Date.now()): string {
  const d = new Date(at);
  const sameYear = d.getFullYear() === new Date(now).getFullYear();
  const day = d.toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    ...(sameYear ? {} : { year: 'numeric' }),
  });
  const time = d.toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
  return `${day}, ${time}`;
}

/** "Locked by Example Operator on 21 Nov, 10:42 (session 3)". */
export function lockSentence(lock: LockInfo, names: ReadonlyMap<string, string>, now = Date.now()): string {
  const who =
    lock.by.kind === 'server'
      ? (names.get(lock.by.serverId) ?? lock.by.serverId)
      : lock.by.kind === 'device'
        ? 'your operator’s provisioning message'
        : 'you';
  const origin = lock.origin ? ` (${lock.origin})` : '';
  return `Locked by ${who} on ${formatLockTime(lock.at, now)}${origin}`;
}

/**
 * Why the user cannot make `target` the Active (or Default) instance, or null when they can.
 * Mirrors the tree's rule (decision 0021): a Locked instance cannot be chosen, and nothing else
 * can be chosen while the current holder is Locked.
 */
export function choiceBlocked(
  instances: readonly InstanceInfo[],
  target: InstanceInfo,
  flag: 'active' | 'default',
  names: ReadonlyMap<string, string>,
  nameOf: (uri: string) => string,
): string | null {
  const word = flag === 'active' ? 'active' : 'default';
  const holder = instances.find((i) => i[flag] && i.uri !== target.uri);
  if (holder?.locked)
    return `The operator locked the ${word} choice: ${nameOf(holder.uri)} is ${lockSentence(holder.locked, names).replace(/^L/, 'l')}.`;
  if (target.locked && !target[flag])
    return `${nameOf(target.uri)} is ${lockSentence(target.locked, names).replace(/^L/, 'l')}; it cannot be made ${word}.`;
  return null;
}

/** The second line of an instance in a list: its main address. */
export function instanceDetail(tree: ManagementTree, service: ServiceId, uri: string): string {
  const get = (path: string) => {
    const r = tree.get(LOCAL_USER, `${uri}/${path}`);
    return r.status === 200 && r.format !== 'node' ? (r.value ?? '') : '';
  };
  const first = (path: string) => childNames(tree, `${uri}/${path}`)[0];
  switch (service) {
    case 'mms':
    case 'poc':
      return get('Addr') || 'No server address';
    case 'nap':
      return get('Addr') ? `${get('AddrType') || 'APN'} ${get('Addr')}` : 'No address';
    case 'px': {
      const phys = first('PxPhysical');
      return (
        (phys && (get(`PxPhysical/${phys}/PxAddr`) || get(`PxPhysical/${phys}/PxAddrFqdn`))) || 'No address'
      );
    }
    case 'dmacc': {
      const addr = first('AppAddr');
      return [get('ServerID'), addr ? get(`AppAddr/${addr}/Addr`) : ''].filter(Boolean).join(' · ');
    }
  }
}
