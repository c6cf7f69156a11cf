/**
 * The tree a new handset starts with: root ACL `Add=*&Get=*` [TND 83], DevInfo and DevDetail
 * filled from the identity (permanent, `Get=*`), and the empty DMAcc, Conn, MMS and PoC roots.
 */
import { devId, type DeviceIdentity } from '../device/identity.ts';
import { formatTStamp } from './format.ts';
import {
  DEV_DETAIL,
  DEV_INFO,
  DM_ACC,
  CONN,
  MMS,
  POC,
  DYNAMIC,
  type DdfNode,
  type MoDescription,
} from './mo/index.ts';
import type { NodeRecord } from './types.ts';

export const ROOT_ACL = 'Add=*&Get=*';

/** Values of DevInfo / DevDetail that come from the identity. */
export function identityValues(identity: DeviceIdentity): Record<string, string> {
  return {
    './DevInfo/DevId': devId(identity),
    './DevInfo/Man': identity.manufacturer,
    './DevInfo/Mod': identity.model,
    './DevInfo/Lang': identity.language,
    './DevDetail/OEM': identity.manufacturer,
  };
}

export function createFactoryTree(identity: DeviceIdentity, nowMs: number): NodeRecord[] {
  const tstamp = formatTStamp(nowMs);
  const values = identityValues(identity);
  const records: NodeRecord[] = [];
  let seq = 0;
  const add = (r: Omit<NodeRecord, 'seq' | 'tstamp' | 'verNo'>) =>
    records.push({ ...r, seq: seq++, tstamp, verNo: 0 });
  add({ uri: '.', parent: '', name: '.', format: 'node', type: '', acl: ROOT_ACL, permanent: true });

  const instantiate = (ddf: DdfNode, uri: string, parent: string, acl: string) => {
    const isLeaf = ddf.format !== 'node';
    add({
      uri,
      parent,
      name: ddf.name,
      format: ddf.format,
      type: ddf.type ?? (isLeaf ? 'text/plain' : ''),
      ...(isLeaf ? { value: values[uri] ?? ddf.defaultValue ?? '' } : {}),
      acl,
      permanent: true,
    });
    for (const child of ddf.children ?? []) {
      if (child.name !== DYNAMIC && child.scope === 'permanent')
        instantiate(child, `${uri}/${child.name}`, uri, '');
    }
  };
  const mo = (m: MoDescription, acl: string) => instantiate(m.ddf, m.root, '.', acl);
  mo(DEV_INFO, 'Get=*');
  mo(DEV_DETAIL, 'Get=*');
  mo(DM_ACC, '');
  mo(CONN, '');
  mo(MMS, '');
  mo(POC, '');
  return records;
}
