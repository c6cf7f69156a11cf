/**
 * The DM management tree: URI, property and ACL rules over an in-memory index, written through
 * to a TreeStore one batch at a time [TND 81-86; oma-dm.md §5, §12, §13].
 *
 * DM outcomes are returned as status codes, never thrown. The only exceptions are storage
 * failures (TreeStoreError), after which the tree is exactly as it was before the batch.
 */
import type { Clock } from '../ports.ts';
import type { DeviceIdentity } from '../device/identity.ts';
import {
  aclAllows,
  canonicalAcl,
  formatAcl,
  grant,
  parseAcl,
  removeServerId,
  type Acl,
  type AclCommand,
} from './acl.ts';
import { Draft, TreeIndex, type TreeView } from './draft.ts';
import { createFactoryTree, identityValues } from './factory.ts';
import { formatTStamp, nextVerNo, normalizeValue, valueSize } from './format.ts';
import {
  DYNAMIC,
  ddfFor,
  instanceCollections,
  isSecretName,
  FACTORY_URI_LIMITS,
  type DdfNode,
} from './mo/index.ts';
import { TreeStoreError, type TreeStore } from './store.ts';
import { writeTnds, type TndsNode } from './tnds-write.ts';
import type { parseTnds as ParseTnds } from './tnds.ts';
import {
  isWithin,
  lastSegment,
  parentUri,
  parseUri,
  segmentProblem,
  type ParsedUri,
  type TndsProperty,
  type UriLimits,
} from './uri.ts';
import { utf8Length } from '../bytes/utf8.ts';
import {
  DEVICE,
  TNDS_MIME,
  isNodeFormat,
  type BatchOptions,
  type BatchResult,
  type InstanceInfo,
  type ListItem,
  type NodeFormat,
  type NodeRecord,
  type NodeValue,
  type Principal,
  type TreeChange,
  type TreeListener,
  type TreeOp,
  type TreeResult,
} from './types.ts';

/** The eight DM 1.2 properties [TND 83] and the three project-defined ones (decision 0021). */
export const STANDARD_PROPERTIES = [
  'ACL',
  'Format',
  'Name',
  'Size',
  'Title',
  'TStamp',
  'Type',
  'VerNo',
] as const;
export const INSTANCE_PROPERTIES = ['Active', 'Default', 'Locked'] as const;
type InstanceProperty = (typeof INSTANCE_PROPERTIES)[number];

const INBOX = './Inbox';
const DMACC = './DMAcc';

interface Outcome {
  status: number;
  reason?: string;
}

const OK: Outcome = { status: 200 };

function fail(status: number, reason: string): Outcome {
  return { status, reason };
}

interface Ctx {
  draft: Draft;
  principal: Principal;
  now: number;
  tstamp: string;
  origin?: string;
  /** ServerIDs whose DMAcc account went away in this batch. */
  goneServerIds: Set<string>;
}

export interface OpenOptions {
  clock: Clock;
  /** Records for an empty store; default: the factory tree of the default identity is NOT assumed, pass one. */
  initial?: () => NodeRecord[];
}

/**
 * The TNDS reader (fast-xml-parser) is loaded on the first TNDS Add, not with the tree: the tree is
 * on the app's first screen and only imports and DM servers send TNDS (decision 0170).
 */
let tndsParser: typeof ParseTnds | null = null;
async function loadTndsParser(): Promise<void> {
  tndsParser ??= (await import('./tnds.ts')).parseTnds;
}
function hasTndsAdd(ops: readonly TreeOp[]): boolean {
  return ops.some((op) => op.op === 'add' && op.type === TNDS_MIME);
}

const aclCache = new Map<string, Acl>();
function cachedAcl(text: string): Acl {
  let acl = aclCache.get(text);
  if (!acl) {
    const parsed = parseAcl(text);
    acl = typeof parsed === 'string' ? new Map() : parsed;
    if (aclCache.size > 1000) aclCache.clear();
    aclCache.set(text, acl);
  }
  return acl;
}

function flagKey(name: 'Active' | 'Default'): 'active' | 'default' {
  return name === 'Active' ? 'active' : 'default';
}

export class ManagementTree {
  private readonly index: TreeIndex;
  private seq: number;
  private tail: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<TreeListener>();
  private readonly collections: ReadonlySet<string>;

  private constructor(
    private readonly store: TreeStore,
    private readonly clock: Clock,
    index: TreeIndex,
  ) {
    this.index = index;
    this.seq = index.maxSeq() + 1;
    this.collections = new Set(instanceCollections());
  }

  /** Loads the tree from the store (once); seeds an empty store with `initial()`. */
  static async open(store: TreeStore, options: OpenOptions): Promise<ManagementTree> {
    let records = await store.load();
    if (records.length === 0 && options.initial) {
      records = options.initial();
      await store.replaceAll(records);
    }
    return new ManagementTree(store, options.clock, TreeIndex.build(records));
  }

  /** Opens a store, seeding it with the factory tree for `identity` when it is empty. */
  static async openWithFactory(
    store: TreeStore,
    clock: Clock,
    identity: DeviceIdentity,
  ): Promise<ManagementTree> {
    return ManagementTree.open(store, { clock, initial: () => createFactoryTree(identity, clock.now()) });
  }

  // ---------------------------------------------------------------- reads

  /**
   * Get [REP 41; TND 82-84]: a leaf's value, an interior node's child list, `?prop=`, `?list=`.
   * Reads the committed state; never touches the store.
   */
  get(principal: Principal, uri: string): TreeResult {
    const view = this.index;
    const parsed = parseUri(uri, this.limits(view));
    if (!parsed.ok) return { status: parsed.status, reason: parsed.reason };
    const target = parsed.uri;
    if (isWithin(target, INBOX)) return { status: 405, reason: 'Get on ./Inbox is not allowed' };
    const node = view.node(target);
    if (!node) return { status: 404, reason: `no node ${target}` };
    if (!this.may(view, principal, 'Get', target))
      return { status: 425, reason: `no Get right on ${target}` };
    switch (parsed.query.kind) {
      case 'none':
        if (node.format === 'node') {
          const children = view.kids(target).map(lastSegment);
          return { status: 200, value: children.join('/'), format: 'node', type: node.type, children };
        }
        if (node.secret) return { status: 405, reason: `${target} is write-only (a secret)` };
        return { status: 200, value: node.value ?? '', format: node.format, type: node.type };
      case 'prop':
        return this.getProperty(view, node, parsed.query.name);
      case 'list':
        if (parsed.query.list === 'TNDS')
          return {
            status: 200,
            value: this.tndsOf(view, principal, node, parsed.query.tnds ?? new Set()),
            format: 'xml',
            type: TNDS_MIME,
          };
        return { status: 200, items: this.listOf(view, principal, node, parsed.query.list === 'StructData') };
    }
  }

  /** `?list=Struct` / `?list=StructData` of `uri`, as the given principal. */
  list(principal: Principal, uri: string, kind: 'Struct' | 'StructData'): TreeResult {
    return this.get(principal, `${uri}?list=${kind}`);
  }

  /** Serializes `uri` and its subtree as TNDS (`?list=TNDS` + selection, e.g. `+ACL+Value` or `-Value`). */
  exportTnds(principal: Principal, uri: string, selection = ''): TreeResult {
    return this.get(principal, `${uri}?list=TNDS${selection}`);
  }

  /**
   * The record at `uri`, secrets included, for the handset's own code (DM authentication reads
   * AAuthSecret / AAuthData here). Not for display: the UI uses `get`.
   */
  record(uri: string): Readonly<NodeRecord> | undefined {
    const parsed = parseUri(uri);
    return parsed.ok ? this.index.node(parsed.uri) : undefined;
  }

  /** Every record in tree order (pre-order, creation order among siblings): state file, JSON export. */
  snapshot(): NodeRecord[] {
    const out: NodeRecord[] = [];
    const walk = (uri: string) => {
      const r = this.index.node(uri);
      if (!r) return;
      out.push(r);
      for (const k of this.index.kids(uri)) walk(k);
    };
    walk('.');
    return out;
  }

  get size(): number {
    return this.index.nodes.size;
  }

  // ---------------------------------------------------------------- Active / Default / Locked

  /** Instances below an instance collection (`./MMS`, `./PoC`, `./Conn/NAP`) with their flags. */
  instances(collection: string): InstanceInfo[] {
    const parsed = parseUri(collection);
    if (!parsed.ok || !this.collections.has(parsed.uri)) return [];
    return this.index.kids(parsed.uri).map((uri) => {
      const r = this.index.node(uri)!;
      return {
        name: r.name,
        uri,
        active: r.flags?.active === true,
        default: r.flags?.default === true,
        locked: r.flags?.locked ?? null,
      };
    });
  }

  /** The instance the handset uses: the Active one, else the Default one, else none (decision 0021). */
  effectiveInstance(collection: string): InstanceInfo | undefined {
    const all = this.instances(collection);
    return all.find((i) => i.active) ?? all.find((i) => i.default);
  }

  /** The Locked instance `uri` is in or is, if any (why the user may not change it). */
  lockedInstanceOf(uri: string): Readonly<NodeRecord> | undefined {
    const parsed = parseUri(uri);
    return parsed.ok ? this.lockedInstance(this.index, parsed.uri) : undefined;
  }

  /** Canonical URIs that hold MO instances with Active / Default / Locked. */
  instanceCollections(): string[] {
    return [...this.collections];
  }

  // ---------------------------------------------------------------- writes

  async add(
    principal: Principal,
    uri: string,
    spec: { format?: NodeFormat; type?: string; value?: NodeValue; acl?: string; title?: string } = {},
    options?: BatchOptions,
  ): Promise<TreeResult> {
    return this.single(principal, { op: 'add', uri, ...spec }, options);
  }

  async replace(
    principal: Principal,
    uri: string,
    spec: { value?: NodeValue; format?: NodeFormat; type?: string },
    options?: BatchOptions,
  ): Promise<TreeResult> {
    return this.single(principal, { op: 'replace', uri, ...spec }, options);
  }

  async delete(principal: Principal, uri: string, options?: BatchOptions): Promise<TreeResult> {
    return this.single(principal, { op: 'delete', uri }, options);
  }

  async copy(
    principal: Principal,
    target: string,
    source: string,
    options?: BatchOptions,
  ): Promise<TreeResult> {
    return this.single(principal, { op: 'copy', uri: target, source }, options);
  }

  /** Updates DevInfo / DevDetail from a (validated) identity, as the device. */
  async applyIdentity(identity: DeviceIdentity): Promise<BatchResult> {
    const ops: TreeOp[] = Object.entries(identityValues(identity)).map(([uri, value]) => ({
      op: 'replace',
      uri,
      value,
    }));
    return this.batch(DEVICE, ops);
  }

  /**
   * Applies `ops` in order, all or nothing (DM Atomic, CP import). Validation sees the pending
   * writes of earlier ops. On the first failing op nothing is written; on success the whole batch
   * is one store commit. Batches run one at a time.
   */
  batch(principal: Principal, ops: readonly TreeOp[], options: BatchOptions = {}): Promise<BatchResult> {
    return this.exclusive(async () => {
      if (hasTndsAdd(ops)) await loadTndsParser();
      return this.runBatch(principal, ops, options);
    });
  }

  /** Loads the TNDS reader so that `check` (synchronous) can dry-run TNDS Adds; `batch` loads it itself. */
  static loadTndsParser(): Promise<void> {
    return loadTndsParser();
  }

  /**
   * A dry run of `ops` as `principal`: each op's outcome as if applied in order, where a refused
   * op is left out (its partial changes undone) and the later ones go on. Nothing is written and
   * listeners hear nothing. The tree inspector's import preview lists every refusal with it; a
   * `batch` of the same ops on the same tree succeeds exactly when every outcome here is 200.
   */
  check(principal: Principal, ops: readonly TreeOp[], options: BatchOptions = {}): TreeResult[] {
    const now = this.clock.now();
    const draft = new Draft(this.index, this.seq);
    draft.mark();
    const ctx: Ctx = { draft, principal, now, tstamp: formatTStamp(now), goneServerIds: new Set() };
    if (options.origin !== undefined) ctx.origin = options.origin;
    return ops.map((op) => {
      const outcome = this.apply(ctx, op);
      if (outcome.status === 200) draft.mark();
      else draft.rollback();
      return outcome.reason === undefined
        ? { status: outcome.status }
        : { status: outcome.status, reason: outcome.reason };
    });
  }

  /** Replaces the whole tree (factory reset, state import) as one store write. */
  resetTo(records: readonly NodeRecord[]): Promise<void> {
    return this.exclusive(async () => {
      await this.store.replaceAll(records);
      const fresh = TreeIndex.build(records);
      const removed = [...this.index.nodes.keys()];
      this.index.nodes.clear();
      this.index.children.clear();
      for (const [k, v] of fresh.nodes) this.index.nodes.set(k, v);
      for (const [k, v] of fresh.children) this.index.children.set(k, v);
      this.seq = fresh.maxSeq() + 1;
      this.notify({ principal: DEVICE, changed: [...fresh.nodes.keys()], removed });
    });
  }

  /** Called after each committed batch; returns the unsubscribe function. */
  subscribe(listener: TreeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---------------------------------------------------------------- internals: batch

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn);
    this.tail = run.then(
      () => undefined,
      () => undefined,
    );
    return run;
  }

  private async single(principal: Principal, op: TreeOp, options?: BatchOptions): Promise<TreeResult> {
    const result = await this.batch(principal, [op], options);
    const status = result.statuses[0] ?? 500;
    return result.reason === undefined ? { status } : { status, reason: result.reason };
  }

  private async runBatch(
    principal: Principal,
    ops: readonly TreeOp[],
    options: BatchOptions,
  ): Promise<BatchResult> {
    const now = this.clock.now();
    const draft = new Draft(this.index, this.seq);
    const ctx: Ctx = { draft, principal, now, tstamp: formatTStamp(now), goneServerIds: new Set() };
    if (options.origin !== undefined) ctx.origin = options.origin;
    const statuses: number[] = [];
    for (let i = 0; i < ops.length; i++) {
      const outcome = this.apply(ctx, ops[i]!);
      if (outcome.status !== 200) {
        const result: BatchResult = {
          status: 507,
          statuses: ops.map((_, j) => (j < i ? 216 : j === i ? outcome.status : 215)),
          failedIndex: i,
        };
        if (outcome.reason !== undefined) result.reason = outcome.reason;
        return result;
      }
      statuses.push(200);
    }
    this.dropGoneServerIds(ctx);
    const { put, remove } = draft.changes();
    if (put.length > 0 || remove.length > 0) {
      try {
        await this.store.commit({ put, remove });
      } catch (error) {
        if (error instanceof TreeStoreError) throw error;
        throw new TreeStoreError(`the tree store rejected the batch: ${(error as Error).message}`, {
          cause: String(error),
        });
      }
      draft.applyToBase();
      this.seq = draft.seq;
      const change: TreeChange = { principal, changed: put.map((r) => r.uri), removed: remove };
      if (ctx.origin !== undefined) change.origin = ctx.origin;
      this.notify(change);
    }
    return { status: 200, statuses };
  }

  private notify(change: TreeChange): void {
    for (const listener of this.listeners) {
      try {
        listener(change);
      } catch (error) {
        // A listener's bug must not undo a committed batch; report it asynchronously.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  private apply(ctx: Ctx, op: TreeOp): Outcome {
    switch (op.op) {
      case 'add':
        return this.addOp(ctx, op);
      case 'replace':
        return this.replaceOp(ctx, op);
      case 'delete':
        return this.deleteOp(ctx, op.uri);
      case 'copy':
        return this.copyOp(ctx, op.uri, op.source);
    }
  }

  // ---------------------------------------------------------------- internals: rules

  private limits(view: TreeView): UriLimits {
    const read = (name: string, fallback: number) => {
      const v = view.node(`./DevDetail/URI/${name}`)?.value;
      const n = v === undefined ? fallback : Number(v);
      return Number.isInteger(n) && n >= 0 ? n : fallback;
    };
    return {
      maxDepth: read('MaxDepth', FACTORY_URI_LIMITS.maxDepth),
      maxTotLen: read('MaxTotLen', FACTORY_URI_LIMITS.maxTotLen),
      maxSegLen: read('MaxSegLen', FACTORY_URI_LIMITS.maxSegLen),
    };
  }

  /** The ACL in force at `uri`: its own, else the nearest ancestor's with a value [TND 83]. */
  private effectiveAcl(view: TreeView, uri: string): Acl {
    let u = uri;
    while (u !== '') {
      const r = view.node(u);
      if (r && r.acl !== '') return cachedAcl(r.acl);
      u = parentUri(u);
    }
    return new Map();
  }

  private may(view: TreeView, principal: Principal, command: AclCommand, uri: string): boolean {
    if (principal.kind !== 'server') return true;
    return aclAllows(this.effectiveAcl(view, uri), command, principal.serverId);
  }

  /** The Locked instance `uri` is in or is, if any. */
  private lockedInstance(view: TreeView, uri: string): NodeRecord | undefined {
    let u = uri;
    while (u !== '') {
      const r = view.node(u);
      if (r?.flags?.locked) return r;
      u = parentUri(u);
    }
    return undefined;
  }

  private userLocked(ctx: Ctx, uri: string): Outcome | undefined {
    if (ctx.principal.kind !== 'local-user') return undefined;
    const locked = this.lockedInstance(ctx.draft, uri);
    return locked ? fail(405, `${locked.uri} is Locked; the user cannot change it`) : undefined;
  }

  /** DDF AccessType check; the device itself is not bound by it. */
  private ddfAllows(ctx: Ctx, ddf: DdfNode | undefined, command: 'Add' | 'Delete' | 'Replace'): boolean {
    return ctx.principal.kind === 'device' || !ddf || ddf.access.includes(command);
  }

  private isInstance(uri: string): boolean {
    return this.collections.has(parentUri(uri));
  }

  private touch(ctx: Ctx, r: NodeRecord, change: Partial<NodeRecord>): NodeRecord {
    return { ...r, ...change, tstamp: ctx.tstamp, verNo: nextVerNo(r.verNo) };
  }

  private parseTarget(ctx: Ctx, uri: string): ParsedUri | Outcome {
    const parsed = parseUri(uri, this.limits(ctx.draft));
    if (!parsed.ok) return fail(parsed.status, parsed.reason);
    return parsed;
  }

  // ---------------------------------------------------------------- Add

  private addOp(ctx: Ctx, op: Extract<TreeOp, { op: 'add' }>): Outcome {
    const parsed = this.parseTarget(ctx, op.uri);
    if (!('ok' in parsed)) return parsed;
    if (parsed.query.kind !== 'none') return fail(405, 'properties cannot be added [TND 83]');
    if (isWithin(parsed.uri, INBOX))
      return fail(406, './Inbox is not supported by the tree; place the MO first');
    if (op.type === TNDS_MIME) {
      const xml = op.value instanceof Uint8Array ? undefined : op.value;
      if (xml === undefined) return fail(400, 'a TNDS Add needs the XML document as text');
      return this.addTnds(ctx, parsed.uri, xml);
    }
    return this.addNode(ctx, parsed.segments, op);
  }

  private addNode(
    ctx: Ctx,
    segments: readonly string[],
    spec: { format?: string; type?: string; value?: NodeValue; acl?: string; title?: string },
  ): Outcome {
    const draft = ctx.draft;
    const uri = segments.length === 0 ? '.' : `./${segments.join('/')}`;
    if (draft.node(uri)) return fail(418, `${uri} already exists`);
    // Find the nearest existing ancestor.
    let depth = segments.length - 1;
    while (depth > 0 && !draft.node(`./${segments.slice(0, depth).join('/')}`)) depth--;
    const anchor = depth === 0 ? '.' : `./${segments.slice(0, depth).join('/')}`;
    const anchorNode = draft.node(anchor)!;
    if (anchorNode.format !== 'node') return fail(405, `${anchor} is a leaf; nodes cannot be added below it`);
    const locked = this.userLocked(ctx, anchor);
    if (locked) return locked;

    const ddf = ddfFor(segments);
    const format = spec.format ?? ddf?.format ?? (spec.value === undefined ? 'node' : 'chr');
    if (!isNodeFormat(format)) return fail(415, `unknown format "${format}"`);
    const normalized = normalizeValue(format, spec.value);
    if (typeof normalized === 'string') return fail(400, normalized);

    // Implicit interior parents, then the node itself [REP 41 Add; oma-dm.md §5].
    for (let d = depth + 1; d <= segments.length; d++) {
      const here = `./${segments.slice(0, d).join('/')}`;
      const parent = d === 1 ? '.' : `./${segments.slice(0, d - 1).join('/')}`;
      const isTarget = d === segments.length;
      const nodeDdf = isTarget ? ddf : ddfFor(segments.slice(0, d));
      if (!this.may(draft, ctx.principal, 'Add', parent)) return fail(425, `no Add right on ${parent}`);
      if (!this.ddfAllows(ctx, nodeDdf, 'Add')) return fail(405, `${here} cannot be added (DDF AccessType)`);
      if (!isTarget && nodeDdf && nodeDdf.format !== 'node') return fail(405, `${here} is a leaf in its MO`);
      const interior = !isTarget || format === 'node';
      let acl = '';
      if (interior && ctx.principal.kind === 'server' && !this.may(draft, ctx.principal, 'Replace', parent)) {
        // A server without Replace on the parent gets Add/Delete/Replace on the new interior node,
        // on top of what it inherited (decision 0020) [oma-dm.md §5 Add].
        acl = formatAcl(
          grant(this.effectiveAcl(draft, parent), ctx.principal.serverId, ['Add', 'Delete', 'Replace']),
        );
      }
      const name = segments[d - 1]!;
      const record: NodeRecord = {
        uri: here,
        parent,
        name,
        seq: draft.nextSeq(),
        format: interior ? 'node' : (format as NodeFormat),
        type:
          isTarget && spec.type !== undefined ? spec.type : (nodeDdf?.type ?? (interior ? '' : 'text/plain')),
        acl,
        tstamp: ctx.tstamp,
        verNo: 0,
      };
      if (!interior) {
        record.value = normalized.text;
        if (nodeDdf ? nodeDdf.secret === true : isSecretName(name)) record.secret = true;
      }
      draft.put(record);
    }
    if (spec.title !== undefined) {
      const t = this.setTitle(ctx, uri, spec.title);
      if (t.status !== 200) return t;
    }
    if (spec.acl !== undefined) {
      const a = this.setAcl(ctx, uri, spec.acl);
      if (a.status !== 200) return a;
    }
    return OK;
  }

  private addTnds(ctx: Ctx, target: string, xml: string): Outcome {
    // batch() loads the reader before a TNDS Add; only a check() before any load gets here without it.
    if (!tndsParser)
      return fail(500, 'the TNDS reader is not loaded: await ManagementTree.loadTndsParser() first');
    const parsed = tndsParser(xml);
    if (typeof parsed === 'string') return fail(400, `bad TNDS: ${parsed}`);
    const visit = (node: TndsNode, parent: string): Outcome => {
      const uri = parent === '.' ? `./${node.name}` : `${parent}/${node.name}`;
      const p = this.parseTarget(ctx, uri);
      if (!('ok' in p)) return p;
      const existing = ctx.draft.node(p.uri);
      const isInterior = node.format === 'node' || (node.format === undefined && node.value === undefined);
      if (existing) {
        // Existing interior nodes are merged into (decision 0024); an existing leaf is a clash.
        if (existing.format !== 'node' || !isInterior) return fail(418, `${p.uri} already exists`);
        if (node.acl !== undefined) {
          const a = this.setAcl(ctx, p.uri, node.acl);
          if (a.status !== 200) return a;
        }
      } else {
        const spec: { format?: string; type?: string; value?: NodeValue; acl?: string; title?: string } = {
          format: isInterior ? 'node' : (node.format ?? 'chr'),
        };
        if (node.type !== undefined && node.type !== '') spec.type = node.type;
        if (!isInterior) spec.value = node.value ?? '';
        if (node.acl !== undefined) spec.acl = node.acl;
        if (node.title !== undefined) spec.title = node.title;
        const added = this.addNode(ctx, p.segments, spec);
        if (added.status !== 200) return added;
      }
      for (const child of node.children) {
        const c = visit(child, p.uri);
        if (c.status !== 200) return c;
      }
      return OK;
    };
    for (const top of parsed) {
      let parent = target;
      if (top.path !== undefined && top.path !== '') {
        if (top.path === '.' || top.path.startsWith('./')) parent = top.path;
        else parent = target === '.' ? `./${top.path}` : `${target}/${top.path}`;
      }
      const p = this.parseTarget(ctx, parent);
      if (!('ok' in p)) return p;
      const outcome = visit(top, p.uri);
      if (outcome.status !== 200) return outcome;
    }
    return OK;
  }

  // ---------------------------------------------------------------- Replace

  private replaceOp(ctx: Ctx, op: Extract<TreeOp, { op: 'replace' }>): Outcome {
    const parsed = this.parseTarget(ctx, op.uri);
    if (!('ok' in parsed)) return parsed;
    const uri = parsed.uri;
    const node = ctx.draft.node(uri);
    if (!node) return fail(404, `no node ${uri} (Replace never creates nodes)`);
    if (parsed.query.kind === 'list') return fail(405, 'Replace on ?list is not allowed');
    if (parsed.query.kind === 'prop') {
      const value = op.value instanceof Uint8Array ? undefined : (op.value ?? '');
      if (value === undefined) return fail(400, 'property values are text');
      return this.replaceProperty(ctx, node, parsed.query.name, value);
    }
    if (node.format === 'node') {
      if (op.type === TNDS_MIME) return fail(415, 'Replace with TNDS is not supported yet');
      return fail(405, `${uri} is an interior node; it has no value`);
    }
    if (!this.may(ctx.draft, ctx.principal, 'Replace', uri)) return fail(425, `no Replace right on ${uri}`);
    const locked = this.userLocked(ctx, uri);
    if (locked) return locked;
    if (!this.ddfAllows(ctx, ddfFor(parsed.segments), 'Replace'))
      return fail(405, `${uri} cannot be replaced (DDF AccessType)`);
    const format = op.format ?? node.format;
    if (!isNodeFormat(format)) return fail(415, `unknown format "${format}"`);
    if (format === 'node') return fail(405, 'a leaf cannot become an interior node');
    if (node.permanent && (format !== node.format || (op.type !== undefined && op.type !== node.type)))
      return fail(405, `${uri} is permanent; its Format and Type cannot change`);
    const normalized = normalizeValue(format, op.value);
    if (typeof normalized === 'string') return fail(400, normalized);
    if (isWithin(uri, DMACC) && node.name === 'ServerID' && node.value && node.value !== normalized.text)
      ctx.goneServerIds.add(node.value);
    ctx.draft.put(this.touch(ctx, node, { format, type: op.type ?? node.type, value: normalized.text }));
    return OK;
  }

  private replaceProperty(ctx: Ctx, node: NodeRecord, name: string, value: string): Outcome {
    switch (name) {
      case 'ACL':
        return this.setAcl(ctx, node.uri, value);
      case 'Title':
        return this.setTitle(ctx, node.uri, value);
      case 'Name':
        return this.rename(ctx, node, value);
      case 'Format':
      case 'Size':
      case 'TStamp':
      case 'Type':
      case 'VerNo':
        return fail(405, `the ${name} property cannot be replaced`);
      case 'Active':
      case 'Default':
      case 'Locked':
        return this.setFlag(ctx, node, name, value);
      default:
        return fail(406, `unsupported property "${name}"`);
    }
  }

  /**
   * ACL changes [TND 83]: an interior node needs Replace on itself or on its parent; a leaf
   * needs Replace on its parent. The root keeps a value with `Add=*`.
   */
  private setAcl(ctx: Ctx, uri: string, text: string): Outcome {
    const node = ctx.draft.node(uri);
    if (!node) return fail(404, `no node ${uri}`);
    const acl = canonicalAcl(text);
    if (acl === undefined) {
      const parsed = parseAcl(text);
      return fail(400, `malformed ACL: ${typeof parsed === 'string' ? parsed : text}`);
    }
    if (ctx.principal.kind === 'server') {
      const parent = node.parent;
      const onParent = parent !== '' && this.may(ctx.draft, ctx.principal, 'Replace', parent);
      const onSelf = node.format === 'node' && this.may(ctx.draft, ctx.principal, 'Replace', uri);
      if (!onParent && !onSelf)
        return fail(
          425,
          `no right to change the ACL of ${uri} (needs Replace on ${node.format === 'node' ? 'it or ' : ''}its parent)`,
        );
    }
    const locked = this.userLocked(ctx, uri);
    if (locked) return locked;
    if (uri === '.') {
      const parsed = cachedAcl(acl);
      if (acl === '' || !(parsed.get('Add') ?? []).includes('*'))
        return fail(405, 'the root ACL must keep a value with Add=* [TND 83]');
    }
    if (acl !== node.acl) ctx.draft.put(this.touch(ctx, node, { acl }));
    return OK;
  }

  private setTitle(ctx: Ctx, uri: string, title: string): Outcome {
    const node = ctx.draft.node(uri)!;
    if (!this.may(ctx.draft, ctx.principal, 'Replace', uri)) return fail(425, `no Replace right on ${uri}`);
    const locked = this.userLocked(ctx, uri);
    if (locked) return locked;
    if (utf8Length(title) > 255) return fail(413, 'Title is at most 255 bytes [TND 83]');
    ctx.draft.put(this.touch(ctx, node, { title }));
    return OK;
  }

  /** Replace of the Name property renames the node and moves its subtree [TND 83, Name]. */
  private rename(ctx: Ctx, node: NodeRecord, newName: string): Outcome {
    const draft = ctx.draft;
    const uri = node.uri;
    if (uri === '.' || node.permanent) return fail(405, `${uri} is permanent; it cannot be renamed`);
    const ddf = ddfFor(uri.slice(2).split('/'));
    if (ddf && ddf.name !== DYNAMIC && ctx.principal.kind !== 'device')
      return fail(405, `${uri} has a fixed name in its MO`);
    if (!this.may(draft, ctx.principal, 'Replace', uri)) return fail(425, `no Replace right on ${uri}`);
    const locked = this.userLocked(ctx, uri);
    if (locked) return locked;
    const problem = segmentProblem(newName);
    if (problem) return fail(400, `bad name: ${problem}`);
    if (newName === node.name) return OK;
    const target = `${node.parent}/${newName}`;
    const p = this.parseTarget(ctx, target);
    if (!('ok' in p)) return p;
    if (draft.node(target)) return fail(418, `${target} already exists`);
    // Check the deepest URI of the moved subtree against the limits too.
    const moved: NodeRecord[] = [];
    const collect = (u: string) => {
      moved.push(draft.node(u)!);
      for (const k of draft.kids(u)) collect(k);
    };
    collect(uri);
    for (const r of moved) {
      const check = this.parseTarget(ctx, target + r.uri.slice(uri.length));
      if (!('ok' in check)) return check;
    }
    const siblings = [...draft.kids(node.parent)];
    draft.removeSubtree(uri);
    for (const r of moved) {
      const newUri = target + r.uri.slice(uri.length);
      const newParent = r === node ? node.parent : target + r.parent.slice(uri.length);
      const base = { ...r, uri: newUri, parent: newParent };
      draft.put(r === node ? this.touch(ctx, base, { name: newName }) : base);
    }
    draft.setKids(
      node.parent,
      siblings.map((u) => (u === uri ? target : u)),
    );
    return OK;
  }

  /**
   * Active / Default / Locked (decision 0021). On an instance: "true" / "false". On the
   * collection (e.g. `./MMS`): Replace of Active / Default names the instance ("" clears).
   */
  private setFlag(ctx: Ctx, node: NodeRecord, name: InstanceProperty, value: string): Outcome {
    const draft = ctx.draft;
    if (this.collections.has(node.uri)) {
      if (name === 'Locked') return fail(405, 'Locked is set on an instance, not on the MO root');
      if (value === '') {
        const holder = draft.kids(node.uri).find((u) => draft.node(u)?.flags?.[flagKey(name)]);
        return holder ? this.setFlag(ctx, draft.node(holder)!, name, 'false') : OK;
      }
      const instance = draft.node(`${node.uri}/${value}`);
      if (!instance) return fail(404, `no instance "${value}" in ${node.uri}`);
      return this.setFlag(ctx, instance, name, 'true');
    }
    if (!this.isInstance(node.uri))
      return fail(406, `${name} is only supported on MO instances (decision 0021)`);
    if (value !== 'true' && value !== 'false') return fail(400, `${name} is "true" or "false"`);
    const on = value === 'true';
    const p = ctx.principal;
    if (!this.may(draft, p, 'Replace', node.uri)) return fail(425, `no Replace right on ${node.uri}`);
    if (p.kind === 'local-user') {
      if (name === 'Locked')
        return fail(405, 'only the device or a DM server can lock or unlock an instance');
      if (node.flags?.locked) return fail(405, `${node.uri} is Locked; the user cannot change it`);
      const holder = draft
        .kids(node.parent)
        .map((u) => draft.node(u)!)
        .find((r) => r.flags?.[flagKey(name)] && r.uri !== node.uri);
      if (on && holder?.flags?.locked)
        return fail(405, `the ${name} instance ${holder.uri} is Locked; the user cannot choose another`);
    }
    if (name === 'Locked') {
      const flags = { ...node.flags };
      if (on) {
        const lock: NonNullable<typeof flags.locked> = { by: p, at: ctx.now };
        if (ctx.origin !== undefined) lock.origin = ctx.origin;
        flags.locked = lock;
      } else delete flags.locked;
      draft.put(this.touch(ctx, node, { flags }));
      return OK;
    }
    const key = flagKey(name);
    if (on) {
      for (const sibling of draft.kids(node.parent)) {
        const r = draft.node(sibling)!;
        if (r.uri !== node.uri && r.flags?.[key]) {
          const flags = { ...r.flags };
          delete flags[key];
          draft.put(this.touch(ctx, r, { flags }));
        }
      }
    }
    const current = draft.node(node.uri)!;
    if ((current.flags?.[key] === true) === on) return OK;
    const flags = { ...current.flags };
    if (on) flags[key] = true;
    else delete flags[key];
    draft.put(this.touch(ctx, current, { flags }));
    return OK;
  }

  // ---------------------------------------------------------------- Delete and Copy

  private deleteOp(ctx: Ctx, uri: string): Outcome {
    const parsed = this.parseTarget(ctx, uri);
    if (!('ok' in parsed)) return parsed;
    if (parsed.query.kind !== 'none') return fail(405, 'properties cannot be deleted');
    const target = parsed.uri;
    const draft = ctx.draft;
    if (target === '.') return fail(405, 'the root cannot be deleted');
    const node = draft.node(target);
    if (!node) return fail(404, `no node ${target}`);
    if (!this.may(draft, ctx.principal, 'Delete', target)) return fail(425, `no Delete right on ${target}`);
    if (!this.ddfAllows(ctx, ddfFor(parsed.segments), 'Delete'))
      return fail(405, `${target} cannot be deleted (DDF AccessType)`);
    const locked = this.userLocked(ctx, target);
    if (locked) return locked;
    const below: NodeRecord[] = [];
    const collect = (u: string) => {
      const r = draft.node(u)!;
      below.push(r);
      for (const k of draft.kids(u)) collect(k);
    };
    collect(target);
    for (const r of below) {
      if (r.permanent) return fail(405, `${r.uri} is permanent; it cannot be deleted`);
      if (ctx.principal.kind === 'local-user' && r.flags?.locked)
        return fail(405, `${r.uri} is Locked; the user cannot delete it`);
      if (r.name === 'ServerID' && r.value && isWithin(r.uri, DMACC)) ctx.goneServerIds.add(r.value);
    }
    draft.removeSubtree(target);
    return OK;
  }

  /** DM 1.2 Copy: leaf to leaf; the source value overwrites or creates the target [REP 41 Copy]. */
  private copyOp(ctx: Ctx, target: string, source: string): Outcome {
    const src = this.parseTarget(ctx, source);
    if (!('ok' in src)) return src;
    const tgt = this.parseTarget(ctx, target);
    if (!('ok' in tgt)) return tgt;
    if (src.query.kind !== 'none' || tgt.query.kind !== 'none')
      return fail(405, 'Copy works on nodes, not properties');
    const from = ctx.draft.node(src.uri);
    if (!from) return fail(404, `no node ${src.uri}`);
    if (from.format === 'node') return fail(405, 'DM 1.2 Copy copies leaves only');
    if (!this.may(ctx.draft, ctx.principal, 'Get', src.uri)) return fail(425, `no Get right on ${src.uri}`);
    if (from.secret) return fail(405, `${src.uri} is write-only (a secret)`);
    const to = ctx.draft.node(tgt.uri);
    const value = from.value ?? '';
    if (to) {
      if (to.format === 'node') return fail(405, `${tgt.uri} is an interior node`);
      return this.replaceOp(ctx, {
        op: 'replace',
        uri: tgt.uri,
        value,
        format: from.format,
        type: from.type,
      });
    }
    return this.addNode(ctx, tgt.segments, { format: from.format, type: from.type, value });
  }

  /** Removes ServerIDs whose accounts went away from every ACL [TND 83]. */
  private dropGoneServerIds(ctx: Ctx): void {
    if (ctx.goneServerIds.size === 0) return;
    const draft = ctx.draft;
    const remaining = new Set<string>();
    for (const acc of draft.kids(DMACC)) {
      const id = draft.node(`${acc}/ServerID`)?.value;
      if (id) remaining.add(id);
    }
    const gone = [...ctx.goneServerIds].filter((id) => !remaining.has(id));
    if (gone.length === 0) return;
    for (const uri of [...draft.uris()]) {
      const r = draft.node(uri)!;
      if (r.acl === '') continue;
      let acl = cachedAcl(r.acl);
      for (const id of gone) acl = removeServerId(acl, id, uri === '.');
      const text = formatAcl(acl);
      if (text !== r.acl) draft.put(this.touch(ctx, r, { acl: text }));
    }
  }

  // ---------------------------------------------------------------- Get helpers

  private getProperty(view: TreeView, node: NodeRecord, name: string): TreeResult {
    const ok = (value: string): TreeResult => ({ status: 200, value, format: 'chr' });
    switch (name) {
      case 'ACL':
        return ok(node.acl);
      case 'Format':
        return ok(node.format);
      case 'Name':
        return ok(node.name);
      case 'Size':
        if (node.format === 'node') return { status: 406, reason: 'Size is supported on leaves only' };
        if (node.secret) return { status: 405, reason: `${node.uri} is a secret` };
        return ok(String(valueSize(node.format, node.value ?? '')));
      case 'Title':
        return ok(node.title ?? '');
      case 'TStamp':
        return ok(node.tstamp);
      case 'Type':
        return ok(node.type);
      case 'VerNo':
        return ok(String(node.verNo));
      case 'Active':
      case 'Default':
      case 'Locked': {
        if (this.collections.has(node.uri)) {
          const holders = view
            .kids(node.uri)
            .map((u) => view.node(u)!)
            .filter((r) =>
              name === 'Locked' ? r.flags?.locked !== undefined : r.flags?.[flagKey(name)] === true,
            )
            .map((r) => r.name);
          return ok(holders.join('/'));
        }
        if (!this.isInstance(node.uri))
          return { status: 406, reason: `${name} is only supported on MO instances` };
        const on =
          name === 'Locked' ? node.flags?.locked !== undefined : node.flags?.[flagKey(name)] === true;
        return ok(on ? 'true' : 'false');
      }
      default:
        return { status: 406, reason: `unsupported property "${name}"` };
    }
  }

  /** Pre-order walk of the nodes the principal may Get, passing the inherited ACL down. */
  private walkReadable(
    view: TreeView,
    principal: Principal,
    top: NodeRecord,
    visit: (r: NodeRecord, depth: number) => boolean,
  ): void {
    const go = (r: NodeRecord, inherited: Acl, depth: number) => {
      const acl = r.acl === '' ? inherited : cachedAcl(r.acl);
      if (principal.kind === 'server' && !aclAllows(acl, 'Get', principal.serverId)) return;
      if (!visit(r, depth)) return;
      for (const k of view.kids(r.uri)) go(view.node(k)!, acl, depth + 1);
    };
    go(top, this.effectiveAcl(view, top.uri), 0);
  }

  private listOf(view: TreeView, principal: Principal, top: NodeRecord, withData: boolean): ListItem[] {
    const items: ListItem[] = [];
    this.walkReadable(view, principal, top, (r) => {
      const item: ListItem = { uri: r.uri, format: r.format, type: r.type };
      if (withData && r.format !== 'node' && !r.secret) item.value = r.value ?? '';
      items.push(item);
      return true;
    });
    return items;
  }

  private tndsOf(
    view: TreeView,
    principal: Principal,
    top: NodeRecord,
    selection: ReadonlySet<TndsProperty>,
  ): string {
    const byUri = new Map<string, TndsNode>();
    const roots: TndsNode[] = [];
    this.walkReadable(view, principal, top, (r) => {
      const t: TndsNode = {
        name: r.name,
        format: r.format,
        type: r.type,
        acl: r.acl,
        tstamp: r.tstamp,
        verNo: String(r.verNo),
        children: [],
      };
      if (r.title !== undefined) t.title = r.title;
      if (r.format !== 'node' && !r.secret) t.value = r.value ?? '';
      byUri.set(r.uri, t);
      if (r.uri === '.') return true;
      const topLevel = r.uri === top.uri || (top.uri === '.' && r.parent === '.');
      const parent = topLevel ? undefined : byUri.get(r.parent);
      if (parent) parent.children.push(t);
      else {
        t.path = r.parent;
        roots.push(t);
      }
      return true;
    });
    // The root itself is not a TNDS node: its children are the top-level nodes.
    return writeTnds(roots, selection);
  }
}
