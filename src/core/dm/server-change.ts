/**
 * "Ask me before the operator changes my active or locked settings" (issue #8, decision 0100).
 *
 * Before a server command touches the tree, `changesOf` says which of the user's settings it
 * would change: which instance is Active or Default, locking or unlocking one, or modifying or
 * deleting an instance that is Active or Locked right now. A `ChangeGate` asks the session's
 * `confirmServerChange` hook about each, once per (instance, what) per session, and remembers
 * the answer. Everything is judged against the committed tree through its own API
 * (`instanceCollections`, `instances`, `record`), so the Active / Default / Locked rules stay
 * in tree.ts.
 */
import type { ManagementTree } from '../tree/tree.ts';
import { parseTnds, type TndsNode } from '../tree/tnds.ts';
import { TNDS_MIME, type InstanceInfo, type TreeOp } from '../tree/types.ts';
import { isWithin, parentUri, parseUri } from '../tree/uri.ts';

export interface ServerChange {
  serverId: string;
  /** The MO instance, e.g. './MMS/op2'. */
  instanceUri: string;
  /** The instance's Name leaf, when it has one. */
  instanceName?: string;
  what: 'active' | 'default' | 'locked' | 'unlocked' | 'modify' | 'delete';
  /** CmdID of the server command, for the trace. */
  cmdId: string;
}

export type ConfirmServerChange = (change: ServerChange) => Promise<boolean>;

/** The refusal reason every declined change carries in the trace (decision 0100). */
export const REFUSED_REASON = 'the user refused: ask before operator changes';

type What = ServerChange['what'];

/** The instance (a child of an instance collection) that `uri` is or lies in. */
function instanceOf(collections: readonly string[], uri: string): string | undefined {
  for (let u = uri; u !== '' && u !== '.'; u = parentUri(u)) {
    if (collections.includes(parentUri(u))) return u;
  }
  return undefined;
}

/** Instance state from the tree; a missing instance is neither Active, Default nor Locked. */
function stateOf(tree: ManagementTree, instanceUri: string): InstanceInfo | undefined {
  return tree.instances(parentUri(instanceUri)).find((i) => i.uri === instanceUri);
}

function mine(info: InstanceInfo | undefined): boolean {
  return info !== undefined && (info.active || info.locked !== null);
}

/** URIs a TNDS Add at `target` would create or merge into (the tree's own placement rule). */
function tndsUris(target: string, xml: string): string[] {
  const parsed = parseTnds(xml);
  if (typeof parsed === 'string') return [];
  const out: string[] = [];
  const visit = (node: TndsNode, parent: string): void => {
    const uri = parent === '.' ? `./${node.name}` : `${parent}/${node.name}`;
    out.push(uri);
    for (const c of node.children) visit(c, uri);
  };
  for (const top of parsed) {
    let parent = target;
    if (top.path !== undefined && top.path !== '') {
      if (top.path === '.' || top.path.startsWith('./')) parent = top.path;
      else parent = target === '.' ? `./${top.path}` : `${target}/${top.path}`;
    }
    const p = parseUri(parent);
    if (p.ok) visit(top, p.uri);
  }
  return out;
}

/**
 * The changes to the user's settings `op` would make, judged against the committed tree
 * (inside an Atomic: the tree before the Atomic). Operations the tree will refuse anyway
 * (bad URI, Add of a property, a flag value other than "true"/"false") raise no question.
 */
export function changesOf(tree: ManagementTree, op: TreeOp): { instanceUri: string; what: What }[] {
  const parsed = parseUri(op.uri);
  if (!parsed.ok) return [];
  const collections = tree.instanceCollections();
  const uri = parsed.uri;
  const query = parsed.query;

  if (
    query.kind === 'prop' &&
    (query.name === 'Active' || query.name === 'Default' || query.name === 'Locked')
  ) {
    // Properties cannot be added (the tree answers 405), so only Replace changes a flag.
    if (op.op !== 'replace' || op.value instanceof Uint8Array) return [];
    const value = op.value ?? '';
    const name = query.name;
    const key = name === 'Active' ? 'active' : 'default';
    if (collections.includes(uri)) {
      // `Replace ./MMS?prop=Active` names the instance ("" clears); Locked is 405 here.
      if (name === 'Locked') return [];
      const all = tree.instances(uri);
      const holder = all.find((i) => i[key]);
      if (value === '') return holder ? [{ instanceUri: holder.uri, what: key }] : [];
      const instanceUri = `${uri}/${value}`;
      if (!parseUri(instanceUri).ok || holder?.uri === instanceUri) return [];
      return [{ instanceUri, what: key }];
    }
    if (!collections.includes(parentUri(uri))) return [];
    if (value !== 'true' && value !== 'false') return [];
    const on = value === 'true';
    const info = stateOf(tree, uri);
    if (name === 'Locked') {
      const locked = info?.locked !== null && info?.locked !== undefined;
      return locked === on ? [] : [{ instanceUri: uri, what: on ? 'locked' : 'unlocked' }];
    }
    const current = info?.[key] === true;
    return current === on ? [] : [{ instanceUri: uri, what: key }];
  }

  // Other properties: only a Replace (ACL, Name, Title) changes anything; the tree refuses the rest.
  if (query.kind !== 'none' && !(op.op === 'replace' && query.kind === 'prop')) return [];

  // Node operations: the instance the target is in, or every instance below the target.
  const touched =
    op.op === 'add' && op.type === TNDS_MIME && typeof op.value === 'string'
      ? [uri, ...tndsUris(uri, op.value)]
      : [uri];
  const out: { instanceUri: string; what: What }[] = [];
  const seen = new Set<string>();
  const note = (instanceUri: string, what: What): void => {
    if (seen.has(`${instanceUri}\n${what}`)) return;
    seen.add(`${instanceUri}\n${what}`);
    out.push({ instanceUri, what });
  };
  for (const t of touched) {
    const instance = instanceOf(collections, t);
    if (instance !== undefined) {
      if (!mine(stateOf(tree, instance))) continue;
      note(instance, op.op === 'delete' && t === instance ? 'delete' : 'modify');
      continue;
    }
    // Deleting a subtree that holds instances deletes each of them.
    if (op.op === 'delete') {
      for (const c of collections) {
        if (!isWithin(c, t)) continue;
        for (const i of tree.instances(c)) if (mine(i)) note(i.uri, 'delete');
      }
    }
  }
  return out;
}

export type ChangeVerdict = { allowed: true } | { allowed: false; reason: string };

export interface ChangeGateOptions {
  tree: ManagementTree;
  serverId: string;
  confirm: ConfirmServerChange;
  /** Told before (true) and after (false) the user is asked: the session's waiting-for-user phase. */
  onAsking?: (asking: boolean) => void;
  /** Told of every answer the user gave, for the trace. */
  onAnswer?: (change: ServerChange, allowed: boolean) => void;
}

const DESCRIBE: Record<What, string> = {
  active: 'change which instance is Active',
  default: 'change which instance is Default',
  locked: 'lock',
  unlocked: 'unlock',
  modify: 'modify',
  delete: 'delete',
};

export function describeChange(change: Pick<ServerChange, 'instanceUri' | 'what'>): string {
  return `${DESCRIBE[change.what]} ${change.instanceUri}`;
}

/** Asks about the changes of one tree operation, each (instance, what) once per session. */
export class ChangeGate {
  private readonly answers = new Map<string, boolean>();

  constructor(private readonly options: ChangeGateOptions) {}

  async check(op: TreeOp, cmdId: string): Promise<ChangeVerdict> {
    const { tree, serverId } = this.options;
    for (const c of changesOf(tree, op)) {
      const key = `${c.instanceUri}\n${c.what}`;
      const remembered = this.answers.get(key);
      if (remembered === false)
        return {
          allowed: false,
          reason: `${REFUSED_REASON} (${describeChange(c)}; answered earlier in this session)`,
        };
      if (remembered === true) continue;
      const change: ServerChange = { serverId, instanceUri: c.instanceUri, what: c.what, cmdId };
      const name = tree.record(`${c.instanceUri}/Name`)?.value;
      if (typeof name === 'string' && name !== '') change.instanceName = name;
      let allowed: boolean;
      this.options.onAsking?.(true);
      try {
        allowed = (await this.options.confirm(change)) === true;
      } catch (error) {
        // Not remembered: the user never answered, so a later command may ask again.
        return {
          allowed: false,
          reason: `the question "ask before operator changes" could not be asked (${(error as Error).message}); nothing was changed`,
        };
      } finally {
        this.options.onAsking?.(false);
      }
      this.answers.set(key, allowed);
      this.options.onAnswer?.(change, allowed);
      if (!allowed) return { allowed: false, reason: `${REFUSED_REASON} (${describeChange(c)})` };
    }
    return { allowed: true };
  }
}
