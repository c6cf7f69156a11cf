/** The DM management tree: public surface for the DM session, CP import, the UI and the CLI. */
export * from './types.ts';
export { ManagementTree, STANDARD_PROPERTIES, INSTANCE_PROPERTIES, type OpenOptions } from './tree.ts';
export { TreeStoreError, type TreeStore, type TreeCommit } from './store.ts';
export { createFactoryTree, identityValues, ROOT_ACL } from './factory.ts';
export {
  parseUri,
  type ParsedUri,
  type UriProblem,
  type UriLimits,
  type ListKind,
  type TndsProperty,
} from './uri.ts';
export { parseAcl, formatAcl, canonicalAcl, type Acl, type AclCommand } from './acl.ts';
export { parseTnds, writeTnds, type TndsNode } from './tnds.ts';
export { encodeBase64, decodeBase64, formatTStamp } from './format.ts';
