/**
 * Executable nodes the handset supports (DM Exec, shared/spec/oma-dm.md §5): a small
 * registry from node URI to a handler. Exec is treated as synchronous and answers with a
 * launch status; a handler may return 202 and report the outcome later with a Generic
 * Alert 1226 that echoes the Exec's Correlator (`ctx.queueGenericAlert`).
 *
 * Status rules (decision 0054):
 * - URI not registered: 404 when no such node exists, 405 when the node exists but is not
 *   executable;
 * - the server lacks the Exec right in the ACL in force (the node's own, else the nearest
 *   ancestor's; registry entries without a tree node use their `acl`, default `Exec=*`): 425;
 * - otherwise the handler's status (200, 202, 500 ...); a handler that throws gives 500.
 */
import { aclAllows, parseAcl } from '../tree/acl.ts';
import type { ManagementTree } from '../tree/tree.ts';
import { parseUri, parentUri } from '../tree/uri.ts';
import type { Principal } from '../tree/types.ts';
import type { DataValue } from '../syncml/message.ts';
import type { GenericAlert } from './commands/types.ts';

export interface ExecContext {
  /** Canonical URI of the executed node. */
  uri: string;
  principal: Principal;
  /** Item Data of the Exec (arguments), if any. */
  data: DataValue | undefined;
  correlator?: string;
  tree: ManagementTree;
  /** Reference for tree batches (the session's origin string). */
  origin: string;
  /** Report an outcome to the server in this session (Alert 1226). */
  queueGenericAlert(alert: GenericAlert): void;
}

export interface ExecOutcome {
  status: number;
  reason?: string;
}

export type ExecHandler = (ctx: ExecContext) => Promise<ExecOutcome> | ExecOutcome;

export interface ExecEntry {
  uri: string;
  description: string;
  handler: ExecHandler;
  /** ACL applied when the tree has no node at `uri` (default `Exec=*`). */
  acl?: string;
}

/** Where the emulator's factory-reset node lives (a vendor extension under DevDetail/Ext). */
export const FACTORY_RESET_URI = './DevDetail/Ext/OtaHandset/FactoryReset';

export class ExecRegistry {
  private readonly entries = new Map<string, ExecEntry>();

  register(entry: ExecEntry): this {
    const parsed = parseUri(entry.uri);
    const uri = parsed.ok ? parsed.uri : entry.uri;
    this.entries.set(uri, { ...entry, uri });
    return this;
  }

  has(uri: string): boolean {
    const parsed = parseUri(uri);
    return parsed.ok && this.entries.has(parsed.uri);
  }

  list(): ExecEntry[] {
    return [...this.entries.values()];
  }

  async exec(ctx: Omit<ExecContext, 'uri'> & { target: string }): Promise<ExecOutcome> {
    const parsed = parseUri(ctx.target);
    if (!parsed.ok) return { status: parsed.status, reason: parsed.reason };
    const uri = parsed.uri;
    if (parsed.query.kind !== 'none')
      return { status: 405, reason: 'Exec on a property or ?list is not allowed' };
    const entry = this.entries.get(uri);
    const node = ctx.tree.record(uri);
    if (!entry) {
      return node
        ? { status: 405, reason: `${uri} is not an executable node on this handset` }
        : { status: 404, reason: `no node ${uri}` };
    }
    if (ctx.principal.kind === 'server' && !this.mayExec(ctx.tree, entry, ctx.principal.serverId)) {
      return { status: 425, reason: `no Exec right on ${uri}` };
    }
    try {
      const { target: _target, ...rest } = ctx;
      return await entry.handler({ ...rest, uri });
    } catch (error) {
      return { status: 500, reason: `the ${entry.description} failed: ${(error as Error).message}` };
    }
  }

  private mayExec(tree: ManagementTree, entry: ExecEntry, serverId: string): boolean {
    let u = entry.uri;
    if (!tree.record(u)) {
      const acl = parseAcl(entry.acl ?? 'Exec=*');
      return typeof acl !== 'string' && aclAllows(acl, 'Exec', serverId);
    }
    while (u !== '') {
      const r = tree.record(u);
      if (r && r.acl !== '') {
        const acl = parseAcl(r.acl);
        return typeof acl !== 'string' && aclAllows(acl, 'Exec', serverId);
      }
      u = parentUri(u);
    }
    return false;
  }
}

/**
 * The handset's executable nodes: a factory reset when the caller provides one (the browser
 * state and the CLI wire it to the device's reset).
 */
export function createExecRegistry(hooks: { factoryReset?: () => Promise<void> } = {}): ExecRegistry {
  const registry = new ExecRegistry();
  const reset = hooks.factoryReset;
  if (reset) {
    registry.register({
      uri: FACTORY_RESET_URI,
      description: 'factory reset',
      handler: async () => {
        await reset();
        return { status: 200 };
      },
    });
  }
  return registry;
}
