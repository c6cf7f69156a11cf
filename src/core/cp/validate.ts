/**
 * Nesting and occurrence rules of a CP document (oma-cp.md §1.1-§1.2, taken from cpclient's
 * parser tables), application-specific rules for what this handset applies (w4 §3, w7 §5,
 * PoC decision 0064), and reference checks within the document (§1.3).
 *
 * Every problem is reported at once, as an issue naming the characteristic path. Errors make
 * the document unusable; warnings are shown in the preview (unknown parameters are kept).
 */
import { parseAcl } from '../tree/acl.ts';
import {
  CpDocumentError,
  appId,
  childrenOfType,
  hasParm,
  parmValue,
  parmValues,
  topLevel,
  walkCharacteristics,
  type CpCharacteristic,
  type CpDocument,
} from './document.ts';

export type CpIssueSeverity = 'error' | 'warning';

export interface CpIssue {
  severity: CpIssueSeverity;
  /** Stable machine code, e.g. `missing-parm`, `unknown-parm`. */
  code: string;
  /** Characteristic path, e.g. `PXLOGICAL[1]/PXPHYSICAL[2]`; `wap-provisioningdoc` for the root. */
  path: string;
  /** For people: `PXLOGICAL[1]/PXPHYSICAL[2]: missing PXADDR`. */
  message: string;
}

/** `1` exactly one, `?` at most one, `*` any number, `+` at least one. */
type Occurrence = '1' | '?' | '*' | '+';

interface ParmRule {
  occ: Occurrence;
  /** Presence parameter: carries no value [oma-cp.md §1]. */
  presence?: true;
  /** The value may be left out (ACCESS RULE). */
  valueOptional?: true;
  /** The value is an unsigned integer. */
  uint?: true;
}

interface CharacteristicRule {
  parms: Readonly<Record<string, ParmRule>>;
  children: Readonly<Record<string, Occurrence>>;
  /** Any parameter is allowed (VENDORCONFIG). */
  anyParms?: true;
}

const one: ParmRule = { occ: '1' };
const opt: ParmRule = { occ: '?' };
const many: ParmRule = { occ: '*' };
const presence: ParmRule = { occ: '?', presence: true };
const optUint: ParmRule = { occ: '?', uint: true };

const PORT: CharacteristicRule = {
  parms: { PORTNBR: { occ: '1', uint: true }, SERVICE: many },
  children: {},
};

/** Application-specific APPLICATION parameters cpclient accepts [oma-cp.md §1.2]. */
const APPLICATION_SPECIFIC: Readonly<Record<string, ParmRule>> = {
  INIT: presence,
  CM: opt,
  RM: opt,
  MS: opt,
  Ma: opt,
  'PC-ADDR': opt,
  'AUTO-DOWNLOAD': opt,
  CIDPREFIX: opt,
  'DELIVERY-TIME': opt,
  'EXPIRY-TIME': opt,
  PRIORITY: opt,
  'REQUEST-DELIVERY': opt,
  'REQUEST-READ': opt,
  'SENDER-VISIBLE': opt,
  ROAMING: opt,
  DOMAIN: many,
  FROM: opt,
  SERVICES: opt,
  'SAVE-SENT': opt,
  'SENT-FOLDER': opt,
  'TRASH-FOLDER': opt,
  'POP-BEFORE-SMTP': opt,
};

/**
 * PoC parameters this handset accepts (decision 0064). The ap0001 / ap0006 AC documents were
 * not read [oma-cp.md §2, §4]: TO-APPREF is from Kannel's tables (§1.4), the three others are
 * project names, unconfirmed.
 */
export const POC_PARAMETERS: Readonly<Record<string, ParmRule>> = {
  'CONF-FACTORY-URI': opt,
  'XDMS-ROOT-URI': opt,
  'PUBLIC-USER-ID': opt,
  'TO-APPREF': opt,
  APPREF: opt,
};

/** Rules per characteristic type [oma-cp.md §1.1, §1.2]. */
export const CHARACTERISTIC_RULES: Readonly<Record<string, CharacteristicRule>> = {
  PXLOGICAL: {
    parms: {
      'PROXY-ID': one,
      NAME: one,
      'PROXY-PW': opt,
      'PPGAUTH-TYPE': opt,
      'PROXY-PROVIDER-ID': opt,
      DOMAIN: many,
      TRUST: presence,
      MASTER: presence,
      STARTPAGE: opt,
      'BASAUTH-ID': opt,
      'BASAUTH-PW': opt,
      'WSP-VERSION': opt,
      PUSHENABLED: optUint,
      PULLENABLED: optUint,
    },
    children: { PXAUTHINFO: '*', PORT: '*', PXPHYSICAL: '+' },
  },
  PXAUTHINFO: { parms: { 'PXAUTH-TYPE': one, 'PXAUTH-ID': opt, 'PXAUTH-PW': opt }, children: {} },
  PXPHYSICAL: {
    parms: {
      'PHYSICAL-PROXY-ID': one,
      PXADDR: one,
      PXADDRTYPE: opt,
      'PXADDR-FQDN': opt,
      DOMAIN: many,
      'TO-NAPID': { occ: '+' },
      'WSP-VERSION': opt,
      PUSHENABLED: optUint,
      PULLENABLED: optUint,
    },
    children: { PORT: '*' },
  },
  PORT,
  NAPDEF: {
    parms: {
      NAPID: one,
      NAME: one,
      'NAP-ADDRESS': one,
      'NAP-ADDRTYPE': opt,
      BEARER: many,
      INTERNET: presence,
      CALLTYPE: opt,
      'LOCAL-ADDR': opt,
      'LOCAL-ADDRTYPE': opt,
      LINKSPEED: opt,
      DNLINKSPEED: opt,
      LINGER: opt,
      'DNS-ADDR': many,
      'DELIVERY-ERR-SDU': opt,
      'DELIVERY-ORDER': opt,
      'TRAFFIC-CLASS': opt,
      'MAX-SDU-SIZE': opt,
      'MAX-BITRATE-UPLINK': opt,
      'MAX-BITRATE-DNLINK': opt,
      'RESIDUAL-BER': opt,
      'SDU-ERROR-RATIO': opt,
      'TRAFFIC-HANDL-PRIO': opt,
      'TRANSFER-DELAY': opt,
      'GUARANTEED-BITRATE-UPLINK': opt,
      'GUARANTEED-BITRATE-DNLINK': opt,
      'MAX-NUM-RETRY': opt,
      'FIRST-RETRY-TIMEOUT': opt,
      'REREG-THRESHOLD': opt,
      'T-BIT': presence,
    },
    children: { NAPAUTHINFO: '*', VALIDITY: '*' },
  },
  NAPAUTHINFO: {
    parms: { AUTHTYPE: one, AUTHNAME: opt, AUTHSECRET: opt, 'AUTH-ENTITY': many, SPI: opt },
    children: {},
  },
  VALIDITY: { parms: { COUNTRY: opt, NETWORK: opt, SID: opt, SOC: opt, VALIDUNTIL: opt }, children: {} },
  BOOTSTRAP: {
    parms: { NAME: opt, NETWORK: many, COUNTRY: opt, 'PROXY-ID': many, PROVURL: opt, 'CONTEXT-ALLOW': opt },
    children: {},
  },
  CLIENTIDENTITY: { parms: { 'CLIENT-ID': one }, children: {} },
  VENDORCONFIG: { parms: { NAME: one }, children: {}, anyParms: true },
  APPLICATION: {
    parms: {
      APPID: one,
      'PROVIDER-ID': opt,
      NAME: opt,
      AACCEPT: opt,
      APROTOCOL: opt,
      'TO-PROXY': many,
      'TO-NAPID': many,
      ADDR: many,
      ...APPLICATION_SPECIFIC,
    },
    children: { APPADDR: '*', APPAUTH: '*', RESOURCE: '*' },
  },
  APPADDR: { parms: { ADDR: one, ADDRTYPE: opt }, children: { PORT: '*' } },
  APPAUTH: {
    parms: { AAUTHLEVEL: opt, AAUTHTYPE: opt, AAUTHNAME: opt, AAUTHSECRET: opt, AAUTHDATA: opt },
    children: {},
  },
  RESOURCE: {
    parms: {
      URI: one,
      NAME: opt,
      AACCEPT: opt,
      AAUTHTYPE: opt,
      AAUTHNAME: opt,
      AAUTHSECRET: opt,
      AAUTHDATA: opt,
      STARTPAGE: presence,
      CLIURI: opt,
      SYNCTYPE: opt,
      IMAGE: opt,
    },
    children: {},
  },
  ACCESS: {
    parms: {
      RULE: { occ: '+', valueOptional: true },
      APPID: many,
      PORTNBR: { occ: '*', uint: true },
      DOMAIN: many,
      'TO-NAPID': many,
      'TO-PROXY': many,
    },
    children: {},
  },
};

/** What the root may hold [oma-cp.md §1.1]. */
export const ROOT_CHILDREN: Readonly<Record<string, Occurrence>> = {
  PXLOGICAL: '*',
  NAPDEF: '*',
  BOOTSTRAP: '*',
  CLIENTIDENTITY: '?',
  VENDORCONFIG: '*',
  APPLICATION: '*',
  ACCESS: '*',
};

/** APPIDs the emulator knows [oma-cp.md §2], with what they configure. */
export const KNOWN_APPIDS: Readonly<Record<string, string>> = {
  w2: 'browser bookmarks',
  w4: 'MMS',
  w5: 'data synchronisation (OMA DS)',
  w7: 'device management (OMA DM)',
  wA: 'instant messaging (IMPS)',
  DL: 'download (OMA DL)',
  ap0004: 'location (SUPL)',
  ap0005: 'MMS',
  ap0001: 'Push-to-talk (PoC 1.0)',
  ap0006: 'Push-to-talk (PoC 2.0)',
  '25': 'e-mail sending (SMTP)',
  '110': 'e-mail (POP3)',
  '143': 'e-mail (IMAP4)',
};

/** APPIDs this handset applies to its tree (to-tree.ts). */
export const MMS_APPIDS: readonly string[] = ['w4', 'ap0005'];
export const POC_APPIDS: readonly string[] = ['ap0001', 'ap0006'];
export const DM_APPIDS: readonly string[] = ['w7'];

/** AAUTHLEVEL → DMAcc AAuthLevel [oma-cp.md §5; DM-STDOBJ appendix]. */
export const AAUTHLEVEL_TO_DMACC: Readonly<Record<string, string>> = {
  APPSRV: 'CLCRED',
  CLIENT: 'SRVCRED',
  OBEX: 'OBEX',
};

/** DMAcc AAuthType values [oma-dm.md §13]. */
export const DMACC_AUTH_TYPES: readonly string[] = [
  'HTTP-BASIC',
  'HTTP-DIGEST',
  'BASIC',
  'DIGEST',
  'HMAC',
  'X509',
  'SECURID',
  'SAFEWORD',
  'DIGIPASS',
  'TRANSPORT',
];

/** Legacy SyncML names some servers put in AAUTHTYPE, mapped to the DMAcc values [oma-dm.md §13]. */
const AUTH_TYPE_ALIASES: Readonly<Record<string, string>> = {
  'SYNCML:AUTH-BASIC': 'BASIC',
  'SYNCML:AUTH-MD5': 'DIGEST',
  'SYNCML:AUTH-MAC': 'HMAC',
};

/** DMAcc AAuthType for a CP AAUTHTYPE, or undefined when it is not one of the DMAcc values. */
export function dmAuthType(value: string): string | undefined {
  const upper = value.trim().toUpperCase();
  if (DMACC_AUTH_TYPES.includes(upper)) return upper;
  return AUTH_TYPE_ALIASES[upper];
}

function occurrenceText(occ: Occurrence): string {
  return occ === '1'
    ? 'exactly once'
    : occ === '?'
      ? 'at most once'
      : occ === '+'
        ? 'at least once'
        : 'any number of times';
}

function checkCount(
  issues: CpIssue[],
  path: string,
  what: string,
  occ: Occurrence,
  count: number,
  missingCode: string,
  tooManyCode: string,
): void {
  if ((occ === '1' || occ === '+') && count === 0) {
    issues.push({ severity: 'error', code: missingCode, path, message: `${path}: missing ${what}` });
  } else if ((occ === '1' || occ === '?') && count > 1) {
    issues.push({
      severity: 'error',
      code: tooManyCode,
      path,
      message: `${path}: ${what} may appear ${occurrenceText(occ)}, found ${count}`,
    });
  }
}

function issue(issues: CpIssue[], severity: CpIssueSeverity, code: string, path: string, text: string): void {
  issues.push({ severity, code, path, message: `${path}: ${text}` });
}

function validateCharacteristic(ch: CpCharacteristic, issues: CpIssue[]): void {
  const rule = CHARACTERISTIC_RULES[ch.type];
  if (!rule) return; // unknown types are reported by the parent and kept as they are
  const extra = ch.type === 'APPLICATION' && POC_APPIDS.includes(appId(ch) ?? '') ? POC_PARAMETERS : {};
  const counts = new Map<string, number>();
  for (const p of ch.parms) {
    counts.set(p.name, (counts.get(p.name) ?? 0) + 1);
    const pr = rule.parms[p.name] ?? extra[p.name];
    if (!pr) {
      if (!rule.anyParms) {
        issue(
          issues,
          'warning',
          'unknown-parm',
          ch.path,
          `unknown parameter ${p.name}${p.value === undefined ? '' : `=${p.value}`} (kept, not applied)`,
        );
      }
      continue;
    }
    if (pr.presence) {
      if (p.value !== undefined && p.value !== '') {
        issue(
          issues,
          'warning',
          'presence-with-value',
          ch.path,
          `${p.name} is a presence parameter; its value "${p.value}" is ignored`,
        );
      }
    } else if (p.value === undefined && !pr.valueOptional) {
      issue(issues, 'error', 'missing-value', ch.path, `parameter ${p.name} has no value`);
    } else if (pr.uint && p.value !== undefined && !/^\d{1,10}$/.test(p.value.trim())) {
      issue(
        issues,
        'error',
        'not-a-number',
        ch.path,
        `${p.name} must be an unsigned integer, got "${p.value}"`,
      );
    }
  }
  for (const [name, pr] of Object.entries({ ...rule.parms, ...extra })) {
    checkCount(issues, ch.path, name, pr.occ, counts.get(name) ?? 0, 'missing-parm', 'repeated-parm');
  }
  checkChildren(ch.path, ch.characteristics, rule.children, issues);
  for (const child of ch.characteristics) validateCharacteristic(child, issues);
}

function checkChildren(
  path: string,
  children: readonly CpCharacteristic[],
  allowed: Readonly<Record<string, Occurrence>>,
  issues: CpIssue[],
): void {
  const counts = new Map<string, number>();
  for (const c of children) {
    counts.set(c.type, (counts.get(c.type) ?? 0) + 1);
    if (allowed[c.type] !== undefined) continue;
    if (CHARACTERISTIC_RULES[c.type]) {
      issue(
        issues,
        'error',
        'misplaced-characteristic',
        c.path,
        `${c.type} is not allowed ${path === '' ? 'at the top level' : `inside ${path}`}`,
      );
    } else {
      issue(
        issues,
        'warning',
        'unknown-characteristic',
        c.path,
        `unknown characteristic ${c.type} (kept, not applied)`,
      );
    }
  }
  const where = path === '' ? 'wap-provisioningdoc' : path;
  for (const [type, occ] of Object.entries(allowed)) {
    checkCount(
      issues,
      where,
      `${type} characteristic`,
      occ,
      counts.get(type) ?? 0,
      'missing-characteristic',
      'repeated-characteristic',
    );
  }
}

/** Does a TO-NAPID value name a NAPDEF of the document? `INTERNET` also matches any NAPDEF with INTERNET [§1.3]. */
export function napdefsMatching(doc: CpDocument, napId: string): CpCharacteristic[] {
  const napdefs = topLevel(doc, 'NAPDEF');
  const exact = napdefs.filter((n) => parmValue(n, 'NAPID') === napId);
  if (napId !== 'INTERNET') return exact;
  return [...exact, ...napdefs.filter((n) => hasParm(n, 'INTERNET') && !exact.includes(n))];
}

function validateReferences(doc: CpDocument, issues: CpIssue[]): void {
  const seen = new Map<string, string>();
  for (const n of topLevel(doc, 'NAPDEF')) {
    const id = parmValue(n, 'NAPID');
    if (id === undefined) continue;
    const first = seen.get(id);
    if (first) issue(issues, 'error', 'duplicate-napid', n.path, `NAPID "${id}" is already used by ${first}`);
    else seen.set(id, n.path);
  }
  const proxies = new Map<string, string>();
  for (const p of topLevel(doc, 'PXLOGICAL')) {
    const id = parmValue(p, 'PROXY-ID');
    if (id === undefined) continue;
    const first = proxies.get(id);
    if (first)
      issue(issues, 'error', 'duplicate-proxy-id', p.path, `PROXY-ID "${id}" is already used by ${first}`);
    else proxies.set(id, p.path);
    const physical = new Set<string>();
    for (const ph of childrenOfType(p, 'PXPHYSICAL')) {
      const pid = parmValue(ph, 'PHYSICAL-PROXY-ID');
      if (pid === undefined) continue;
      if (physical.has(pid)) {
        issue(
          issues,
          'warning',
          'duplicate-physical-proxy-id',
          ph.path,
          `PHYSICAL-PROXY-ID "${pid}" is used twice in ${p.path}`,
        );
      }
      physical.add(pid);
    }
  }
  for (const ch of walkCharacteristics(doc)) {
    if (!['PXPHYSICAL', 'APPLICATION', 'ACCESS'].includes(ch.type)) continue;
    for (const napId of parmValues(ch, 'TO-NAPID')) {
      if (napdefsMatching(doc, napId).length === 0) {
        issue(
          issues,
          'warning',
          'unresolved-reference',
          ch.path,
          napId === 'INTERNET'
            ? 'TO-NAPID=INTERNET: no NAPDEF of this document has the INTERNET parameter; the handset looks among its own access points'
            : `TO-NAPID "${napId}" is not defined in this document; the handset looks among its own access points`,
        );
      }
    }
    for (const proxyId of parmValues(ch, 'TO-PROXY')) {
      if (!proxies.has(proxyId)) {
        issue(
          issues,
          'warning',
          'unresolved-reference',
          ch.path,
          `TO-PROXY "${proxyId}" is not defined in this document; the handset looks among its own proxies`,
        );
      }
    }
  }
}

/** The addresses an APPLICATION gives: ADDR parameters and APPADDR/ADDR. */
export function applicationAddresses(app: CpCharacteristic): string[] {
  return [
    ...parmValues(app, 'ADDR'),
    ...childrenOfType(app, 'APPADDR').flatMap((a) => parmValues(a, 'ADDR')),
  ];
}

function validateApplication(app: CpCharacteristic, issues: CpIssue[]): void {
  const id = appId(app);
  if (id === undefined) return; // reported as missing APPID
  const label = `${app.path} (${id})`;
  if (KNOWN_APPIDS[id] === undefined) {
    issues.push({
      severity: 'warning',
      code: 'unknown-appid',
      path: app.path,
      message: `${label}: APPID ${id} is not one this handset knows (kept, not applied)`,
    });
    return;
  }
  if (MMS_APPIDS.includes(id)) {
    const addrs = applicationAddresses(app);
    if (addrs.length === 0) {
      issues.push({
        severity: 'error',
        code: 'missing-parm',
        path: app.path,
        message: `${label}: missing ADDR, the MMSC URL [oma-cp.md §3]`,
      });
    } else if (addrs.length > 1) {
      issues.push({
        severity: 'warning',
        code: 'repeated-parm',
        path: app.path,
        message: `${label}: ${addrs.length} addresses; the first one is the MMSC`,
      });
    }
    for (const name of ['TO-PROXY', 'TO-NAPID']) {
      const n = parmValues(app, name).length;
      if (n > 1) {
        issues.push({
          severity: 'warning',
          code: 'repeated-parm',
          path: app.path,
          message: `${label}: ${n} ${name} values; the first one that resolves is used`,
        });
      }
    }
  }
  if (POC_APPIDS.includes(id) && applicationAddresses(app).length === 0) {
    issues.push({
      severity: 'warning',
      code: 'missing-parm',
      path: app.path,
      message: `${label}: no ADDR or APPADDR (the PoC server address)`,
    });
  }
  if (DM_APPIDS.includes(id)) {
    const provider = parmValue(app, 'PROVIDER-ID');
    if (provider === undefined || provider === '') {
      issues.push({
        severity: 'error',
        code: 'missing-parm',
        path: app.path,
        message: `${label}: missing PROVIDER-ID, which becomes the DMAcc ServerID [oma-cp.md §5]`,
      });
    } else if (typeof parseAcl(`Get=${provider}`) === 'string') {
      issues.push({
        severity: 'error',
        code: 'bad-server-id',
        path: app.path,
        message: `${label}: PROVIDER-ID "${provider}" cannot be a ServerID in ACLs (no whitespace, =, &, * or +) [oma-dm.md §12.4]`,
      });
    }
    if (applicationAddresses(app).length === 0) {
      issues.push({
        severity: 'error',
        code: 'missing-parm',
        path: app.path,
        message: `${label}: no ADDR or APPADDR: the DM server address is required [oma-cp.md §5]`,
      });
    }
    for (const addr of childrenOfType(app, 'APPADDR')) {
      for (const port of childrenOfType(addr, 'PORT')) {
        const nbr = parmValue(port, 'PORTNBR');
        if (nbr !== undefined && /^\d+$/.test(nbr.trim()) && Number(nbr) > 65535) {
          issues.push({
            severity: 'error',
            code: 'not-a-number',
            path: port.path,
            message: `${port.path}: PORTNBR ${nbr} is not a port number (0-65535)`,
          });
        }
      }
    }
    for (const auth of childrenOfType(app, 'APPAUTH')) {
      const level = parmValue(auth, 'AAUTHLEVEL');
      if (level === undefined) {
        issues.push({
          severity: 'error',
          code: 'missing-parm',
          path: auth.path,
          message: `${auth.path}: missing AAUTHLEVEL (APPSRV or CLIENT); DMAcc AppAuth needs it [oma-cp.md §5]`,
        });
      } else if (AAUTHLEVEL_TO_DMACC[level] === undefined) {
        issues.push({
          severity: 'error',
          code: 'bad-value',
          path: auth.path,
          message: `${auth.path}: AAUTHLEVEL "${level}" is not APPSRV, CLIENT or OBEX [oma-cp.md §5]`,
        });
      }
      const type = parmValue(auth, 'AAUTHTYPE');
      if (type === undefined) {
        issues.push({
          severity: 'error',
          code: 'missing-parm',
          path: auth.path,
          message: `${auth.path}: missing AAUTHTYPE; DMAcc AppAuth needs it [oma-dm.md §13]`,
        });
      } else if (dmAuthType(type) === undefined) {
        issues.push({
          severity: 'warning',
          code: 'bad-value',
          path: auth.path,
          message: `${auth.path}: AAUTHTYPE "${type}" is not a DMAcc value (${DMACC_AUTH_TYPES.join(', ')}); kept as given`,
        });
      }
    }
  }
}

/**
 * Every problem of the document: structure (§1.1-§1.2), references (§1.3) and what the
 * handset needs to apply w4, w7 and PoC. Errors first, then warnings, each in document order.
 */
export function validateCpDocument(doc: CpDocument): CpIssue[] {
  const issues: CpIssue[] = [];
  checkChildren('', doc.characteristics, ROOT_CHILDREN, issues);
  for (const ch of doc.characteristics) validateCharacteristic(ch, issues);
  if (doc.characteristics.length === 0) {
    issues.push({
      severity: 'warning',
      code: 'empty-document',
      path: 'wap-provisioningdoc',
      message: 'wap-provisioningdoc: the document provisions nothing',
    });
  }
  if (doc.version !== undefined && doc.version !== '1.0' && doc.version !== '1.1') {
    issues.push({
      severity: 'warning',
      code: 'unknown-version',
      path: 'wap-provisioningdoc',
      message: `wap-provisioningdoc: version "${doc.version}" (the samples use 1.0 and 1.1)`,
    });
  }
  validateReferences(doc, issues);
  for (const app of topLevel(doc, 'APPLICATION')) validateApplication(app, issues);
  return [...issues.filter((i) => i.severity === 'error'), ...issues.filter((i) => i.severity === 'warning')];
}

export function errorsOf(issues: readonly CpIssue[]): CpIssue[] {
  return issues.filter((i) => i.severity === 'error');
}

export function warningsOf(issues: readonly CpIssue[]): CpIssue[] {
  return issues.filter((i) => i.severity === 'warning');
}

/** Throws `CpDocumentError('cp-invalid')` listing every error, when there is any. */
export function assertValidCp(issues: readonly CpIssue[]): void {
  const errors = errorsOf(issues);
  if (errors.length === 0) return;
  const first = errors[0] as CpIssue;
  const more =
    errors.length > 1
      ? ` (and ${errors.length - 1} more: ${errors
          .slice(1, 4)
          .map((e) => e.message)
          .join('; ')}${errors.length > 4 ? '; …' : ''})`
      : '';
  throw new CpDocumentError('cp-invalid', `Invalid provisioning document: ${first.message}${more}`, {
    path: first.path,
    issues: errors,
  });
}
