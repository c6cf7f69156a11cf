/**
 * DM-profile bootstrap (oma-cp.md §9; oma-dm.md §15): a SyncML DM message whose Add and Replace
 * commands set DMAcc (and optionally connectivity) as one atomic batch with principal DEVICE.
 * No reply is sent; afterwards the handset should start a session with each server set up.
 *
 * Decisions (0063): an Add of a node that exists replaces it (leaf: its value; interior: kept
 * and merged into; TNDS: the existing leaves it names are deleted first); a Replace of a node
 * that does not exist adds it; every other command is listed as not applied; a DMAcc account
 * created without an ACL gets Get/Replace/Delete for its ServerID, as a CP w7 does; `./Inbox`
 * is not supported (listed as not applied).
 */
import { effectiveMeta } from '../syncml/meta.ts';
import type { Command, Item, SyncMLMessage } from '../syncml/message.ts';
import { decodeBase64 } from '../tree/format.ts';
import { parseTnds, type TndsNode } from '../tree/tnds.ts';
import { isNodeFormat, TNDS_MIME, type NodeFormat, type NodeValue, type TreeOp } from '../tree/types.ts';
import { lastSegment, parseUri, parentUri } from '../tree/uri.ts';
import { writeXml } from '../xml/write.ts';
import { OtaError } from '../errors.ts';
import {
  MASK,
  buildPreview,
  isSecretUri,
  type PreviewField,
  type PreviewItem,
  type ProvisioningPlan,
  type ServiceGroup,
  type SessionStart,
} from './preview.ts';
import { CONN_NAP, CONN_PX, DMACC_ROOT, MMS_ROOT, POC_ROOT, serverAcl, type TreeReader } from './to-tree.ts';
import type { CpIssue } from './validate.ts';

export type DmBootstrapErrorCode =
  /** The message sets nothing under ./DMAcc (it MUST, oma-cp.md §9). */
  | 'dm-bootstrap-no-dmacc'
  /** An Add/Replace item that cannot be used (no target, bad URI, bad TNDS, bad data). */
  | 'dm-bootstrap-bad-item';

export class DmBootstrapError extends OtaError {
  declare readonly code: DmBootstrapErrorCode;
  constructor(code: DmBootstrapErrorCode, message: string, details: Record<string, unknown> = {}) {
    super(code, message, details);
  }
}

/** One node the bootstrap writes, for the preview. */
interface Written {
  uri: string;
  interior: boolean;
  /** Display value (secrets masked). */
  value?: string;
  op: number;
}

const INBOX = './Inbox';

function canonical(raw: string, where: string): string {
  const parsed = parseUri(raw);
  if (!parsed.ok)
    throw new DmBootstrapError('dm-bootstrap-bad-item', `${where}: ${parsed.reason}`, {
      path: where,
      uri: raw,
    });
  if (parsed.query.kind !== 'none') {
    throw new DmBootstrapError(
      'dm-bootstrap-bad-item',
      `${where}: a bootstrap cannot target "${raw}" (properties or lists)`,
      {
        path: where,
        uri: raw,
      },
    );
  }
  return parsed.uri;
}

function isTndsOp(op: TreeOp | undefined): boolean {
  return op !== undefined && op.op === 'add' && op.type === TNDS_MIME;
}

function isWithin(uri: string, ancestor: string): boolean {
  return uri === ancestor || uri.startsWith(`${ancestor}/`);
}

/** The instance a URI belongs to, for grouping the preview. */
function instanceOf(uri: string): { key: string; group: ServiceGroup } {
  const seg = uri.slice(2).split('/');
  const take = (n: number) => `./${seg.slice(0, n).join('/')}`;
  if (isWithin(uri, DMACC_ROOT) && seg.length >= 2) return { key: take(2), group: 'dm-accounts' };
  if (isWithin(uri, CONN_NAP) && seg.length >= 3) return { key: take(3), group: 'access-points' };
  if (isWithin(uri, CONN_PX) && seg.length >= 3) return { key: take(3), group: 'proxies' };
  if (isWithin(uri, MMS_ROOT) && seg.length >= 2) return { key: take(2), group: 'mms' };
  if (isWithin(uri, POC_ROOT) && seg.length >= 2) return { key: take(2), group: 'poc' };
  return { key: seg.length >= 2 ? take(2) : uri, group: 'other' };
}

function dataText(data: Item['Data']): string | undefined {
  if (data === undefined) return undefined;
  if (typeof data === 'string') return data;
  if (data instanceof Uint8Array) return new TextDecoder().decode(data);
  const el = data.find((e) => e.kind === 'element');
  return el ? writeXml({ publicId: null, root: el }, { declaration: false }) : '';
}

class BootstrapPlanner {
  readonly ops: TreeOp[] = [];
  readonly written: Written[] = [];
  readonly notApplied: PreviewItem[] = [];
  readonly warnings: CpIssue[] = [];
  /** URIs that exist once the ops so far are applied. */
  private readonly planned = new Set<string>();
  private readonly removed = new Set<string>();

  constructor(private readonly tree: TreeReader) {}

  exists(uri: string): boolean {
    if (this.removed.has(uri)) return false;
    return this.planned.has(uri) || this.tree.record(uri) !== undefined;
  }

  private markAdded(uri: string): void {
    let u = uri;
    while (u !== '' && u !== '.' && !this.exists(u)) {
      this.planned.add(u);
      this.removed.delete(u);
      u = parentUri(u);
    }
  }

  private skip(source: string, sentence: string): void {
    this.notApplied.push({
      group: 'not-applied',
      action: 'not-applied',
      sentence,
      source,
      fields: [],
      notApplied: [],
    });
  }

  command(cmd: Command, path: string): void {
    switch (cmd.kind) {
      case 'Atomic':
      case 'Sequence':
        cmd.commands.forEach((c, i) => this.command(c, `${path}/${c.kind}[${i + 1}]`));
        return;
      case 'Add':
      case 'Replace':
        cmd.Items.forEach((item, i) => this.item(cmd.kind, cmd.Meta, item, `${path}/Item[${i + 1}]`));
        return;
      default: {
        const targets =
          'Items' in cmd
            ? cmd.Items.map((i) => i.Target?.LocURI).filter((t): t is string => t !== undefined)
            : [];
        this.skip(
          path,
          `Not applied: ${cmd.kind}${targets.length > 0 ? ` ${targets.join(', ')}` : ''} (a bootstrap applies only Add and Replace)`,
        );
      }
    }
  }

  private item(
    kind: 'Add' | 'Replace',
    commandMeta: Parameters<typeof effectiveMeta>[0],
    item: Item,
    where: string,
  ): void {
    const raw = item.Target?.LocURI;
    if (raw === undefined || raw === '') {
      throw new DmBootstrapError('dm-bootstrap-bad-item', `${where}: ${kind} item without Target/LocURI`, {
        path: where,
      });
    }
    const uri = canonical(raw, where);
    if (isWithin(uri, INBOX)) {
      this.skip(
        where,
        `Not applied: ${kind} ${uri} (./Inbox is not supported; place MOs at their own location)`,
      );
      return;
    }
    const meta = effectiveMeta(commandMeta, item);
    if (meta.Type === TNDS_MIME) {
      this.tnds(uri, dataText(item.Data) ?? '', where);
      return;
    }
    let format = meta.Format;
    if (!isNodeFormat(format))
      throw new DmBootstrapError('dm-bootstrap-bad-item', `${where}: unknown Meta Format "${format}"`, {
        path: where,
      });
    let value: NodeValue | undefined;
    if (format !== 'node') {
      if (item.Data instanceof Uint8Array) value = item.Data;
      else {
        const text = dataText(item.Data) ?? '';
        if (format === 'b64') {
          // Binary data in XML travels as b64; the tree keeps bin [oma-dm.md §12.2].
          const bytes = decodeBase64(text);
          if (!bytes)
            throw new DmBootstrapError(
              'dm-bootstrap-bad-item',
              `${where}: Data is not base64 (Meta Format b64)`,
              { path: where },
            );
          value = bytes;
          format = 'bin';
        } else value = text;
      }
      if (value instanceof Uint8Array && format !== 'bin' && format !== 'b64')
        value = new TextDecoder().decode(value);
    }
    const type = meta.Type !== 'text/plain' || format !== 'node' ? meta.Type : undefined;
    const exists = this.exists(uri);
    if (format === 'node') {
      if (exists) {
        this.warnings.push({
          severity: 'warning',
          code: 'exists',
          path: where,
          message: `${where}: ${uri} exists; its children are merged (bootstrap ${kind} of an interior node)`,
        });
        return;
      }
      const op: TreeOp = { op: 'add', uri, format: 'node' };
      if (type !== undefined && type !== 'text/plain') op.type = type;
      this.push(op, uri, true);
      return;
    }
    const display = isSecretUri(uri)
      ? MASK
      : value instanceof Uint8Array
        ? `${value.length} bytes`
        : (value ?? '');
    if (exists) {
      const op: TreeOp = { op: 'replace', uri, format: format as NodeFormat };
      if (value !== undefined) op.value = value;
      if (type !== undefined) op.type = type;
      this.push(op, uri, false, display);
    } else {
      const op: TreeOp = { op: 'add', uri, format: format as NodeFormat };
      if (value !== undefined) op.value = value;
      if (type !== undefined) op.type = type;
      this.push(op, uri, false, display);
    }
  }

  private push(op: TreeOp, uri: string, interior: boolean, display?: string): void {
    this.ops.push(op);
    if (op.op === 'add') this.markAdded(uri);
    const w: Written = { uri, interior, op: this.ops.length - 1 };
    if (display !== undefined) w.value = display;
    this.written.push(w);
  }

  private tnds(target: string, xml: string, where: string): void {
    const parsed = parseTnds(xml);
    if (typeof parsed === 'string')
      throw new DmBootstrapError('dm-bootstrap-bad-item', `${where}: bad TNDS: ${parsed}`, { path: where });
    const leaves: Written[] = [];
    const visit = (node: TndsNode, parent: string) => {
      const uri = canonical(parent === '.' ? `./${node.name}` : `${parent}/${node.name}`, where);
      const interior = node.format === 'node' || (node.format === undefined && node.value === undefined);
      const w: Written = { uri, interior, op: -1 };
      if (!interior) w.value = isSecretUri(uri) ? MASK : (node.value ?? '');
      leaves.push(w);
      for (const c of node.children) visit(c, uri);
    };
    for (const top of parsed) {
      let parent = target;
      if (top.path !== undefined && top.path !== '') {
        parent =
          top.path === '.' || top.path.startsWith('./')
            ? top.path
            : target === '.'
              ? `./${top.path}`
              : `${target}/${top.path}`;
      }
      visit(top, canonical(parent, where));
    }
    if (leaves.some((l) => isWithin(l.uri, INBOX))) {
      this.skip(where, `Not applied: TNDS into ./Inbox (./Inbox is not supported)`);
      return;
    }
    // A bootstrap Add of an existing node replaces it: existing leaves named by the TNDS go first.
    for (const l of leaves) {
      if (!l.interior && this.exists(l.uri)) {
        this.ops.push({ op: 'delete', uri: l.uri });
        this.removed.add(l.uri);
        this.planned.delete(l.uri);
      }
    }
    this.ops.push({ op: 'add', uri: target, type: TNDS_MIME, value: xml });
    const index = this.ops.length - 1;
    for (const l of leaves) {
      this.markAdded(l.uri);
      this.written.push({ ...l, op: index });
    }
  }

  /** Gives each new DMAcc account without an ACL the CP rule's ACL (decision 0063). */
  accountAcls(): void {
    const accounts = new Map<string, Written[]>();
    for (const w of this.written) {
      const { key, group } = instanceOf(w.uri);
      if (group !== 'dm-accounts') continue;
      const list = accounts.get(key) ?? [];
      list.push(w);
      accounts.set(key, list);
    }
    for (const [key, list] of accounts) {
      if (this.tree.record(key) !== undefined) continue;
      const serverId = this.valueOf(`${key}/ServerID`);
      if (serverId === undefined || list.some((w) => w.uri === key && isTndsOp(this.ops[w.op]))) continue;
      const acl = serverAcl([serverId]);
      const explicit = this.ops.findIndex((op) => op.op === 'add' && op.uri === key && op.type !== TNDS_MIME);
      if (explicit >= 0) {
        const op = this.ops[explicit] as Extract<TreeOp, { op: 'add' }>;
        op.acl ??= acl;
      } else {
        const first = Math.min(...list.map((w) => w.op).filter((i) => i >= 0));
        if (!Number.isFinite(first) || isTndsOp(this.ops[first])) continue;
        this.ops.splice(first, 0, { op: 'add', uri: key, format: 'node', acl });
        for (const w of this.written) if (w.op >= first) w.op++;
      }
    }
  }

  /** Value a leaf will have after the batch (from the ops, else the tree). */
  valueOf(uri: string): string | undefined {
    for (let i = this.written.length - 1; i >= 0; i--) {
      const w = this.written[i] as Written;
      if (w.uri !== uri || w.interior) continue;
      const op = this.ops[w.op];
      if (
        op &&
        op.op !== 'delete' &&
        op.op !== 'copy' &&
        typeof op.value === 'string' &&
        op.type !== TNDS_MIME
      )
        return op.value;
      return w.value;
    }
    return this.tree.record(uri)?.value;
  }

  previewItems(): { items: PreviewItem[]; sessions: SessionStart[] } {
    const groups = new Map<string, { group: ServiceGroup; writes: Written[] }>();
    for (const w of this.written) {
      const { key, group } = instanceOf(w.uri);
      const g = groups.get(key) ?? { group, writes: [] };
      g.writes.push(w);
      groups.set(key, g);
    }
    const items: PreviewItem[] = [];
    const sessions: SessionStart[] = [];
    for (const [key, { group, writes }] of groups) {
      const existing = this.tree.record(key) !== undefined;
      const verb = existing ? 'Replaces' : 'Adds';
      const fields: PreviewField[] = writes
        .filter((w) => !w.interior)
        .map((w) => ({
          label: w.uri.startsWith(`${key}/`) ? w.uri.slice(key.length + 1) : w.uri,
          value: w.value ?? '',
          ...(w.value === MASK ? { secret: true } : {}),
        }));
      const name = lastSegment(key);
      let sentence: string;
      if (group === 'dm-accounts') {
        const serverId = this.valueOf(`${key}/ServerID`);
        const addr = this.valueOf(`${key}/AppAddr/1/Addr`) ?? this.valueOf(`${key}/Addr`);
        const display = this.valueOf(`${key}/Name`) ?? serverId ?? name;
        const details = [
          addr !== undefined ? `server ${addr}` : undefined,
          serverId !== undefined ? `ServerID ${serverId}` : undefined,
        ].filter((d): d is string => d !== undefined);
        sentence = `${verb} DM account *${display}*${details.length > 0 ? ` (${details.join(', ')})` : ''}`;
        if (serverId !== undefined) sessions.push({ serverId, account: key, reason: 'bootstrap' });
      } else if (group === 'access-points') {
        sentence = `${verb} access point *${this.valueOf(`${key}/NapId`) ?? name}*`;
      } else if (group === 'proxies') {
        sentence = `${verb} proxy *${this.valueOf(`${key}/ProxyId`) ?? name}*`;
      } else if (group === 'mms' || group === 'poc') {
        const addr = this.valueOf(`${key}/Addr`);
        sentence = `${verb} ${group === 'mms' ? 'MMS settings' : 'Push-to-talk settings'} *${this.valueOf(`${key}/Name`) ?? name}*${
          addr !== undefined ? ` (${group === 'mms' ? 'MMSC' : 'server'} ${addr})` : ''
        }`;
      } else {
        sentence = `Sets ${fields.length === 1 ? 'node' : `${fields.length} nodes`} under ${key}`;
      }
      const opIndexes = writes.map((w) => w.op).filter((i) => i >= 0);
      const item: PreviewItem = {
        group,
        action: existing ? 'replace' : 'add',
        sentence,
        uri: key,
        source: 'SyncML',
        fields,
        notApplied: [],
      };
      if (opIndexes.length > 0) item.ops = [Math.min(...opIndexes), Math.max(...opIndexes) + 1];
      items.push(item);
    }
    return { items: [...items, ...this.notApplied], sessions };
  }
}

/**
 * Plans a DM-profile bootstrap message against the tree. Throws `DmBootstrapError` when an
 * item cannot be used or nothing under ./DMAcc is set.
 */
export function planDmBootstrap(message: SyncMLMessage, tree: TreeReader): ProvisioningPlan {
  const planner = new BootstrapPlanner(tree);
  message.SyncBody.commands.forEach((c, i) => planner.command(c, `SyncBody/${c.kind}[${i + 1}]`));
  if (!planner.written.some((w) => isWithin(w.uri, DMACC_ROOT))) {
    throw new DmBootstrapError(
      'dm-bootstrap-no-dmacc',
      'The bootstrap message sets nothing under ./DMAcc; a DM bootstrap must set a DM account [oma-cp.md §9]',
    );
  }
  planner.accountAcls();
  const { items, sessions } = planner.previewItems();
  const warnings = [
    ...planner.warnings,
    ...(message.warnings ?? []).map<CpIssue>((w) => ({
      severity: 'warning',
      code: w.code,
      path: w.path,
      message: `${w.path}: ${w.message}`,
    })),
  ];
  return {
    kind: 'dm-bootstrap',
    ops: planner.ops,
    preview: buildPreview(
      items,
      warnings.map((w) => w.message),
    ),
    issues: warnings,
    startSessions: sessions,
  };
}
