/** The MOs this handset knows, and lookups over their descriptions. */
import { CONN } from './conn.ts';
import { DEV_DETAIL } from './dev-detail.ts';
import { DEV_INFO } from './dev-info.ts';
import { DM_ACC } from './dm-acc.ts';
import { MMS } from './mms.ts';
import { POC } from './poc.ts';
import { DYNAMIC, type DdfNode, type MoDescription } from './ddf.ts';

export { CONN, DEV_DETAIL, DEV_INFO, DM_ACC, MMS, POC };
export { FACTORY_URI_LIMITS } from './dev-detail.ts';
export * from './ddf.ts';

export const STANDARD_MOS: readonly MoDescription[] = [DEV_INFO, DEV_DETAIL, DM_ACC, CONN, MMS, POC];

function rootSegments(root: string): string[] {
  return root.slice(2).split('/');
}

/**
 * The DDF node describing `segments` (a canonical URI split), or undefined when no MO describes
 * it (outside every MO, or below an open node such as Ext).
 */
export function ddfFor(
  segments: readonly string[],
  mos: readonly MoDescription[] = STANDARD_MOS,
): DdfNode | undefined {
  for (const mo of mos) {
    const root = rootSegments(mo.root);
    if (segments.length < root.length || !root.every((s, i) => segments[i] === s)) continue;
    let node: DdfNode = mo.ddf;
    for (let i = root.length; i < segments.length; i++) {
      const children: readonly DdfNode[] = node.children ?? [];
      const next: DdfNode | undefined =
        children.find((c) => c.name === segments[i]) ?? children.find((c) => c.name === DYNAMIC);
      if (!next) return undefined;
      node = next;
    }
    return node;
  }
  return undefined;
}

/** Canonical URIs whose children are instances with Active / Default / Locked (decision 0021). */
export function instanceCollections(mos: readonly MoDescription[] = STANDARD_MOS): string[] {
  const out: string[] = [];
  const walk = (node: DdfNode, uri: string) => {
    for (const child of node.children ?? []) {
      if (child.name === DYNAMIC) {
        if (child.instanceFlags) out.push(uri);
      } else walk(child, `${uri}/${child.name}`);
    }
  };
  for (const mo of mos) walk(mo.ddf, mo.root);
  return out;
}

/**
 * Secret leaves outside any DDF (e.g. a vendor MO imported by TNDS) are recognised by name:
 * AAuthSecret, AAuthData, and names ending in Secret, Password, Passwd, PW or Nonce
 * (the DM 1.1.2 DMAcc layout uses ServerPW, ClientPW, ServerNonce, ClientNonce [oma-dm.md §13]).
 */
export function isSecretName(name: string): boolean {
  return name === 'AAuthData' || /(?:secret|password|passwd|pw|nonce)$/i.test(name);
}
