/**
 * What a provisioning message will do, shown before anything is written: items grouped by
 * service with a human sentence each (secrets masked), the fields behind it, the parameters
 * that are not applied, and the raw TreeOps for the inspector. Plain data.
 */
import { ddfFor, isSecretName } from '../tree/mo/index.ts';
import type { TreeOp } from '../tree/types.ts';
import type { CpIssue } from './validate.ts';

export type ServiceGroup =
  'mms' | 'poc' | 'dm-accounts' | 'access-points' | 'proxies' | 'other' | 'not-applied';

export const GROUP_TITLES: Readonly<Record<ServiceGroup, string>> = {
  mms: 'MMS settings',
  poc: 'Push-to-talk settings',
  'dm-accounts': 'DM accounts',
  'access-points': 'Access points',
  proxies: 'Proxies',
  other: 'Other settings',
  'not-applied': 'Not applied',
};

const GROUP_ORDER: readonly ServiceGroup[] = [
  'mms',
  'poc',
  'dm-accounts',
  'access-points',
  'proxies',
  'other',
  'not-applied',
];

/** Shown instead of a secret. Fixed length, so it tells nothing about the secret. */
export const MASK = '••••';

export interface PreviewField {
  label: string;
  /** Masked when `secret`. */
  value: string;
  secret?: boolean;
}

export interface PreviewItem {
  group: ServiceGroup;
  action: 'add' | 'replace' | 'not-applied';
  /**
   * For people, names in `*…*` as in the storyboard: "Adds MMS settings *Example MMS* (MMSC
   * http://mmsc.example.net/mms, via access point *MMS_NAP*)". Never contains a secret.
   */
  sentence: string;
  /** Canonical URI of the instance written (absent for not-applied items). */
  uri?: string;
  /** Where it came from: a CP characteristic path or a SyncML command. */
  source: string;
  fields: PreviewField[];
  /** Parameters kept in the document but not written (`CALLTYPE=ANALOG-MODEM`, secrets masked). */
  notApplied: string[];
  /** `[start, end)` indexes into the plan's ops. */
  ops?: [number, number];
  /** The instance becomes the Active one of its service. */
  becomesActive?: boolean;
}

export interface PreviewGroup {
  group: ServiceGroup;
  title: string;
  items: PreviewItem[];
}

export interface Preview {
  groups: PreviewGroup[];
  /** One line: "Adds 1 MMS settings, 1 access point and 1 proxy; 2 items not applied". */
  summary: string;
  /** Warning messages for people (validation warnings, unresolved references …). */
  warnings: string[];
}

/** A DM session the handset should start once the plan is applied. */
export interface SessionStart {
  serverId: string;
  /** Canonical URI of the DMAcc account. */
  account: string;
  /** `INIT` (w7 presence parameter) or `bootstrap` (DM-profile bootstrap, oma-cp.md §9). */
  reason: 'INIT' | 'bootstrap';
}

export interface ProvisioningPlan {
  kind: 'cp' | 'dm-bootstrap';
  /** One atomic batch, principal DEVICE, origin = the inbox message id. */
  ops: TreeOp[];
  preview: Preview;
  /** Problems found (warnings only: a plan is never made from an invalid document). */
  issues: CpIssue[];
  startSessions: SessionStart[];
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

const COUNT_NAMES: Readonly<Record<ServiceGroup, [string, string]>> = {
  mms: ['MMS settings', 'MMS settings'],
  poc: ['Push-to-talk settings', 'Push-to-talk settings'],
  'dm-accounts': ['DM account', 'DM accounts'],
  'access-points': ['access point', 'access points'],
  proxies: ['proxy', 'proxies'],
  other: ['other setting', 'other settings'],
  'not-applied': ['item not applied', 'items not applied'],
};

function joinList(parts: string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/** Groups items in the fixed service order and writes the summary line. */
export function buildPreview(items: readonly PreviewItem[], warnings: readonly string[]): Preview {
  const groups: PreviewGroup[] = [];
  for (const group of GROUP_ORDER) {
    const inGroup = items.filter((i) => i.group === group);
    if (inGroup.length > 0) groups.push({ group, title: GROUP_TITLES[group], items: inGroup });
  }
  const parts = (action: 'add' | 'replace') =>
    groups
      .filter((g) => g.group !== 'not-applied')
      .map((g) => {
        const n = g.items.filter((i) => i.action === action).length;
        const [one, many] = COUNT_NAMES[g.group];
        return n === 0 ? '' : plural(n, one, many);
      })
      .filter((p) => p !== '');
  const adds = parts('add');
  const replaces = parts('replace');
  const notApplied = items.filter((i) => i.action === 'not-applied').length;
  const clauses: string[] = [];
  if (adds.length > 0) clauses.push(`Adds ${joinList(adds)}`);
  if (replaces.length > 0)
    clauses.push(`${clauses.length > 0 ? 'replaces' : 'Replaces'} ${joinList(replaces)}`);
  let summary = clauses.length > 0 ? clauses.join('; ') : 'Changes nothing';
  if (notApplied > 0) summary += `; ${plural(notApplied, 'item', 'items')} not applied`;
  return { groups, summary, warnings: [...warnings] };
}

/** The preview as plain text lines (CLI, logs): the summary, then each group and item. */
export function previewLines(preview: Preview): string[] {
  const lines = [preview.summary];
  for (const g of preview.groups) {
    lines.push(`${g.title}:`);
    for (const item of g.items) {
      lines.push(`  - ${item.sentence}${item.becomesActive ? ' [becomes Active]' : ''}`);
      if (item.uri !== undefined) lines.push(`      ${item.uri}`);
      for (const p of item.notApplied) lines.push(`      not applied: ${p}`);
    }
  }
  for (const w of preview.warnings) lines.push(`warning: ${w}`);
  return lines;
}

/** Whether a node's value is a secret (its MO says so, or its name looks like one). */
export function isSecretUri(uri: string): boolean {
  const path = uri.split('?')[0] ?? uri;
  const segments = path === '.' ? [] : path.replace(/^\.\//, '').split('/');
  const ddf = ddfFor(segments);
  return ddf ? ddf.secret === true : isSecretName(segments[segments.length - 1] ?? '');
}

/** The ops with secret values replaced by the mask, for displays that must not show them (CLI, logs). */
export function maskedOps(ops: readonly TreeOp[]): TreeOp[] {
  return ops.map((op) => {
    if ((op.op === 'add' || op.op === 'replace') && op.value !== undefined && isSecretUri(op.uri))
      return { ...op, value: MASK };
    return op;
  });
}
