/**
 * A validated CP document → one atomic batch of tree mutations (TreeOp[]) plus its preview.
 * Node names are exactly those of the MO layouts in `tree/mo/` (conn.ts, mms.ts, poc.ts,
 * dm-acc.ts); the mapping and the naming rules are decisions 0060-0064.
 *
 * - NAPDEF (+NAPAUTHINFO, VALIDITY) → `./Conn/NAP/<x>`; PXLOGICAL (+PXAUTHINFO, PORT,
 *   PXPHYSICAL) → `./Conn/PX/<x>`.
 * - w4 / ap0005 → a `./MMS/<x>` instance; ap0001 / ap0006 → a `./PoC/<x>` instance; each
 *   becomes Active only when no other instance of its service is Active.
 * - w7 → `./DMAcc/<x>` per the DM 1.2 mapping [oma-cp.md §5], ACL Get/Replace/Delete for its
 *   ServerID; the same ServerID re-provisioned replaces that account in place.
 * - TO-NAPID / TO-PROXY resolve to URIs of connectivity instances of this batch first, then of
 *   the tree; `TO-NAPID=INTERNET` = a NAPDEF with NAPID INTERNET or with the INTERNET parameter.
 * - Everything else is kept in the document and listed as not applied.
 *
 * Pure: reads the tree through `TreeReader`, writes nothing.
 */
import { formatAcl, grant, type Acl } from '../tree/acl.ts';
import type {
  BatchOptions,
  BatchResult,
  NodeFormat,
  NodeRecord,
  NodeValue,
  Principal,
  TreeOp,
  TreeResult,
} from '../tree/types.ts';
import { DEVICE } from '../tree/types.ts';
import { lastSegment } from '../tree/uri.ts';
import {
  appId,
  childrenOfType,
  hasParm,
  parmValue,
  parmValues,
  topLevel,
  type CpCharacteristic,
  type CpDocument,
} from './document.ts';
import {
  MASK,
  buildPreview,
  type PreviewField,
  type PreviewItem,
  type ProvisioningPlan,
  type ServiceGroup,
  type SessionStart,
} from './preview.ts';
import {
  AAUTHLEVEL_TO_DMACC,
  DM_APPIDS,
  KNOWN_APPIDS,
  MMS_APPIDS,
  POC_APPIDS,
  applicationAddresses,
  assertValidCp,
  dmAuthType,
  napdefsMatching,
  validateCpDocument,
  warningsOf,
  type CpIssue,
} from './validate.ts';

/** What the planner reads from the tree (ManagementTree satisfies it). */
export interface TreeReader {
  /** The record at a canonical URI, secrets included (never shown: only compared). */
  record(uri: string): Readonly<NodeRecord> | undefined;
  /** Used with DEVICE for the child list of interior nodes. */
  get(principal: Principal, uri: string): TreeResult;
}

/** What applying needs (ManagementTree satisfies it). */
export interface TreeWriter {
  batch(principal: Principal, ops: readonly TreeOp[], options?: BatchOptions): Promise<BatchResult>;
}

export type ProvisioningTree = TreeReader & TreeWriter;

export const CONN_NAP = './Conn/NAP';
export const CONN_PX = './Conn/PX';
export const MMS_ROOT = './MMS';
export const POC_ROOT = './PoC';
export const DMACC_ROOT = './DMAcc';

/** Longest instance name derived from a CP value (decision 0061); MaxSegLen is 64. */
const MAX_NAME = 32;

/** Child names of an interior node, in creation order ([] when absent or a leaf). */
export function childNames(tree: TreeReader, uri: string): string[] {
  const r = tree.get(DEVICE, uri);
  return r.status === 200 && r.children ? r.children : [];
}

/**
 * A URI segment from a CP value (decision 0061): runs of characters other than letters, digits
 * and `-_.~` become `_`, leading/trailing `_` are dropped, at most 32 characters. Empty, `.`
 * or `..` give `fallback`.
 */
export function sanitizeSegment(text: string, fallback: string): string {
  const s = text
    .replace(/[^A-Za-z0-9\-_.~]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, MAX_NAME)
    .replace(/_+$/g, '');
  return s === '' || s === '.' || s === '..' ? fallback : s;
}

/** The DMAcc ACL for ServerIDs: Get, Replace and Delete for each [oma-cp.md §5]. */
export function serverAcl(serverIds: readonly string[]): string {
  let acl: Acl = new Map();
  for (const id of serverIds) acl = grant(acl, id, ['Get', 'Replace', 'Delete']);
  return formatAcl(acl);
}

const ADDR_TYPES: Readonly<Record<string, string>> = { URI: 'URI', IPV4: 'IPv4', IPV6: 'IPv6' };

function textBytes(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

function uint(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const t = value.trim();
  return /^\d{1,10}$/.test(t) ? String(Number(t)) : undefined;
}

/** Parameters of `ch` not in `used`, as `NAME=value` (secrets masked). */
function unusedParms(
  ch: CpCharacteristic,
  used: ReadonlySet<string>,
  secrets: ReadonlySet<string> = new Set(),
): string[] {
  return ch.parms
    .filter((p) => !used.has(p.name))
    .map((p) => (p.value === undefined ? p.name : `${p.name}=${secrets.has(p.name) ? MASK : p.value}`));
}

/** Values after the first of a repeated parameter, which the MO keeps only once. */
function extraValues(ch: CpCharacteristic, name: string): string[] {
  return parmValues(ch, name)
    .slice(1)
    .map((v) => `${name}=${v}`);
}

interface Reference {
  uri: string;
  /** What a person calls it: the NAPID / PROXY-ID. */
  label: string;
  /** Its NAME, when known. */
  name?: string;
}

function napRef(uri: string, label: string, name: string | undefined): Reference {
  return name === undefined ? { uri, label } : { uri, label, name };
}

class Planner {
  readonly ops: TreeOp[] = [];
  readonly items: PreviewItem[] = [];
  readonly warnings: CpIssue[] = [];
  readonly sessions: SessionStart[] = [];
  private readonly napUris = new Map<CpCharacteristic, Reference>();
  private readonly pxUris = new Map<CpCharacteristic, Reference>();
  private readonly taken = new Map<string, Set<string>>();
  private readonly activated = new Set<string>();
  private readonly usedAccess = new Set<CpCharacteristic>();
  /** ACL for every instance created from a document that carries w7 (oma-cp.md §5). */
  private readonly docAcl: string | undefined;

  constructor(
    private readonly doc: CpDocument,
    private readonly tree: TreeReader,
  ) {
    const ids = topLevel(doc, 'APPLICATION')
      .filter((a) => DM_APPIDS.includes(appId(a) ?? ''))
      .map((a) => parmValue(a, 'PROVIDER-ID'))
      .filter((id): id is string => id !== undefined && id !== '');
    this.docAcl = ids.length > 0 ? serverAcl([...new Set(ids)]) : undefined;
  }

  // ------------------------------------------------------------------ ops

  private interior(uri: string, acl?: string): void {
    const op: TreeOp = { op: 'add', uri, format: 'node' };
    if (acl !== undefined) op.acl = acl;
    this.ops.push(op);
  }

  private leaf(base: string, name: string, value: NodeValue | undefined, format?: NodeFormat): void {
    if (value === undefined) return;
    const op: TreeOp = { op: 'add', uri: `${base}/${name}`, value };
    if (format !== undefined) op.format = format;
    this.ops.push(op);
  }

  /**
   * Opens an instance: a new node with its ACL, or (re-provisioning) the existing one emptied
   * of its children, keeping its name, flags and Title; its ACL is set when the document has one.
   */
  private openInstance(uri: string, existing: boolean, acl: string | undefined): void {
    if (!existing) {
      this.interior(uri, acl);
      return;
    }
    for (const child of childNames(this.tree, uri)) this.ops.push({ op: 'delete', uri: `${uri}/${child}` });
    if (acl !== undefined && this.tree.record(uri)?.acl !== acl) {
      this.ops.push({ op: 'replace', uri: `${uri}?prop=ACL`, value: acl });
    }
  }

  /** A unique, readable instance name below `collection` (decision 0061). */
  private allocate(collection: string, base: string): string {
    let names = this.taken.get(collection);
    if (!names) {
      names = new Set(childNames(this.tree, collection));
      this.taken.set(collection, names);
    }
    let name = base;
    for (let n = 2; names.has(name); n++) name = `${base}-${n}`;
    names.add(name);
    return name;
  }

  /** Existing instance below `collection` whose leaf `leafName` equals `value`. */
  private findInstance(collection: string, leafName: string, value: string): string | undefined {
    for (const child of childNames(this.tree, collection)) {
      const uri = `${collection}/${child}`;
      if (this.tree.record(`${uri}/${leafName}`)?.value === value) return uri;
    }
    return undefined;
  }

  private item(
    group: ServiceGroup,
    action: PreviewItem['action'],
    sentence: string,
    source: string,
    fields: PreviewField[],
    notApplied: string[],
    start?: number,
    uri?: string,
  ): PreviewItem {
    const item: PreviewItem = { group, action, sentence, source, fields, notApplied };
    if (uri !== undefined) item.uri = uri;
    if (start !== undefined) item.ops = [start, this.ops.length];
    this.items.push(item);
    return item;
  }

  private warn(path: string, code: string, text: string): void {
    this.warnings.push({ severity: 'warning', code, path, message: `${path}: ${text}` });
  }

  // ------------------------------------------------------------------ references

  /** Resolves a TO-NAPID: this document first, then the handset's access points. */
  resolveNap(napId: string): Reference | undefined {
    for (const n of napdefsMatching(this.doc, napId)) {
      const ref = this.napUris.get(n);
      if (ref) return ref;
    }
    const exact = this.findInstance(CONN_NAP, 'NapId', napId);
    if (exact) return napRef(exact, napId, this.tree.record(`${exact}/Name`)?.value);
    if (napId === 'INTERNET') {
      for (const child of childNames(this.tree, CONN_NAP)) {
        const uri = `${CONN_NAP}/${child}`;
        if (this.tree.record(`${uri}/Internet`)?.value === 'true') {
          return napRef(
            uri,
            this.tree.record(`${uri}/NapId`)?.value ?? child,
            this.tree.record(`${uri}/Name`)?.value,
          );
        }
      }
    }
    return undefined;
  }

  /** Resolves a TO-PROXY: this document first, then the handset's proxies. */
  resolveProxy(proxyId: string): Reference | undefined {
    for (const [px, ref] of this.pxUris) if (parmValue(px, 'PROXY-ID') === proxyId) return ref;
    const uri = this.findInstance(CONN_PX, 'ProxyId', proxyId);
    return uri ? { uri, label: proxyId } : undefined;
  }

  /** The access point a proxy uses: its first PXPHYSICAL's first TO-NAPID that resolves [oma-cp.md §3]. */
  napOfProxy(proxy: Reference): Reference | undefined {
    for (const [px, ref] of this.pxUris) {
      if (ref.uri !== proxy.uri) continue;
      for (const ph of childrenOfType(px, 'PXPHYSICAL')) {
        for (const napId of parmValues(ph, 'TO-NAPID')) {
          const nap = this.resolveNap(napId);
          if (nap) return nap;
        }
      }
      return undefined;
    }
    for (const ph of childNames(this.tree, `${proxy.uri}/PxPhysical`)) {
      const target = this.tree.record(`${proxy.uri}/PxPhysical/${ph}/ToNapId`)?.value;
      if (target && this.tree.record(target)) {
        return napRef(
          target,
          this.tree.record(`${target}/NapId`)?.value ?? lastSegment(target),
          this.tree.record(`${target}/Name`)?.value,
        );
      }
    }
    return undefined;
  }

  private firstNap(ch: CpCharacteristic, values: readonly string[]): Reference | undefined {
    return this.firstResolved(ch, values, (v) => this.resolveNap(v), 'TO-NAPID', 'access point');
  }

  private firstProxy(ch: CpCharacteristic, values: readonly string[]): Reference | undefined {
    return this.firstResolved(ch, values, (v) => this.resolveProxy(v), 'TO-PROXY', 'proxy');
  }

  /** The first of `values` that resolves; each one that does not before it is warned about. */
  private firstResolved(
    ch: CpCharacteristic,
    values: readonly string[],
    resolve: (value: string) => Reference | undefined,
    parm: string,
    what: string,
  ): Reference | undefined {
    for (const v of values) {
      const ref = resolve(v);
      if (ref) return ref;
      this.warn(
        ch.path,
        'unresolved-reference',
        `${parm} "${v}" matches no ${what}, in this document or on the handset`,
      );
    }
    return undefined;
  }

  /**
   * Connectivity of an application: TO-PROXY / TO-NAPID, else an ACCESS rule naming its APPID
   * (decision 0062); the access point through the proxy when there is no TO-NAPID.
   */
  private connectivity(app: CpCharacteristic): { proxy?: Reference; nap?: Reference; via?: string } {
    let proxyIds = parmValues(app, 'TO-PROXY');
    let napIds = parmValues(app, 'TO-NAPID');
    let via: string | undefined;
    if (proxyIds.length === 0 && napIds.length === 0) {
      const id = appId(app) ?? '';
      const rule = topLevel(this.doc, 'ACCESS').find((a) => parmValues(a, 'APPID').includes(id));
      if (rule) {
        this.usedAccess.add(rule);
        proxyIds = parmValues(rule, 'TO-PROXY');
        napIds = parmValues(rule, 'TO-NAPID');
        via = rule.path;
      }
    }
    const out: { proxy?: Reference; nap?: Reference; via?: string } = {};
    const proxy = this.firstProxy(app, proxyIds);
    if (proxy) out.proxy = proxy;
    const nap = napIds.length > 0 ? this.firstNap(app, napIds) : proxy ? this.napOfProxy(proxy) : undefined;
    if (nap) out.nap = nap;
    if (via !== undefined) out.via = via;
    return out;
  }

  // ------------------------------------------------------------------ NAPDEF

  planNapdef(nap: CpCharacteristic): void {
    const napId = parmValue(nap, 'NAPID') as string;
    const existing = this.findInstance(CONN_NAP, 'NapId', napId);
    const uri = existing ?? `${CONN_NAP}/${this.allocate(CONN_NAP, sanitizeSegment(napId, 'NAP'))}`;
    this.napUris.set(nap, napRef(uri, napId, parmValue(nap, 'NAME')));
    const start = this.ops.length;
    this.openInstance(uri, existing !== undefined, this.docAcl);
    const name = parmValue(nap, 'NAME');
    const addr = parmValue(nap, 'NAP-ADDRESS');
    const addrType = parmValue(nap, 'NAP-ADDRTYPE');
    const bearer = parmValue(nap, 'BEARER');
    this.leaf(uri, 'NapId', napId);
    this.leaf(uri, 'Name', name);
    this.leaf(uri, 'Addr', addr);
    this.leaf(uri, 'AddrType', addrType);
    this.leaf(uri, 'Bearer', bearer);
    if (hasParm(nap, 'INTERNET')) this.leaf(uri, 'Internet', 'true', 'bool');
    this.leaf(uri, 'LocalAddr', parmValue(nap, 'LOCAL-ADDR'));
    this.leaf(uri, 'LocalAddrType', parmValue(nap, 'LOCAL-ADDRTYPE'));
    const notApplied = [...extraValues(nap, 'BEARER')];
    const linger = parmValue(nap, 'LINGER');
    if (linger !== undefined) {
      if (uint(linger) !== undefined) this.leaf(uri, 'Linger', uint(linger), 'int');
      else notApplied.push(`LINGER=${linger} (not a number of seconds)`);
    }
    const dns = parmValues(nap, 'DNS-ADDR');
    if (dns.length > 0) {
      this.interior(`${uri}/DnsAddr`);
      dns.forEach((d, i) => {
        this.interior(`${uri}/DnsAddr/${i + 1}`);
        this.leaf(`${uri}/DnsAddr/${i + 1}`, 'Addr', d);
      });
    }
    const fields: PreviewField[] = [
      { label: 'NAPID', value: napId },
      { label: 'Name', value: name ?? '' },
      { label: addrType === 'APN' ? 'APN' : `Address${addrType ? ` (${addrType})` : ''}`, value: addr ?? '' },
    ];
    if (bearer !== undefined) fields.push({ label: 'Bearer', value: bearer });
    const auths = childrenOfType(nap, 'NAPAUTHINFO');
    let user: string | undefined;
    let hasSecret = false;
    if (auths.length > 0) {
      this.interior(`${uri}/AuthInfo`);
      auths.forEach((a, i) => {
        const base = `${uri}/AuthInfo/${i + 1}`;
        this.interior(base);
        this.leaf(base, 'AuthType', parmValue(a, 'AUTHTYPE'));
        this.leaf(base, 'AuthName', parmValue(a, 'AUTHNAME'));
        this.leaf(base, 'AuthSecret', parmValue(a, 'AUTHSECRET'));
        this.leaf(base, 'AuthEntity', parmValue(a, 'AUTH-ENTITY'));
        this.leaf(base, 'Spi', parmValue(a, 'SPI'));
        notApplied.push(...extraValues(a, 'AUTH-ENTITY').map((v) => `${a.path} ${v}`));
        notApplied.push(
          ...unusedParms(a, new Set(['AUTHTYPE', 'AUTHNAME', 'AUTHSECRET', 'AUTH-ENTITY', 'SPI'])).map(
            (p) => `${a.path} ${p}`,
          ),
        );
        user ??= parmValue(a, 'AUTHNAME');
        const secret = parmValue(a, 'AUTHSECRET');
        if (secret !== undefined) hasSecret = true;
        fields.push({ label: `Authentication ${i + 1}`, value: parmValue(a, 'AUTHTYPE') ?? '' });
        if (parmValue(a, 'AUTHNAME') !== undefined)
          fields.push({ label: `User ${i + 1}`, value: parmValue(a, 'AUTHNAME') as string });
        if (secret !== undefined) fields.push({ label: `Password ${i + 1}`, value: MASK, secret: true });
      });
    }
    const validity = childrenOfType(nap, 'VALIDITY');
    if (validity.length > 0) {
      // Decision 0060: the Conn MO has no VALIDITY node yet; kept under Ext/Validity.
      this.interior(`${uri}/Ext`);
      this.interior(`${uri}/Ext/Validity`);
      validity.forEach((v, i) => {
        const base = `${uri}/Ext/Validity/${i + 1}`;
        this.interior(base);
        this.leaf(base, 'Country', parmValue(v, 'COUNTRY'));
        this.leaf(base, 'Network', parmValue(v, 'NETWORK'));
        this.leaf(base, 'Sid', parmValue(v, 'SID'));
        this.leaf(base, 'Soc', parmValue(v, 'SOC'));
        this.leaf(base, 'ValidUntil', parmValue(v, 'VALIDUNTIL'));
        const where = [
          parmValue(v, 'COUNTRY') && `country ${parmValue(v, 'COUNTRY')}`,
          parmValue(v, 'NETWORK') && `network ${parmValue(v, 'NETWORK')}`,
        ]
          .filter(Boolean)
          .join(', ');
        fields.push({ label: `Valid in ${i + 1}`, value: where === '' ? '(see VALIDITY)' : where });
        notApplied.push(
          ...unusedParms(v, new Set(['COUNTRY', 'NETWORK', 'SID', 'SOC', 'VALIDUNTIL'])).map(
            (p) => `${v.path} ${p}`,
          ),
        );
      });
    }
    const used = new Set([
      'NAPID',
      'NAME',
      'NAP-ADDRESS',
      'NAP-ADDRTYPE',
      'BEARER',
      'INTERNET',
      'LOCAL-ADDR',
      'LOCAL-ADDRTYPE',
      'LINGER',
      'DNS-ADDR',
    ]);
    notApplied.push(...unusedParms(nap, used));
    for (const c of nap.characteristics)
      if (c.type !== 'NAPAUTHINFO' && c.type !== 'VALIDITY')
        notApplied.push(`${c.path} (unknown characteristic)`);
    const details = [
      name,
      addr !== undefined ? (addrType === 'APN' ? `APN ${addr}` : addr) : undefined,
      bearer,
      user !== undefined ? `user ${user}` : undefined,
      hasSecret ? `password ${MASK}` : undefined,
    ].filter((d): d is string => d !== undefined && d !== '');
    const verb = existing ? 'Replaces' : 'Adds';
    this.item(
      'access-points',
      existing ? 'replace' : 'add',
      `${verb} access point *${napId}*${details.length > 0 ? ` (${details.join(', ')})` : ''}`,
      nap.path,
      fields,
      notApplied,
      start,
      uri,
    );
  }

  // ------------------------------------------------------------------ PXLOGICAL

  /** Reserves the proxy's URI (so applications can refer to it) before its ops are written. */
  reserveProxy(px: CpCharacteristic): void {
    const proxyId = parmValue(px, 'PROXY-ID') as string;
    const existing = this.findInstance(CONN_PX, 'ProxyId', proxyId);
    const uri = existing ?? `${CONN_PX}/${this.allocate(CONN_PX, sanitizeSegment(proxyId, 'PX'))}`;
    this.pxUris.set(px, { uri, label: proxyId });
  }

  private ports(base: string, ports: readonly CpCharacteristic[], notApplied: string[]): string[] {
    const numbers: string[] = [];
    if (ports.length === 0) return numbers;
    this.interior(`${base}/Port`);
    ports.forEach((p, i) => {
      const pb = `${base}/Port/${i + 1}`;
      this.interior(pb);
      const nbr = uint(parmValue(p, 'PORTNBR'));
      this.leaf(pb, 'PortNbr', nbr, 'int');
      this.leaf(pb, 'Service', parmValue(p, 'SERVICE'));
      if (nbr !== undefined) numbers.push(nbr);
      notApplied.push(...extraValues(p, 'SERVICE').map((v) => `${p.path} ${v}`));
    });
    return numbers;
  }

  planProxy(px: CpCharacteristic): void {
    const ref = this.pxUris.get(px) as Reference;
    const uri = ref.uri;
    const existing = this.tree.record(uri) !== undefined;
    const start = this.ops.length;
    this.openInstance(uri, existing, this.docAcl);
    const proxyId = ref.label;
    const name = parmValue(px, 'NAME');
    this.leaf(uri, 'ProxyId', proxyId);
    this.leaf(uri, 'Name', name);
    this.leaf(uri, 'ProxyPw', parmValue(px, 'PROXY-PW'));
    this.leaf(uri, 'PpgAuthType', parmValue(px, 'PPGAUTH-TYPE'));
    this.leaf(uri, 'ProxyProviderId', parmValue(px, 'PROXY-PROVIDER-ID'));
    this.leaf(uri, 'Domain', parmValue(px, 'DOMAIN'));
    if (hasParm(px, 'TRUST')) this.leaf(uri, 'Trust', 'true', 'bool');
    if (hasParm(px, 'MASTER')) this.leaf(uri, 'Master', 'true', 'bool');
    this.leaf(uri, 'StartPage', parmValue(px, 'STARTPAGE'));
    const notApplied: string[] = [...extraValues(px, 'DOMAIN')];
    const fields: PreviewField[] = [
      { label: 'PROXY-ID', value: proxyId },
      { label: 'Name', value: name ?? '' },
    ];
    if (parmValue(px, 'PROXY-PW') !== undefined)
      fields.push({ label: 'Proxy password', value: MASK, secret: true });
    const auths = childrenOfType(px, 'PXAUTHINFO');
    if (auths.length > 0) {
      this.interior(`${uri}/AuthInfo`);
      auths.forEach((a, i) => {
        const base = `${uri}/AuthInfo/${i + 1}`;
        this.interior(base);
        this.leaf(base, 'AuthType', parmValue(a, 'PXAUTH-TYPE'));
        this.leaf(base, 'AuthId', parmValue(a, 'PXAUTH-ID'));
        this.leaf(base, 'AuthPw', parmValue(a, 'PXAUTH-PW'));
        fields.push({ label: `Authentication ${i + 1}`, value: parmValue(a, 'PXAUTH-TYPE') ?? '' });
        if (parmValue(a, 'PXAUTH-ID') !== undefined)
          fields.push({ label: `User ${i + 1}`, value: parmValue(a, 'PXAUTH-ID') as string });
        if (parmValue(a, 'PXAUTH-PW') !== undefined)
          fields.push({ label: `Password ${i + 1}`, value: MASK, secret: true });
      });
    }
    const logicalPorts = this.ports(uri, childrenOfType(px, 'PORT'), notApplied);
    const physicals = childrenOfType(px, 'PXPHYSICAL');
    const addresses: string[] = [];
    let firstNap: Reference | undefined;
    if (physicals.length > 0) {
      this.interior(`${uri}/PxPhysical`);
      const names = new Set<string>();
      for (const ph of physicals) {
        const pid = parmValue(ph, 'PHYSICAL-PROXY-ID') ?? '';
        const baseName = sanitizeSegment(pid, 'physical');
        let phName = baseName;
        for (let n = 2; names.has(phName); n++) phName = `${baseName}-${n}`;
        names.add(phName);
        const base = `${uri}/PxPhysical/${phName}`;
        this.interior(base);
        const pxaddr = parmValue(ph, 'PXADDR');
        this.leaf(base, 'PhysicalProxyId', pid);
        this.leaf(base, 'PxAddr', pxaddr);
        this.leaf(base, 'PxAddrType', parmValue(ph, 'PXADDRTYPE'));
        this.leaf(base, 'PxAddrFqdn', parmValue(ph, 'PXADDR-FQDN'));
        const napIds = parmValues(ph, 'TO-NAPID');
        const nap = this.firstNap(ph, napIds);
        if (nap) {
          this.leaf(base, 'ToNapId', nap.uri);
          firstNap ??= nap;
        }
        // The MO keeps one ToNapId: the first value that resolves; the others are listed.
        const usedValue = napIds.find((v) => this.resolveNap(v) !== undefined);
        notApplied.push(...napIds.filter((v) => v !== usedValue).map((v) => `${ph.path} TO-NAPID=${v}`));
        const phPorts = this.ports(base, childrenOfType(ph, 'PORT'), notApplied);
        const port = phPorts[0] ?? logicalPorts[0];
        addresses.push(`${pxaddr ?? '?'}${port !== undefined ? `:${port}` : ''}`);
        fields.push({
          label: `Proxy ${pid}`,
          value: `${pxaddr ?? ''}${port !== undefined ? `:${port}` : ''}${nap ? ` via ${nap.label}` : ''}`,
        });
        notApplied.push(
          ...unusedParms(
            ph,
            new Set(['PHYSICAL-PROXY-ID', 'PXADDR', 'PXADDRTYPE', 'PXADDR-FQDN', 'TO-NAPID']),
          ).map((p) => `${ph.path} ${p}`),
        );
      }
    }
    const used = new Set([
      'PROXY-ID',
      'NAME',
      'PROXY-PW',
      'PPGAUTH-TYPE',
      'PROXY-PROVIDER-ID',
      'DOMAIN',
      'TRUST',
      'MASTER',
      'STARTPAGE',
    ]);
    notApplied.push(...unusedParms(px, used, new Set(['BASAUTH-PW'])));
    const where =
      addresses.length === 0
        ? ''
        : addresses.length === 1
          ? (addresses[0] as string)
          : `${addresses[0]} and ${addresses.length - 1} more`;
    const details = [
      name,
      where === '' ? undefined : `${where}${firstNap ? ` via access point *${firstNap.label}*` : ''}`,
    ].filter((d): d is string => d !== undefined && d !== '');
    this.item(
      'proxies',
      existing ? 'replace' : 'add',
      `${existing ? 'Replaces' : 'Adds'} proxy *${proxyId}*${details.length > 0 ? ` (${details.join(', ')})` : ''}`,
      px.path,
      fields,
      notApplied,
      start,
      uri,
    );
  }

  // ------------------------------------------------------------------ MMS and PoC

  /** An existing instance to replace: same AppId and PROVIDER-ID, else same Name and Addr (decision 0061). */
  private matchService(
    collection: string,
    app: CpCharacteristic,
    name: string | undefined,
    addr: string | undefined,
  ): string | undefined {
    const provider = parmValue(app, 'PROVIDER-ID');
    for (const child of childNames(this.tree, collection)) {
      const uri = `${collection}/${child}`;
      const value = (leaf: string) => this.tree.record(`${uri}/${leaf}`)?.value;
      if (provider !== undefined) {
        if (value('ProviderId') === provider && value('AppId') === appId(app)) return uri;
      } else if (
        name !== undefined &&
        value('ProviderId') === undefined &&
        value('Name') === name &&
        value('Addr') === addr
      ) {
        return uri;
      }
    }
    return undefined;
  }

  /** Active only when no other instance of the service is Active (tree or this plan). */
  private activateIfNone(collection: string, uri: string, existing: boolean): boolean {
    if (existing || this.activated.has(collection)) return false;
    const anyActive = childNames(this.tree, collection).some(
      (c) => this.tree.record(`${collection}/${c}`)?.flags?.active === true,
    );
    if (anyActive) return false;
    this.ops.push({ op: 'replace', uri: `${uri}?prop=Active`, value: 'true' });
    this.activated.add(collection);
    return true;
  }

  planService(app: CpCharacteristic, group: 'mms' | 'poc'): void {
    const id = appId(app) as string;
    const collection = group === 'mms' ? MMS_ROOT : POC_ROOT;
    const addr = applicationAddresses(app)[0];
    const provider = parmValue(app, 'PROVIDER-ID');
    const conn = this.connectivity(app);
    // Display name: NAME, else PROVIDER-ID, else the access point's NAME (cpclient's flattening,
    // oma-cp.md §3), else the service name (decision 0061).
    const name = parmValue(app, 'NAME') ?? provider ?? conn.nap?.name;
    const existing = this.matchService(collection, app, name, addr);
    const fallback = group === 'mms' ? 'MMS' : 'PoC';
    const uri =
      existing ?? `${collection}/${this.allocate(collection, sanitizeSegment(name ?? fallback, fallback))}`;
    const start = this.ops.length;
    this.openInstance(uri, existing !== undefined, this.docAcl);
    this.leaf(uri, 'Name', name);
    this.leaf(uri, 'AppId', id);
    this.leaf(uri, 'ProviderId', provider);
    this.leaf(uri, 'Addr', addr);
    this.leaf(uri, 'ToProxy', conn.proxy?.uri);
    this.leaf(uri, 'ConRef', conn.nap?.uri);
    const notApplied: string[] = [];
    const fields: PreviewField[] = [{ label: 'APPID', value: `${id} (${KNOWN_APPIDS[id] ?? id})` }];
    if (name !== undefined) fields.push({ label: 'Name', value: name });
    if (provider !== undefined) fields.push({ label: 'Provider', value: provider });
    fields.push({ label: group === 'mms' ? 'MMSC' : 'Server', value: addr ?? '' });
    if (conn.proxy) fields.push({ label: 'Proxy', value: conn.proxy.label });
    if (conn.nap) fields.push({ label: 'Access point', value: conn.nap.label });
    if (conn.via !== undefined) fields.push({ label: 'Connection from', value: `access rule ${conn.via}` });
    const used = new Set(['APPID', 'NAME', 'PROVIDER-ID', 'ADDR', 'TO-PROXY', 'TO-NAPID']);
    if (group === 'mms') {
      const ms = parmValue(app, 'MS');
      if (ms !== undefined) {
        if (uint(ms) !== undefined) {
          this.leaf(uri, 'MaxMsgSize', uint(ms), 'int');
          fields.push({ label: 'Maximum message size', value: uint(ms) as string });
        } else notApplied.push(`MS=${ms} (not a number)`);
      }
      this.leaf(uri, 'CreationMode', parmValue(app, 'CM'));
      this.leaf(uri, 'RetrievalMode', parmValue(app, 'RM'));
      for (const p of ['MS', 'CM', 'RM']) used.add(p);
    } else {
      this.leaf(uri, 'ConfFactoryUri', parmValue(app, 'CONF-FACTORY-URI'));
      this.leaf(uri, 'XdmsRootUri', parmValue(app, 'XDMS-ROOT-URI'));
      this.leaf(uri, 'PublicUserId', parmValue(app, 'PUBLIC-USER-ID'));
      this.leaf(uri, 'ToAppRef', parmValue(app, 'TO-APPREF'));
      for (const [p, label] of [
        ['CONF-FACTORY-URI', 'Conference factory'],
        ['XDMS-ROOT-URI', 'XDMS root'],
        ['PUBLIC-USER-ID', 'Public user id'],
        ['TO-APPREF', 'Uses application'],
      ] as const) {
        used.add(p);
        const v = parmValue(app, p);
        if (v !== undefined) fields.push({ label, value: v });
      }
      const auths = childrenOfType(app, 'APPAUTH');
      if (auths.length > 0) {
        this.interior(`${uri}/AppAuth`);
        auths.forEach((a, i) => {
          const base = `${uri}/AppAuth/${i + 1}`;
          this.interior(base);
          this.leaf(base, 'AAuthType', parmValue(a, 'AAUTHTYPE'));
          this.leaf(base, 'AAuthName', parmValue(a, 'AAUTHNAME'));
          this.leaf(base, 'AAuthSecret', parmValue(a, 'AAUTHSECRET'));
          if (parmValue(a, 'AAUTHNAME') !== undefined)
            fields.push({ label: `User ${i + 1}`, value: parmValue(a, 'AAUTHNAME') as string });
          if (parmValue(a, 'AAUTHSECRET') !== undefined)
            fields.push({ label: `Password ${i + 1}`, value: MASK, secret: true });
          notApplied.push(
            ...unusedParms(a, new Set(['AAUTHTYPE', 'AAUTHNAME', 'AAUTHSECRET']), new Set(['AAUTHDATA'])).map(
              (p) => `${a.path} ${p}`,
            ),
          );
        });
      }
    }
    const addrs = applicationAddresses(app);
    if (addrs.length > 1) notApplied.push(...addrs.slice(1).map((a) => `address ${a}`));
    notApplied.push(...unusedParms(app, used));
    for (const c of app.characteristics) {
      if (c.type === 'APPADDR')
        notApplied.push(...unusedParms(c, new Set(['ADDR'])).map((p) => `${c.path} ${p}`));
      else if (!(group === 'poc' && c.type === 'APPAUTH')) notApplied.push(`${c.path} (${c.type})`);
    }
    const active = this.activateIfNone(collection, uri, existing !== undefined);
    if (active) fields.push({ label: 'Active', value: 'yes (no other instance is Active)' });
    const display = name ?? provider ?? uri.slice(collection.length + 1);
    const details = [
      addr !== undefined ? `${group === 'mms' ? 'MMSC' : 'server'} ${addr}` : undefined,
      conn.nap
        ? `via access point *${conn.nap.label}*`
        : conn.proxy
          ? `via proxy *${conn.proxy.label}*`
          : undefined,
    ].filter((d): d is string => d !== undefined);
    const what = group === 'mms' ? 'MMS settings' : 'Push-to-talk settings';
    const item = this.item(
      group,
      existing ? 'replace' : 'add',
      `${existing ? 'Replaces' : 'Adds'} ${what} *${display}*${details.length > 0 ? ` (${details.join(', ')})` : ''}`,
      app.path,
      fields,
      notApplied,
      start,
      uri,
    );
    if (active) item.becomesActive = true;
  }

  // ------------------------------------------------------------------ w7 → DMAcc

  planDmAccount(app: CpCharacteristic): void {
    const serverId = parmValue(app, 'PROVIDER-ID') as string;
    const existing = this.findInstance(DMACC_ROOT, 'ServerID', serverId);
    const uri = existing ?? `${DMACC_ROOT}/${this.allocate(DMACC_ROOT, sanitizeSegment(serverId, 'DM'))}`;
    const start = this.ops.length;
    this.openInstance(uri, existing !== undefined, serverAcl([serverId]));
    const name = parmValue(app, 'NAME');
    this.leaf(uri, 'AppID', 'w7');
    this.leaf(uri, 'ServerID', serverId);
    this.leaf(uri, 'Name', name);
    const fields: PreviewField[] = [{ label: 'ServerID', value: serverId }];
    if (name !== undefined) fields.push({ label: 'Name', value: name });
    const notApplied: string[] = [];

    // Connectivity: PrefConRef = first TO-NAPID that resolves, else first TO-PROXY; ToConRef lists all.
    const refs: Reference[] = [];
    for (const v of parmValues(app, 'TO-NAPID')) {
      const r = this.resolveNap(v);
      if (r) refs.push(r);
      else
        this.warn(
          app.path,
          'unresolved-reference',
          `TO-NAPID "${v}" matches no access point; not referenced`,
        );
    }
    for (const v of parmValues(app, 'TO-PROXY')) {
      const r = this.resolveProxy(v);
      if (r) refs.push(r);
      else this.warn(app.path, 'unresolved-reference', `TO-PROXY "${v}" matches no proxy; not referenced`);
    }
    const pref = refs[0];
    if (pref) {
      this.leaf(uri, 'PrefConRef', pref.uri);
      fields.push({ label: 'Connection', value: pref.label });
      this.interior(`${uri}/ToConRef`);
      refs.forEach((r, i) => {
        this.interior(`${uri}/ToConRef/${i + 1}`);
        this.leaf(`${uri}/ToConRef/${i + 1}`, 'ConRef', r.uri);
      });
    }

    // Addresses: each APPADDR, then each ADDR parameter.
    this.interior(`${uri}/AppAddr`);
    let n = 0;
    let firstAddr: string | undefined;
    for (const a of childrenOfType(app, 'APPADDR')) {
      const base = `${uri}/AppAddr/${++n}`;
      this.interior(base);
      const addr = parmValue(a, 'ADDR') as string;
      firstAddr ??= addr;
      this.leaf(base, 'Addr', addr);
      const given = parmValue(a, 'ADDRTYPE');
      const type = given === undefined ? 'URI' : (ADDR_TYPES[given.toUpperCase()] ?? given);
      if (given !== undefined && ADDR_TYPES[given.toUpperCase()] === undefined) {
        this.warn(a.path, 'bad-value', `ADDRTYPE "${given}" is not URI, IPv4 or IPv6; kept as given`);
      }
      this.leaf(base, 'AddrType', type);
      const ports = childrenOfType(a, 'PORT');
      const numbers: string[] = [];
      if (ports.length > 0) {
        this.interior(`${base}/Port`);
        ports.forEach((p, i) => {
          this.interior(`${base}/Port/${i + 1}`);
          const nbr = uint(parmValue(p, 'PORTNBR'));
          this.leaf(`${base}/Port/${i + 1}`, 'PortNbr', nbr);
          if (nbr !== undefined) numbers.push(nbr);
          notApplied.push(...unusedParms(p, new Set(['PORTNBR'])).map((x) => `${p.path} ${x}`));
        });
      }
      fields.push({
        label: `Address ${n}`,
        value: `${addr}${numbers.length > 0 ? ` port ${numbers.join(', ')}` : ''}`,
      });
    }
    for (const addr of parmValues(app, 'ADDR')) {
      const base = `${uri}/AppAddr/${++n}`;
      this.interior(base);
      firstAddr ??= addr;
      this.leaf(base, 'Addr', addr);
      this.leaf(base, 'AddrType', 'URI');
      fields.push({ label: `Address ${n}`, value: addr });
    }

    // Credentials [oma-cp.md §5]: APPSRV → CLCRED, CLIENT → SRVCRED, OBEX → OBEX.
    const auths = childrenOfType(app, 'APPAUTH');
    if (auths.length > 0) {
      this.interior(`${uri}/AppAuth`);
      auths.forEach((a, i) => {
        const base = `${uri}/AppAuth/${i + 1}`;
        this.interior(base);
        const level = AAUTHLEVEL_TO_DMACC[parmValue(a, 'AAUTHLEVEL') as string] as string;
        const givenType = parmValue(a, 'AAUTHTYPE') as string;
        const type = dmAuthType(givenType) ?? givenType;
        this.leaf(base, 'AAuthLevel', level);
        this.leaf(base, 'AAuthType', type);
        this.leaf(base, 'AAuthName', parmValue(a, 'AAUTHNAME'));
        this.leaf(base, 'AAuthSecret', parmValue(a, 'AAUTHSECRET'));
        const data = parmValue(a, 'AAUTHDATA');
        if (data !== undefined) this.leaf(base, 'AAuthData', textBytes(data), 'bin');
        const who =
          level === 'CLCRED' ? 'handset → server' : level === 'SRVCRED' ? 'server → handset' : level;
        const parts = [
          type,
          parmValue(a, 'AAUTHNAME'),
          parmValue(a, 'AAUTHSECRET') !== undefined ? `password ${MASK}` : undefined,
        ].filter((p): p is string => p !== undefined);
        fields.push({ label: `${level} (${who})`, value: parts.join(', ') });
      });
    }
    const init = hasParm(app, 'INIT');
    if (init) {
      this.sessions.push({ serverId, account: uri, reason: 'INIT' });
      fields.push({ label: 'After provisioning', value: 'connects to the server (INIT)' });
    }
    fields.push({ label: 'ACL', value: serverAcl([serverId]) });
    notApplied.push(
      ...unusedParms(app, new Set(['APPID', 'PROVIDER-ID', 'NAME', 'TO-NAPID', 'TO-PROXY', 'ADDR', 'INIT'])),
    );
    for (const c of app.characteristics)
      if (c.type !== 'APPADDR' && c.type !== 'APPAUTH') notApplied.push(`${c.path} (${c.type})`);
    const details = [
      `server ${firstAddr ?? '?'}`,
      `ServerID ${serverId}`,
      init ? 'connects after provisioning' : undefined,
    ].filter((d): d is string => d !== undefined);
    this.item(
      'dm-accounts',
      existing ? 'replace' : 'add',
      `${existing ? 'Replaces' : 'Adds'} DM account *${name ?? serverId}* (${details.join(', ')})`,
      app.path,
      fields,
      notApplied,
      start,
      uri,
    );
  }

  // ------------------------------------------------------------------ not applied

  notApplied(ch: CpCharacteristic, reason?: string): void {
    const secrets = new Set([
      'AAUTHSECRET',
      'AUTHSECRET',
      'PROXY-PW',
      'PXAUTH-PW',
      'BASAUTH-PW',
      'AAUTHDATA',
    ]);
    let sentence: string;
    if (ch.type === 'APPLICATION') {
      const id = appId(ch) ?? '?';
      const name = parmValue(ch, 'NAME') ?? parmValue(ch, 'PROVIDER-ID');
      const what = KNOWN_APPIDS[id];
      sentence = `Not applied: ${what ?? 'unknown application'} (APPID ${id})${name !== undefined ? ` *${name}*` : ''}: ${
        reason ?? (what ? 'this handset has no such application' : 'this APPID is not known')
      }`;
    } else if (ch.type === 'BOOTSTRAP') {
      const url = parmValue(ch, 'PROVURL');
      sentence = `Not applied: BOOTSTRAP${url !== undefined ? ` (PROVURL ${url})` : ''}: trusted provisioning servers are not supported`;
    } else if (ch.type === 'VENDORCONFIG') {
      sentence = `Not applied: vendor settings *${parmValue(ch, 'NAME') ?? '?'}*`;
    } else if (ch.type === 'ACCESS') {
      const rule = parmValue(ch, 'RULE');
      sentence = `Not applied: access rule${rule !== undefined ? ` *${rule}*` : ''}`;
    } else if (ch.type === 'CLIENTIDENTITY') {
      sentence = 'Not applied: CLIENTIDENTITY';
    } else {
      sentence = `Not applied: unknown characteristic ${ch.type}`;
    }
    const fields: PreviewField[] = ch.parms.map((p) => ({
      label: p.name,
      value: secrets.has(p.name) ? MASK : (p.value ?? '(present)'),
      ...(secrets.has(p.name) ? { secret: true } : {}),
    }));
    this.item('not-applied', 'not-applied', sentence, ch.path, fields, []);
  }

  // ------------------------------------------------------------------ whole document

  run(): void {
    const napdefs = topLevel(this.doc, 'NAPDEF');
    const proxies = topLevel(this.doc, 'PXLOGICAL');
    for (const n of napdefs) this.planNapdef(n);
    for (const p of proxies) this.reserveProxy(p);
    for (const p of proxies) this.planProxy(p);
    const apps = topLevel(this.doc, 'APPLICATION');
    for (const a of apps) if (DM_APPIDS.includes(appId(a) ?? '')) this.planDmAccount(a);
    for (const a of apps) if (MMS_APPIDS.includes(appId(a) ?? '')) this.planService(a, 'mms');
    for (const a of apps) if (POC_APPIDS.includes(appId(a) ?? '')) this.planService(a, 'poc');
    for (const a of apps) {
      const id = appId(a) ?? '';
      if (!DM_APPIDS.includes(id) && !MMS_APPIDS.includes(id) && !POC_APPIDS.includes(id)) this.notApplied(a);
    }
    for (const ch of this.doc.characteristics) {
      if (['NAPDEF', 'PXLOGICAL', 'APPLICATION'].includes(ch.type)) continue;
      if (ch.type === 'ACCESS' && this.usedAccess.has(ch)) continue;
      this.notApplied(ch);
    }
  }
}

/**
 * Plans a CP document against the tree: validates it (throws `CpDocumentError('cp-invalid')`
 * naming every error), then builds the ops of one atomic batch and the preview. Writes nothing.
 */
export function planCpDocument(doc: CpDocument, tree: TreeReader): ProvisioningPlan {
  const issues = validateCpDocument(doc);
  assertValidCp(issues);
  const planner = new Planner(doc, tree);
  planner.run();
  // The planner gives the final word on references (it also looks in the tree).
  const all = [...warningsOf(issues).filter((i) => i.code !== 'unresolved-reference'), ...planner.warnings];
  return {
    kind: 'cp',
    ops: planner.ops,
    preview: buildPreview(
      planner.items,
      all.map((i) => i.message),
    ),
    issues: all,
    startSessions: planner.sessions,
  };
}
