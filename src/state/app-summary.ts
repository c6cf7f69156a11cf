/**
 * What the Messages and Push-to-talk apps say about the configuration they would use now: the
 * Active instance, else the Default one, else none (decision 0021), with its key values and
 * whatever makes it unusable (no MMSC, a proxy or access point that is not in the tree). Pure.
 */
import type { ManagementTree } from '../core/tree/tree.ts';
import { LOCAL_USER } from '../core/tree/types.ts';
import { SERVICES, displayName } from './settings-model.ts';

export interface SummaryRow {
  label: string;
  value: string;
  /** Set when this value makes the configuration unusable or is missing. */
  problem?: string;
}

export interface ConfigSummary {
  state: 'ready' | 'incomplete' | 'not-configured';
  /** The instance in use, and why it is the one. */
  instance?: { uri: string; name: string; via: 'active' | 'default' };
  rows: SummaryRow[];
  problems: string[];
}

function value(tree: ManagementTree, uri: string): string {
  const r = tree.get(LOCAL_USER, uri);
  return r.status === 200 && r.format !== 'node' ? (r.value ?? '').trim() : '';
}

function exists(tree: ManagementTree, uri: string): boolean {
  return tree.get(LOCAL_USER, uri).status === 200;
}

function firstChild(tree: ManagementTree, uri: string): string | undefined {
  const r = tree.get(LOCAL_USER, uri);
  return r.status === 200 ? r.children?.[0] : undefined;
}

/** "proxy.example.net:8080" from the first physical proxy of a logical proxy. */
function proxyAddress(tree: ManagementTree, pxUri: string): string {
  const phys = firstChild(tree, `${pxUri}/PxPhysical`);
  if (!phys) return '';
  const base = `${pxUri}/PxPhysical/${phys}`;
  const addr = value(tree, `${base}/PxAddr`) || value(tree, `${base}/PxAddrFqdn`);
  const port = firstChild(tree, `${base}/Port`) ?? firstChild(tree, `${pxUri}/Port`);
  const portNbr = port
    ? value(tree, `${base}/Port/${port}/PortNbr`) || value(tree, `${pxUri}/Port/${port}/PortNbr`)
    : '';
  return portNbr ? `${addr}:${portNbr}` : addr;
}

function proxyNap(tree: ManagementTree, pxUri: string): string {
  const phys = firstChild(tree, `${pxUri}/PxPhysical`);
  return phys ? value(tree, `${pxUri}/PxPhysical/${phys}/ToNapId`) : '';
}

function refRows(
  tree: ManagementTree,
  base: string,
  needsNap: boolean,
): { rows: SummaryRow[]; problems: string[] } {
  const rows: SummaryRow[] = [];
  const problems: string[] = [];
  const px = value(tree, `${base}/ToProxy`);
  if (px) {
    if (exists(tree, px)) {
      const addr = proxyAddress(tree, px);
      rows.push({
        label: 'Proxy',
        value: addr ? `${displayName(tree, px)} (${addr})` : displayName(tree, px),
      });
    } else {
      const problem = `It points to the proxy ${px.split('/').pop()}, which is not on this phone.`;
      rows.push({ label: 'Proxy', value: px.split('/').pop() ?? px, problem });
      problems.push(problem);
    }
  } else {
    rows.push({ label: 'Proxy', value: 'None (direct)' });
  }
  const nap = value(tree, `${base}/ConRef`) || (px && exists(tree, px) ? proxyNap(tree, px) : '');
  if (nap) {
    if (exists(tree, nap)) {
      const apn = value(tree, `${nap}/Addr`);
      rows.push({
        label: 'Access point',
        value: apn ? `${displayName(tree, nap)} (${apn})` : displayName(tree, nap),
      });
    } else {
      const problem = `It points to the access point ${nap.split('/').pop()}, which is not on this phone.`;
      rows.push({ label: 'Access point', value: nap.split('/').pop() ?? nap, problem });
      problems.push(problem);
    }
  } else if (needsNap) {
    const problem = 'No access point is set, so the phone does not know how to connect.';
    rows.push({ label: 'Access point', value: 'Not set', problem });
    problems.push(problem);
  }
  return { rows, problems };
}

function summary(
  tree: ManagementTree | null,
  collection: string,
  leaves: readonly { leaf: string; label: string; required?: string }[],
): ConfigSummary {
  const chosen = tree?.effectiveInstance(collection);
  if (!tree || !chosen) return { state: 'not-configured', rows: [], problems: [] };
  const rows: SummaryRow[] = [];
  const problems: string[] = [];
  for (const { leaf, label, required } of leaves) {
    const v = value(tree, `${chosen.uri}/${leaf}`);
    if (v) rows.push({ label, value: v });
    else if (required) {
      rows.push({ label, value: 'Not set', problem: required });
      problems.push(required);
    }
  }
  const refs = refRows(tree, chosen.uri, true);
  rows.push(...refs.rows);
  problems.push(...refs.problems);
  return {
    state: problems.length > 0 ? 'incomplete' : 'ready',
    instance: {
      uri: chosen.uri,
      name: displayName(tree, chosen.uri),
      via: chosen.active ? 'active' : 'default',
    },
    rows,
    problems,
  };
}

export function mmsSummary(tree: ManagementTree | null): ConfigSummary {
  return summary(tree, SERVICES.mms.collection, [
    { leaf: 'Addr', label: 'MMSC', required: 'No MMSC URL is set, so messages cannot be sent.' },
    { leaf: 'MaxMsgSize', label: 'Largest message (bytes)' },
  ]);
}

export function pocSummary(tree: ManagementTree | null): ConfigSummary {
  return summary(tree, SERVICES.poc.collection, [
    { leaf: 'Addr', label: 'PoC server', required: 'No PoC server is set, so calls cannot be made.' },
    { leaf: 'ConfFactoryUri', label: 'Conference factory' },
    { leaf: 'XdmsRootUri', label: 'XDMS root' },
    { leaf: 'PublicUserId', label: 'Your identity' },
  ]);
}
