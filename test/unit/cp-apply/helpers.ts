import { readFileSync } from 'node:fs';
import { MemoryTreeStore } from '../../../src/adapters/memory-tree-store.ts';
import { parseCpDocument } from '../../../src/core/cp/parse.ts';
import type { CpDocument } from '../../../src/core/cp/document.ts';
import { DEFAULT_IDENTITY } from '../../../src/core/device/identity.ts';
import { ManagementTree } from '../../../src/core/tree/tree.ts';
import { parseXml } from '../../../src/core/xml/parse.ts';

export const T0 = Date.UTC(2024, 10, 21, 10, 42, 0);
export const clock = { now: () => T0 };

/** In-repo copies of /work/shared/vectors/third-party (byte-identical; provenance in its README). */
const thirdParty = new URL('../../vectors/wbxml/third-party/', import.meta.url);

/** A public sample's XML text. */
export function sample(path: string): string {
  return readFileSync(new URL(path, thirdParty), 'utf8');
}

/** A public sample's WBXML form (made by libwbxml, see test/vectors/wbxml). */
export function sampleWbxml(path: string): Uint8Array {
  return new Uint8Array(readFileSync(new URL(path.replace(/\.xml$/, '.wbxml'), thirdParty)));
}

export const LIBWBXML = [
  'prov-001',
  'prov-002',
  'prov-003',
  'prov-004',
  'prov-005',
  'prov-006',
  'prov-007',
  'prov-008',
].map((n) => `libwbxml/${n}.xml`);
export const CPCLIENT = [
  'bookmarks',
  'data-sync',
  'email',
  'internetmms',
  'omadm',
  'proxy-nap-group',
  'proxytest',
  'simplemms',
].map((n) => `intel-cpclient/${n}.xml`);

export function cpDoc(xml: string): CpDocument {
  return parseCpDocument(parseXml(xml));
}

/** A provisioning document from characteristics written as XML. */
export function prov(body: string): string {
  return `<?xml version="1.0"?><wap-provisioningdoc version="1.1">${body}</wap-provisioningdoc>`;
}

export async function freshTree(): Promise<{ tree: ManagementTree; store: MemoryTreeStore }> {
  const store = new MemoryTreeStore();
  const tree = await ManagementTree.openWithFactory(store, clock, DEFAULT_IDENTITY);
  return { tree, store };
}

/** The value of a leaf, secrets included (record()), or undefined. */
export function value(tree: ManagementTree, uri: string): string | undefined {
  return tree.record(uri)?.value;
}

/** Children names of an interior node. */
export function kids(tree: ManagementTree, uri: string): string[] {
  return tree.get({ kind: 'device' }, uri).children ?? [];
}
